"""A clerk's e-signature under a decision: the typed name and PIN checked against their account, and a
digest over what was decided (optionally with the name drawn on the screen)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from yimen.domain.errors import ValidationError
from yimen.domain.model import Actor
from yimen.ports import BlobStore, Clock
from yimen.ports_ocr import Images
from yimen.services.ocr.photos import clean_material, sniff
from yimen.services.staff.auth import AuthService

MAX_DRAWN_BYTES = 200 * 1024


@dataclass(frozen=True)
class Signing:
    """What a clerk types under a decision: their name and their PIN (the console password)."""

    typed_name: str
    pin: str
    drawn_png: bytes | None = None  # optionally also signed by hand on the screen


@dataclass(frozen=True)
class CoSigner:
    """The second clerk who confirms a large green-channel grant: their login name and PIN."""

    username: str
    pin: str


class Signer:
    def __init__(self, *, auth: AuthService, clock: Clock, blobs: BlobStore, images: Images):
        self.auth = auth
        self.clock = clock
        self.blobs = blobs
        self.images = images

    def sign(self, actor: Actor, signing: Signing, what: str) -> dict:
        """The clerk's e-signature: typed name + PIN checked against their account, digest over the decision."""
        self.auth.check_signer(actor, signing.typed_name, signing.pin)
        at = self.clock.now().isoformat()
        drawn = hashlib.sha256(signing.drawn_png).hexdigest() if signing.drawn_png else ""
        digest = hashlib.sha256(f"{actor.id}|{signing.typed_name.strip()}|{at}|{what}|{drawn}".encode()).hexdigest()
        signature = {"signer": actor.id, "typed_name": signing.typed_name.strip(), "at": at, "sha256": digest}
        if signing.drawn_png:
            if sniff(signing.drawn_png) != "image/png" or len(signing.drawn_png) > MAX_DRAWN_BYTES:
                raise ValidationError("BAD_SIGNATURE", "手写签名图片无效，请清除后重签")
            signature["drawn_key"] = f"signatures/{digest}.png"
            self.blobs.put(signature["drawn_key"], clean_material(signing.drawn_png, self.images), "image/png")
        return signature
