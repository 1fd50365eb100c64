"""Blob store in S3 or an S3-compatible store (MinIO, Tencent COS): a private bucket, every object
encrypted server-side, uploads from the mini-program through presigned POSTs so photos never pass
through the API Lambda (API Gateway caps a request at 10 MB and bills the Lambda for the wait)."""

from botocore.exceptions import ClientError

from yimen.domain.errors import NotFound
from yimen.ports import BlobStore

UPLOAD_PREFIX = "uploads/"  # objects under it expire after 7 days unless a service moves them


def check_key(key: str) -> str:
    """Same rule as the local folder: a key never climbs out of the store."""
    if not key or key.startswith("/") or "\\" in key or ".." in key.split("/"):
        raise ValueError(f"blob key escapes the store: {key!r}")
    return key


class S3BlobStore(BlobStore):
    def __init__(self, client, bucket: str, sse: str = "AES256", kms_key_id: str | None = None):
        self.client, self.bucket = client, bucket
        # "none" is for S3-compatible stores without server-side encryption configured (plain MinIO).
        self.sse = {} if sse == "none" else {"ServerSideEncryption": sse}
        if sse == "aws:kms" and kms_key_id:
            self.sse["SSEKMSKeyId"] = kms_key_id

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type, **self.sse)

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"].read()
        except self.client.exceptions.NoSuchKey as exc:
            raise NotFound("BLOB_NOT_FOUND", "文件不存在") from exc

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def presigned_upload(self, key: str, content_type: str, max_bytes: int, expires: int = 600) -> dict:
        """A form the client POSTs the file to directly: {"url": ..., "fields": {...}}. The policy pins
        the key, the content type, a size ceiling and server-side encryption."""
        fields = {"Content-Type": content_type}
        conditions: list = [{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]]
        for name, value in self.sse.items():
            header = "x-amz-server-side-encryption" + ("-aws-kms-key-id" if name == "SSEKMSKeyId" else "")
            fields[header] = value
            conditions.append({header: value})
        return self.client.generate_presigned_post(
            Bucket=self.bucket, Key=check_key(key), Fields=fields, Conditions=conditions, ExpiresIn=expires
        )

    def presigned_download(self, key: str, expires: int = 300) -> str:
        """A short-lived link for a clerk's browser to show a photo without proxying it."""
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": check_key(key)}, ExpiresIn=expires
        )
