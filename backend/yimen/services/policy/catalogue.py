"""Catalogue browsing: what an item's page shows beside the item (each region's standards, what goes with what)."""

from typing import Any

from yimen.domain.policy import Catalogue, Item


def published_standards(cat: Catalogue, item: Item) -> list[dict[str, Any]]:
    """The item's standards in every region the catalogue publishes them for, in the catalogue's order."""
    return [
        {
            "region": cat.region(_region_code(prefix))["name"],
            "demo": block["demo"],
            "source": block.get("source", block.get("note", "")),
            "lines": item.standard_lines(_region_code(prefix)),
        }
        for prefix, block in item.standards.items()
    ]


def _region_code(prefix: str) -> str:
    """The catalogue files the demo county's standards under "default"; its region code is ""."""
    return "" if prefix == "default" else prefix


def combinations(cat: Catalogue, item: Item) -> dict[str, list[Any]]:
    """The aid the item cannot be held with (each with the reason) and the aid it stacks with."""
    return {
        "not_with": [(cat.items[c], why) for c, why in item.not_with.items()],
        "stacks_with": [cat.items[c] for c in item.stacks_with],
    }
