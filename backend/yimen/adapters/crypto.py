"""AES-GCM encryption of personal data at rest and HMAC lookup hashes (cryptography)."""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from yimen.ports import Cipher

PREFIX = "v1:"


def audit_mac_key(master: bytes) -> bytes:
    """The audit chain's HMAC key (domain.audit.Sealer), apart from the encryption and lookup keys."""
    return _derive(master, b"yimen-audit")


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class AesGcmCipher(Cipher):
    """One master key; separate derived keys for encryption and for lookup hashes."""

    def __init__(self, master_key: bytes):
        if len(master_key) != 32:
            raise ValueError("data key must be 32 bytes")
        self._aead = AESGCM(_derive(master_key, b"yimen-encrypt"))
        self._hmac_key = _derive(master_key, b"yimen-lookup")

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), None)
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        raw = base64.urlsafe_b64decode(token.removeprefix(PREFIX))
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()

    def lookup_hash(self, value: str) -> str:
        normalised = value.strip().upper()
        return hmac.new(self._hmac_key, normalised.encode(), hashlib.sha256).hexdigest()


class FileSealer:
    """Whole-file AES-GCM for the local blob folder (S3 encrypts server-side instead). The blob key is
    the associated data, so one person's sealed photo cannot be swapped in for another's file."""

    def __init__(self, master_key: bytes):
        self._aead = AESGCM(_derive(master_key, b"yimen-blobs"))

    def seal(self, data: bytes, key: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data, key.encode())

    def open(self, sealed: bytes, key: str) -> bytes:
        return self._aead.decrypt(sealed[:12], sealed[12:], key.encode())
