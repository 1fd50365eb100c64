"""The layers, as the imports draw them (grimp reads every import, also those inside functions):
domain <- services <- entrypoints, with adapters chosen only in bootstrap; and no import cycles."""

import sys
from functools import cache

import grimp
import pytest

FRAMEWORKS = {"click", "flask", "werkzeug", "boto3", "botocore", "sqlite3", "wechatpy", "reportlab", "openpyxl"}
# Technologies behind ports. argon2 stays allowed: a password hash is an algorithm without I/O, as hashlib is.
TECHNOLOGY = FRAMEWORKS | {"PIL", "numpy", "qrcode", "rapidocr", "jinja2", "waitress", "requests", "cryptography"}
DOMAIN_MAY_USE = {"yaml", "chinese_calendar", "zhconv"}  # zhconv: a character table (繁→简), no I/O


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("yimen", include_external_packages=True, cache_dir=None)


def modules_under(package: str) -> list[str]:
    return sorted(m for m in graph().modules if m == package or m.startswith(package + "."))


def imports_of(module: str) -> set[str]:
    return graph().find_modules_directly_imported_by(module)


def offending(package: str, allowed) -> dict[str, list[str]]:
    found = {m: sorted(i for i in imports_of(m) if not allowed(i)) for m in modules_under(package)}
    return {m: bad for m, bad in found.items() if bad}


def top(name: str) -> str:
    return name.split(".")[0]


def test_services_use_no_framework_and_no_technology():
    def allowed(name: str) -> bool:
        internal_ok = name.startswith(("yimen.domain", "yimen.services", "yimen.ports"))
        return internal_ok if name.startswith("yimen") else top(name) not in TECHNOLOGY

    assert offending("yimen.services", allowed) == {}


def test_the_domain_imports_only_the_standard_library_yaml_and_the_calendar():
    def allowed(name: str) -> bool:
        if name.startswith("yimen"):
            return name.startswith("yimen.domain")
        return top(name) in sys.stdlib_module_names or top(name) in DOMAIN_MAY_USE

    assert offending("yimen.domain", allowed) == {}


def test_only_bootstrap_picks_adapters():
    importers = {
        m
        for adapter in modules_under("yimen.adapters")
        for m in graph().find_modules_that_directly_import(adapter)
        if not m.startswith("yimen.adapters")
    }
    assert importers <= {"yimen.bootstrap"}


@pytest.mark.parametrize("layer", ["yimen.domain", "yimen.services", "yimen.adapters", "yimen.ports"])
def test_inner_layers_never_reach_for_entry_points_or_the_composition_root(layer):
    def allowed(name: str) -> bool:
        return not name.startswith(("yimen.entrypoints", "yimen.bootstrap"))

    assert offending(layer, allowed) == {}


def test_there_are_no_import_cycles():
    """A cycle is an import m -> x with a chain back from x to m; each is reported as that chain."""
    cycles = set()
    for module in modules_under("yimen"):
        for imported in imports_of(module):
            back = imported.startswith("yimen") and graph().find_shortest_chain(importer=imported, imported=module)
            if back:
                cycles.add(" -> ".join((module, *back)))
    assert sorted(cycles) == []
