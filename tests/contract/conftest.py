"""One contract suite, two backends: every test here runs against SQLite + a local folder and
against DynamoDB + S3 + SQS (boto3 over real HTTP to moto's server on 127.0.0.1)."""

import io
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

import pytest
import requests

from tests.aws_support import AwsStack, client, create_stack, moto_endpoint
from yimen.bootstrap import Services, build_services
from yimen.config import load_config
from yimen.entrypoints.web.app import create_app
from yimen.ports import FixedClock


@dataclass
class Backend:
    name: str
    services: Services
    stack: AwsStack | None = None

    def uow(self):
        return self.services.uow()

    def delivered(self, kind: str) -> list[dict]:
        """Jobs handed on for delivery: the SQLite outbox table, or the kind's SQS queue."""
        if self.stack:
            return [json.loads(m["Body"]) for m in self.stack.drain(kind)]
        with sqlite3.connect(self.services.config.database) as conn:
            rows = conn.execute("SELECT kind, dedupe_key, payload FROM jobs WHERE kind = ? ORDER BY id", (kind,))
            return [{"kind": k, "dedupe_key": d, "payload": json.loads(p)} for k, d, p in rows]

    def post_form(self, form: dict, data: bytes) -> int:
        """Send a file with a presigned upload form, as the phone does: to the bucket, or to the local
        stand-in route through the Flask app."""
        if self.stack:
            files = {"file": ("photo.jpg", data, "image/jpeg")}
            return requests.post(form["url"], data=form["fields"], files=files, timeout=10).status_code
        client = create_app(self.services.config, self.services).test_client()
        return client.post(form["url"], data={**form["fields"], "file": (io.BytesIO(data), "photo.jpg")}).status_code

    def stored_text(self) -> str:
        """Everything at rest, as text: to prove personal data never lands there in the clear."""
        if self.stack:
            found = client("dynamodb", self.stack.endpoint).scan(TableName=self.stack.table)["Items"]
            return json.dumps(found, ensure_ascii=False)
        with sqlite3.connect(self.services.config.database) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return json.dumps([list(conn.execute(f"SELECT * FROM {t}")) for t in tables], ensure_ascii=False)


@pytest.fixture(params=["sqlite", "aws"])
def backend(request, tmp_path) -> Backend:
    clock = FixedClock(datetime(2026, 11, 25, 10, 0))
    if request.param == "sqlite":
        return Backend("sqlite", build_services(load_config(tmp_path, backend="sqlite"), clock=clock))
    stack = create_stack(moto_endpoint())
    return Backend("aws", build_services(load_config(tmp_path, **stack.config()), clock=clock), stack)
