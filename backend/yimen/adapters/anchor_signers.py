"""Signers for audit anchors (domain/audit.py): a KMS asymmetric key in the cloud, an Ed25519 key file
locally. Neither key is in the records store, so a role that can write the table cannot forge one."""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from yimen.ports import AnchorSigner


class FileAnchorSigner(AnchorSigner):
    """An Ed25519 key in a 0600 file beside (not inside) the database, made on the first anchor. Keep
    it off the database's disk when you can (YIMEN_AUDIT_SIGNING_KEY_FILE); without it, anchors can
    neither be made nor checked."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @functools.cached_property
    def _key(self) -> Ed25519PrivateKey | None:
        if not self.path.exists():
            return None
        key = serialization.load_pem_private_key(self.path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise RuntimeError(f"{self.path} holds a {type(key).__name__}, not the Ed25519 key anchors are signed with")
        return key

    @property
    def key_id(self) -> str:
        key = self._key or self._create()
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]

    def _create(self) -> Ed25519PrivateKey:
        if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):  # a file in /tmp would differ per container
            raise RuntimeError("YIMEN_AUDIT_SIGNING_KEY_ID (a KMS signing key) must be set in Lambda")
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        self.__dict__["_key"] = key
        return key

    def sign(self, digest: bytes) -> str:
        return base64.b64encode((self._key or self._create()).sign(digest)).decode()

    def verify(self, digest: bytes, signature: str) -> bool:
        if self._key is None:
            return False
        try:
            self._key.public_key().verify(base64.b64decode(signature), digest)
        except (InvalidSignature, ValueError):
            return False
        return True


class KmsAnchorSigner(AnchorSigner):
    """kms:Sign with an ECC_NIST_P256 key (infra/kms.yml AuditAnchorKey) whose key policy lets only the
    anchoring function's role sign; verifying goes through kms:Verify too."""

    ALGORITHM = "ECDSA_SHA_256"

    def __init__(self, kms_client, key_id: str):
        self._kms, self._key_id = kms_client, key_id  # adapters.aws.LazyClient: made on the first anchor

    @property
    def key_id(self) -> str:
        return self._key_id

    def sign(self, digest: bytes) -> str:
        found = self._kms.sign(KeyId=self.key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm=self.ALGORITHM)
        return base64.b64encode(found["Signature"]).decode()

    def verify(self, digest: bytes, signature: str) -> bool:
        try:
            found = self._kms.verify(
                KeyId=self.key_id,
                Message=digest,
                MessageType="DIGEST",
                Signature=base64.b64decode(signature),
                SigningAlgorithm=self.ALGORITHM,
            )
        except self._kms.exceptions.KMSInvalidSignatureException:
            return False
        return bool(found["SignatureValid"])
