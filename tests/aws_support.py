"""The loopback AWS for tests: moto's server as a real HTTP endpoint on 127.0.0.1 (boto3 talks to it
like to AWS), and a fresh table/bucket/queues per test, created from the infra/*.yml definitions
that serverless.yml deploys, so the tested resources are the deployed ones."""

from __future__ import annotations

import atexit
import functools
import os
import subprocess
import sys
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import yaml

from tests.net import free_port, wait_until_up
from yimen.adapters.aws import AwsEndpoints

ROOT = Path(__file__).resolve().parents[1]
REGION = "cn-northwest-1"
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation YAML: intrinsic tags (!Ref, !GetAtt...) become plain values."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def infra(name: str) -> dict:
    return yaml.load((ROOT / "infra" / name).read_text(), Loader=_CfnLoader)["Resources"]


@functools.cache
def moto_endpoint() -> str:
    """Start moto_server once per test session; stopped when the session's interpreter exits."""
    for name, value in DUMMY_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    port = free_port()
    binary = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    atexit.register(process.terminate)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/moto-api/")
    return url


@functools.cache
def client(service: str, endpoint: str):
    return boto3.session.Session().client(service, region_name=REGION, endpoint_url=endpoint)


@dataclass
class AwsStack:
    endpoint: str
    table: str
    bucket: str
    queues: dict[str, str] = field(default_factory=dict)  # kind -> queue URL
    dead_letters: dict[str, str] = field(default_factory=dict)
    anchor_key: str = ""  # the KMS key that signs audit anchors

    def config(self) -> dict:
        """load_config overrides selecting the aws backend against this stack."""
        return {
            "backend": "aws",
            "aws": AwsEndpoints(region=REGION, endpoint_url=self.endpoint),
            "dynamodb_table": self.table,
            "blob_bucket": self.bucket,
            "queue_urls": dict(self.queues),
            "audit_signing_key_id": self.anchor_key,
        }

    def env(self) -> dict:
        """The same, as the environment variables serverless.yml gives a Lambda function."""
        env = {
            "YIMEN_BACKEND": "aws",
            "YIMEN_AWS_REGION": REGION,
            "YIMEN_AWS_ENDPOINT_URL": self.endpoint,
            "YIMEN_DYNAMODB_TABLE": self.table,
            "YIMEN_BLOB_BUCKET": self.bucket,
            **DUMMY_CREDENTIALS,
        }
        env.update({f"YIMEN_QUEUE_{kind.upper()}": url for kind, url in self.queues.items()})
        env["YIMEN_AUDIT_SIGNING_KEY_ID"] = self.anchor_key
        return env

    def drain(self, kind: str) -> list[dict]:
        """Receive and delete every message waiting in one queue (raw SQS messages)."""
        sqs, messages = client("sqs", self.endpoint), []
        while True:
            found = sqs.receive_message(QueueUrl=self.queues[kind], MaxNumberOfMessages=10, AttributeNames=["All"]).get(
                "Messages", []
            )
            if not found:
                return messages
            for message in found:
                sqs.delete_message(QueueUrl=self.queues[kind], ReceiptHandle=message["ReceiptHandle"])
            messages.extend(found)


def create_stack(endpoint: str) -> AwsStack:
    urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/reset", method="POST"), timeout=10)
    prefix = f"yimen-{uuid.uuid4().hex[:10]}"
    stack = AwsStack(endpoint, table=prefix, bucket=prefix)
    _create_table(endpoint, stack.table)
    _create_bucket(endpoint, stack.bucket)
    _create_queues(endpoint, prefix, stack)
    stack.anchor_key = _create_anchor_key(endpoint)
    return stack


def _create_anchor_key(endpoint: str) -> str:
    spec = infra("kms.yml")["AuditAnchorKey"]["Properties"]
    created = client("kms", endpoint).create_key(KeySpec=spec["KeySpec"], KeyUsage=spec["KeyUsage"])
    return created["KeyMetadata"]["KeyId"]


def _create_table(endpoint: str, name: str) -> None:
    spec = infra("dynamodb.yml")["RecordsTable"]["Properties"]
    keep = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
    dynamodb = client("dynamodb", endpoint)
    dynamodb.create_table(
        TableName=name,
        SSESpecification={"Enabled": spec["SSESpecification"]["SSEEnabled"]},
        **{k: spec[k] for k in keep},
    )
    dynamodb.update_continuous_backups(
        TableName=name,
        PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": spec["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
        },
    )


def _create_bucket(endpoint: str, name: str) -> None:
    s3 = client("s3", endpoint)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    spec = infra("s3.yml")["BlobBucket"]["Properties"]
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=spec["PublicAccessBlockConfiguration"])
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )


def _create_queues(endpoint: str, prefix: str, stack: AwsStack) -> None:
    """Dead-letter queues first, then each work queue with its redrive policy and visibility timeout."""
    sqs, resources = client("sqs", endpoint), infra("sqs.yml")
    arns = {}
    for logical, resource in sorted(resources.items(), key=lambda kv: "DeadLetter" not in kv[0]):
        props = resource["Properties"]
        kind = logical.removesuffix("DeadLetterQueue").removesuffix("Queue").lower()
        attributes = {"MessageRetentionPeriod": str(props["MessageRetentionPeriod"])}
        if "VisibilityTimeout" in props:
            attributes["VisibilityTimeout"] = str(props["VisibilityTimeout"])
        if "RedrivePolicy" in props:
            attributes["RedrivePolicy"] = (
                f'{{"deadLetterTargetArn": "{arns[kind]}", '
                f'"maxReceiveCount": "{props["RedrivePolicy"]["maxReceiveCount"]}"}}'
            )
        url = sqs.create_queue(QueueName=f"{prefix}-{logical}", Attributes=attributes)["QueueUrl"]
        if "RedrivePolicy" in props:
            stack.queues[kind] = url
        else:
            stack.dead_letters[kind] = url
            arns[kind] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
