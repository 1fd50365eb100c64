"""Lambda handlers invoked the way AWS invokes them (API Gateway HTTP API v2 events, SQS batches,
EventBridge schedules), in this process, against the loopback AWS (moto's server)."""

import base64
import json
import os
import uuid

import pytest

from tests.aws_support import create_stack, moto_endpoint
from tests.notices.conftest import sim  # noqa: F401  (the WeChat imitation's controls)


@pytest.fixture(scope="session")
def artifact(tmp_path_factory):
    """The deployment package and the layer as a deploy builds them, unpacked (tests/serverless/artifact.py)."""
    import shutil

    from tests.aws_support import ROOT
    from tests.serverless.artifact import build

    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node/npm not installed")
    if not (ROOT / "node_modules" / "osls").is_dir():
        pytest.fail("node_modules/osls is missing: run `npm ci` at the repository root (make test does)")
    return build(tmp_path_factory.mktemp("artifact"))


@pytest.fixture
def stack():
    return create_stack(moto_endpoint())


@pytest.fixture
def lambda_env(stack, tmp_path, monkeypatch, wechat_imitation):
    """The environment serverless.yml gives every function, pointed at the loopback stack."""
    import functions.api
    from functions.runtime import services

    env = {
        **stack.env(),
        "YIMEN_DATA_DIR": str(tmp_path / "lambda-tmp"),
        "YIMEN_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
        "YIMEN_SECRET_KEY": "test-secret",
        "YIMEN_PUBLIC_BASE_URL": "https://yimen.example.gov.cn",
        "YIMEN_WECHAT_API_BASE": wechat_imitation.url + "/wx-sim/",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("YIMEN_DATA_KEY_CIPHERTEXT", raising=False)
    services.cache_clear()  # a fresh container: services are built from this environment
    monkeypatch.setattr(functions.api, "_wsgi", None)
    yield env
    services.cache_clear()


def http_event(method: str, path: str, body: dict | None = None, headers: dict | None = None, query: str = "") -> dict:
    """An API Gateway HTTP API (payload format 2.0) event as AWS sends it."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "cookies": [],
        "headers": {
            "host": "a1b2c3.execute-api.cn-northwest-1.amazonaws.com.cn",
            "user-agent": "MicroMessenger",
            "x-forwarded-for": "203.0.113.9",
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
            "content-type": "application/json",
            **(headers or {}),
        },
        "queryStringParameters": dict(p.split("=", 1) for p in query.split("&")) if query else None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "a1b2c3",
            "domainName": "a1b2c3.execute-api.cn-northwest-1.amazonaws.com.cn",
            "domainPrefix": "a1b2c3",
            "requestId": uuid.uuid4().hex,
            "routeKey": "$default",
            "stage": "$default",
            "time": "25/Nov/2026:02:00:00 +0000",
            "timeEpoch": 1795572000000,
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.9",
                "userAgent": "MicroMessenger",
            },
        },
        "body": json.dumps(body, ensure_ascii=False) if body is not None else None,
        "isBase64Encoded": False,
    }


def sqs_event(bodies: list[str], queue: str = "yimen-prod-notice", receive_count: int = 1) -> dict:
    """An SQS event-source batch as Lambda receives it."""
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid5(uuid.NAMESPACE_URL, body)),
                "receiptHandle": "AQEB" + uuid.uuid4().hex,
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": str(receive_count),
                    "SentTimestamp": "1795572000000",
                    "SenderId": "AROAEXAMPLE",
                    "ApproximateFirstReceiveTimestamp": "1795572000001",
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws-cn:sqs:cn-northwest-1:123456789012:{queue}",
                "awsRegion": "cn-northwest-1",
            }
            for body in bodies
        ]
    }


SCHEDULE_EVENT = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-25T02:00:00Z",
    "region": "cn-northwest-1",
    "resources": [],
    "detail": {},
}
