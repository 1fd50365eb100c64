"""Envelope encryption of the data key with KMS: the 32-byte data key lives only as KMS ciphertext
in the environment (YIMEN_DATA_KEY_CIPHERTEXT); a cold start asks KMS to unwrap it once. The
encryption context binds the ciphertext to this purpose, so it can't be replayed elsewhere."""

import base64

CONTEXT = {"app": "yimen", "purpose": "data-key"}


def new_wrapped_data_key(client, key_id: str) -> str:
    """A fresh data key, returned only wrapped (base64 of the KMS ciphertext blob)."""
    found = client.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=CONTEXT)
    return base64.b64encode(found["CiphertextBlob"]).decode()


def unwrap_data_key(client, wrapped: str) -> bytes:
    plaintext = client.decrypt(CiphertextBlob=base64.b64decode(wrapped), EncryptionContext=CONTEXT)["Plaintext"]
    if len(plaintext) != 32:
        raise ValueError("the KMS-wrapped data key is not 32 bytes")
    return plaintext
