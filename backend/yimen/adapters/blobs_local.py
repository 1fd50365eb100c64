"""Blob store on the local disk (embedded default). Keys are relative paths inside one folder; every
file is sealed with AES-GCM, since ID photos show the ID number. Presigned uploads are imitated by
an HMAC-signed form that the API's /api/v1/uploads/direct route checks the way S3 checks its policy."""

import hashlib
import hmac
import os
import time
from collections.abc import Mapping
from pathlib import Path

from yimen.adapters.crypto import FileSealer
from yimen.domain.errors import Forbidden, NotFound, TooLarge
from yimen.ports import BlobStore

DIRECT_UPLOAD_PATH = "/api/v1/uploads/direct"
SIGNED_FIELDS = ("key", "Content-Type", "max-bytes", "expires")


class LocalBlobStore(BlobStore):
    def __init__(self, root: Path, sealer: FileSealer, signing_key: bytes):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.sealer, self.signing_key = sealer, signing_key

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"blob key escapes the store: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(self.sealer.seal(data, key))
        os.replace(tmp, path)  # readers never see half a photo

    def get(self, key: str) -> bytes:
        path = self._path(key)
        if not path.exists():
            raise NotFound("BLOB_NOT_FOUND", "文件不存在")
        return self.sealer.open(path.read_bytes(), key)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def presigned_upload(self, key: str, content_type: str, max_bytes: int, expires: int = 600) -> dict:
        self._path(key)  # refuse a key that would escape before handing out a form for it
        fields = {
            "key": key,
            "Content-Type": content_type,
            "max-bytes": str(max_bytes),
            "expires": str(int(time.time()) + expires),
        }
        return {"url": DIRECT_UPLOAD_PATH, "fields": {**fields, "signature": self._sign(fields)}}

    def accept_upload(self, fields: Mapping[str, str], data: bytes) -> str:
        """What S3 does with a presigned POST: check the signed form, then store the file under its key."""
        if not hmac.compare_digest(self._sign(fields), fields.get("signature", "")):
            raise Forbidden("UPLOAD_FORM_INVALID", "上传凭证无效，请重新选择照片上传。")
        if int(fields["expires"]) < time.time():
            raise Forbidden("UPLOAD_FORM_EXPIRED", "上传凭证已过期，请重新选择照片上传。")
        ceiling = int(fields["max-bytes"])
        if not 0 < len(data) <= ceiling:
            raise TooLarge("UPLOAD_SIZE", f"照片应在 {ceiling // 1024 // 1024}MB 以内且不能为空，请重新拍摄。")
        self.put(fields["key"], data, fields["Content-Type"])
        return fields["key"]

    def expire(self, prefix: str, older_than_seconds: float) -> int:
        """What S3's lifecycle rule does for `uploads/`: remove files under prefix not written lately."""
        cutoff = time.time() - older_than_seconds
        old = [p for p in self._path(prefix).rglob("*") if p.is_file() and p.stat().st_mtime < cutoff]
        for path in old:
            path.unlink(missing_ok=True)
        return len(old)

    def _sign(self, fields: Mapping[str, str]) -> str:
        message = "\n".join(str(fields.get(name, "")) for name in SIGNED_FIELDS).encode()
        return hmac.new(self.signing_key, message, hashlib.sha256).hexdigest()
