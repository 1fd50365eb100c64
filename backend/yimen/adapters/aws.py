"""boto3 clients for the serverless path, built from configuration in one place.

endpoint_url points every client at another endpoint (moto's server in tests, a LocalStack);
s3_endpoint_url points only the blob store elsewhere (MinIO, Tencent COS), lambda_endpoint_url only
the OCR function's invokes (a local Lambda runtime interface emulator)."""

import functools
from typing import Any

from yimen.config import AwsEndpoints


@functools.cache
def _session():
    """One session per process: it caches the parsed service models, which a cold start pays for once."""
    import boto3  # ~0.3 s: imported by the first request that calls AWS, not by the handler's import

    return boto3.session.Session()


class LazyClient:
    """A boto3 client made on first use: a cold Lambda pays only for the services its first request calls."""

    def __init__(self, endpoints: AwsEndpoints, service: str):
        self._args, self._client = (endpoints, service), None

    def __getattr__(self, name: str):
        if self._client is None:
            self._client = client(*self._args)
        return getattr(self._client, name)


def client(endpoints: AwsEndpoints, service: str):
    from botocore.config import Config

    endpoint = endpoints.endpoint_url
    options: dict[str, Any] = {
        "retries": {"mode": "standard", "max_attempts": 4},
        "connect_timeout": 3,
        "read_timeout": 20,
    }
    if service == "s3":
        endpoint = endpoints.s3_endpoint_url or endpoint
        options["s3"] = {"addressing_style": endpoints.s3_addressing_style or "auto"}
        options["signature_version"] = "s3v4"
    if service == "lambda":  # one read of an ID photo; a cold OCR function loads its model first
        endpoint = endpoints.lambda_endpoint_url or endpoint
        options.update(read_timeout=25, retries={"mode": "standard", "max_attempts": 1})
    return _session().client(service, region_name=endpoints.region, endpoint_url=endpoint, config=Config(**options))
