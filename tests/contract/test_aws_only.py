"""What only the serverless path has: commit-time conflicts between Lambdas, units bigger than one
transaction, the outbox relay, KMS-wrapped data keys, presigned uploads."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.aws_support import client, create_stack, moto_endpoint
from tests.contract.test_records import event, household
from yimen.adapters.kms import new_wrapped_data_key
from yimen.adapters.sqs import SqsJobQueue
from yimen.bootstrap import build_services, load_config
from yimen.domain.errors import Conflict
from yimen.ports import FixedClock, Job
from yimen.services.jobs import relay_outbox

NOW = datetime(2026, 11, 25, 10, 0)


@pytest.fixture
def stack():
    return create_stack(moto_endpoint())


@pytest.fixture
def services(stack, tmp_path):
    return build_services(load_config(tmp_path, **stack.config()), clock=FixedClock(NOW))


def test_a_race_lost_at_commit_writes_nothing_of_the_whole_unit(services):
    h = household()
    with services.uow() as uow:
        uow.households.add(h)
    slow = services.uow()
    stale = slow.households.get(h.id)
    stale.address = "慢的一方"
    slow.households.update(stale)  # passes: nobody has written yet
    slow.kv.put("ns", "side-effect", {"v": 1})
    slow.audit.append(event(1, h.id))
    with services.uow() as fast:
        winner = fast.households.get(h.id)
        winner.address = "快的一方"
        fast.households.update(winner)
    with pytest.raises(Conflict) as caught:
        slow.commit()
    assert caught.value.code == "STALE_VERSION"
    with services.uow() as uow:
        assert uow.households.get(h.id).address == "快的一方"
        assert uow.kv.get("ns", "side-effect") is None
        assert list(uow.audit.iter_all()) == []


def test_demo_county_seeds_on_dynamodb(services):
    from yimen.services.demo import county as demo

    assert demo.seed(households=12, uow=services.uow, clock=services.clock)["created"] is True
    assert demo.seed(households=12, uow=services.uow, clock=services.clock)["created"] is False
    with services.uow() as uow:
        assert uow.staff.get_by_username("admin") is not None
        assert len(list(uow.households.iter_in_area(""))) == 12


def test_jobs_that_missed_the_queue_wait_in_the_outbox_for_the_relay(stack, tmp_path):
    broken = {**stack.config(), "queue_urls": {}}  # no queue reachable for any kind
    services = build_services(load_config(tmp_path, **broken), clock=FixedClock(NOW))
    with services.uow() as uow:
        uow.jobs.enqueue(Job(kind="notice", payload={"event": "paid"}, dedupe_key="notice:9"))
    assert stack.drain("notice") == []
    with services.uow() as uow:
        assert uow.job_leases.counts("notice") == {"pending": 1}
    queue = SqsJobQueue(client("sqs", stack.endpoint), stack.queues)
    assert relay_outbox(services.uow, queue, ["notice", "ocr"], NOW) == 1
    assert relay_outbox(services.uow, queue, ["notice", "ocr"], NOW) == 0
    assert [json.loads(m["Body"])["dedupe_key"] for m in stack.drain("notice")] == ["notice:9"]
    with services.uow() as uow:
        assert uow.job_leases.counts("notice") == {"queued": 1}


def test_data_key_wrapped_by_kms(stack, tmp_path, monkeypatch):
    kms = client("kms", stack.endpoint)
    key_id = kms.create_key(Description="yimen test")["KeyMetadata"]["KeyId"]
    wrapped = new_wrapped_data_key(kms, key_id)
    plain = kms.decrypt(
        CiphertextBlob=base64.b64decode(wrapped), EncryptionContext={"app": "yimen", "purpose": "data-key"}
    )["Plaintext"]
    monkeypatch.delenv("YIMEN_DATA_KEY", raising=False)
    monkeypatch.delenv("YIMEN_SECRET_KEY", raising=False)
    monkeypatch.setenv("YIMEN_DATA_KEY_CIPHERTEXT", wrapped)
    monkeypatch.setenv("YIMEN_AWS_ENDPOINT_URL", stack.endpoint)
    config = load_config(tmp_path / "lambda")
    assert config.data_key == plain and len(plain) == 32
    assert config.secret_key and not (tmp_path / "lambda" / "secrets.json").exists()
    assert load_config(tmp_path / "lambda").secret_key == config.secret_key  # stable across cold starts


def test_presigned_upload_goes_straight_to_the_private_encrypted_bucket(services, stack):
    form = services.blobs.presigned_upload("uploads/h1/front.jpg", "image/jpeg", max_bytes=5_000_000)
    assert form["fields"]["x-amz-server-side-encryption"] == "AES256"
    response = requests.post(
        form["url"], data=form["fields"], files={"file": ("front.jpg", b"\xff\xd8jpeg-bytes", "image/jpeg")}, timeout=10
    )
    assert response.status_code in (200, 204), response.text
    assert services.blobs.get("uploads/h1/front.jpg") == b"\xff\xd8jpeg-bytes"
    head = client("s3", stack.endpoint).head_object(Bucket=stack.bucket, Key="uploads/h1/front.jpg")
    assert head["ServerSideEncryption"] == "AES256"
    block = client("s3", stack.endpoint).get_public_access_block(Bucket=stack.bucket)
    assert all(block["PublicAccessBlockConfiguration"].values())


def test_a_unit_of_work_that_lost_the_race_for_a_chain_appends_after_the_winner(services):
    """Both read the same chain head; the second to commit is cancelled on its next seq being taken,
    reseals its event behind the winner's and commits: one unbroken chain, nothing lost."""
    with services.uow() as late:
        late_event = late.audit.append(event(1))
        with services.uow() as early:
            early_event = early.audit.append(event(2))
        assert (late_event.seq, early_event.seq) == (1, 1)  # the race: both took seq 1
    with services.uow() as uow:
        chain = list(uow.audit.iter_all())
    assert [(e.seq, e.action) for e in chain] == [(1, "edit2"), (2, "edit1")]
    assert services.sealer.first_broken(chain) is None


