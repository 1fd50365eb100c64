"""boto3 clients for the serverless path, built from configuration in one place.

AWS_ENDPOINT_URL points every client at another endpoint (moto's server in tests, a LocalStack);
S3_ENDPOINT_URL points only the blob store elsewhere (MinIO, Tencent COS), LAMBDA_ENDPOINT_URL only
the OCR function's invokes (a local Lambda runtime interface emulator)."""

import functools


@functools.cache
def _session():
    """One session per process: it caches the parsed service models, which a cold start pays for once."""
    import boto3  # ~0.3 s: imported by the first request that calls AWS, not by the handler's import

    return boto3.session.Session()


class LazyClient:
    """A boto3 client made on first use: a cold Lambda pays only for the services its first request calls."""

    def __init__(self, config: dict, service: str):
        self._args, self._client = (config, service), None

    def __getattr__(self, name: str):
        if self._client is None:
            self._client = client(*self._args)
        return getattr(self._client, name)


def client(config: dict, service: str):
    from botocore.config import Config

    endpoint = config.get("AWS_ENDPOINT_URL")
    options = {"retries": {"mode": "standard", "max_attempts": 4}, "connect_timeout": 3, "read_timeout": 20}
    if service == "s3":
        endpoint = config.get("S3_ENDPOINT_URL") or endpoint
        options["s3"] = {"addressing_style": config.get("S3_ADDRESSING_STYLE") or "auto"}
        options["signature_version"] = "s3v4"
    if service == "lambda":  # one read of an ID photo; a cold OCR function loads its model first
        endpoint = config.get("LAMBDA_ENDPOINT_URL") or endpoint
        options.update(read_timeout=25, retries={"mode": "standard", "max_attempts": 1})
    return _session().client(
        service, region_name=config.get("AWS_REGION"), endpoint_url=endpoint, config=Config(**options)
    )