def test_presigned_policy_pins_key_type_size_and_encryption(services):
    form = services.blobs.presigned_upload("uploads/u1/front.jpg", "image/jpeg", max_bytes=10_485_760, expires=600)
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": "uploads/u1/front.jpg"} in conditions and {"Content-Type": "image/jpeg"} in conditions
    assert ["content-length-range", 1, 10_485_760] in conditions
    assert {"x-amz-server-side-encryption": "AES256"} in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert timedelta(seconds=590) < expires - datetime.now(UTC) <= timedelta(seconds=600)


def test_kms_data_key_command_prints_only_the_wrapped_key(stack, monkeypatch):
    from click.testing import CliRunner

    from yimen.adapters.kms import unwrap_data_key
    from yimen.entrypoints.cli.main import main

    kms = client("kms", stack.endpoint)
    key_id = kms.create_key(Description="yimen cli")["KeyMetadata"]["KeyId"]
    monkeypatch.setenv("YIMEN_AWS_ENDPOINT_URL", stack.endpoint)
    result = CliRunner().invoke(main, ["kms-data-key", "--key-id", key_id, "--region", "cn-northwest-1"])
    assert result.exit_code == 0, result.output
    wrapped = result.output.strip()
    assert len(unwrap_data_key(kms, wrapped)) == 32


def test_blobs_can_live_in_another_s3_compatible_store(stack):
    """MinIO / Tencent COS: only the blob store's endpoint moves (path-style addressing here)."""
    from yimen.adapters.aws import AwsEndpoints
    from yimen.adapters.aws import client as configured_client
    from yimen.adapters.s3 import S3BlobStore

    endpoints = AwsEndpoints(
        region="cn-northwest-1",
        endpoint_url="http://127.0.0.1:9",  # nothing listens
        s3_endpoint_url=stack.endpoint,
        s3_addressing_style="path",
    )
    blobs = S3BlobStore(configured_client(endpoints, "s3"), stack.bucket, sse="none")
    blobs.put("prints/q4.pdf", b"%PDF-1.4", "application/pdf")
    assert blobs.get("prints/q4.pdf") == b"%PDF-1.4"


def test_a_message_that_keeps_failing_ends_in_the_dead_letter_queue(stack):
    sqs = client("sqs", stack.endpoint)
    SqsJobQueue(sqs, stack.queues).enqueue(Job(kind="notice", payload={"event": "paid"}, dedupe_key="notice:poison"))
    for _ in range(5):  # each receive without a delete is one failed attempt (maxReceiveCount 5)
        found = sqs.receive_message(QueueUrl=stack.queues["notice"], VisibilityTimeout=0).get("Messages", [])
        assert len(found) == 1
    assert sqs.receive_message(QueueUrl=stack.queues["notice"], VisibilityTimeout=0).get("Messages", []) == []
    dead = sqs.receive_message(QueueUrl=stack.dead_letters["notice"]).get("Messages", [])
    assert [json.loads(m["Body"])["dedupe_key"] for m in dead] == ["notice:poison"]


def test_a_lambda_without_a_data_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "yimen-prod-api")
    monkeypatch.delenv("YIMEN_DATA_KEY", raising=False)
    monkeypatch.delenv("YIMEN_DATA_KEY_CIPHERTEXT", raising=False)
    with pytest.raises(RuntimeError, match="YIMEN_DATA_KEY"):
        load_config(tmp_path)
    assert not (tmp_path / "secrets.json").exists()
