"""Each Lambda handler with a realistic event against the loopback AWS."""

import base64
import hashlib
import json
import subprocess
import sys
from datetime import timedelta

from tests.aws_support import ROOT, client
from tests.contract.test_records import household
from tests.contract.test_workflow_records import application
from tests.serverless.conftest import SCHEDULE_EVENT, http_event, sqs_event
from yimen.domain.model import AuditEvent
from yimen.domain.workflow import Stage
from yimen.entrypoints.web.wechat_imitation import _openid


def test_api_serves_a_citizen_from_dynamodb(lambda_env):
    from functions import api
    from functions.runtime import services

    openid = _openid(services().config.wechat_appid, "lambda-citizen")
    with services().uow() as uow:
        uow.households.add(household(owner=openid, phone="13800001111"))
    health = api.handler(http_event("GET", "/healthz"), None)
    assert health["statusCode"] == 200 and json.loads(health["body"]) == {"status": "ok"}
    login = api.handler(http_event("POST", "/api/v1/auth/wechat-login", {"code": "lambda-citizen"}), None)
    assert login["statusCode"] == 200, login["body"]
    token = json.loads(login["body"])["token"]
    mine = api.handler(http_event("GET", "/api/v1/me/households", headers={"authorization": f"Bearer {token}"}), None)
    assert mine["statusCode"] == 200
    items = json.loads(mine["body"])["items"]
    assert [h["address"] for h in items] == ["示范村1组"]
    assert "13800001111" in mine["body"]  # the owner sees their own phone; it is stored encrypted
    missing = api.handler(http_event("GET", "/api/v1/no-such-thing"), None)
    assert missing["statusCode"] == 404 and json.loads(missing["body"])["error"]["code"] == "NOT_FOUND"


def test_api_cold_start_leaves_the_ocr_model_out(lambda_env):
    """In a fresh interpreter: import the handler, serve a request, and check what got imported."""
    script = (
        "import json, sys\n"
        "from functions import api\n"
        "after_import = set(sys.modules)\n"
        "from tests.serverless.conftest import http_event\n"
        "r = api.handler(http_event('GET', '/healthz'), None)\n"
        "print(json.dumps({'status': r['statusCode'], 'import': sorted(after_import),\n"
        "                  'served': sorted(sys.modules)}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["status"] == 200
    for heavy in ("onnxruntime", "rapidocr", "cv2"):
        assert heavy not in found["served"], heavy
    for deferred in ("boto3", "yimen.adapters.dynamodb", "reportlab"):
        assert deferred not in found["import"], deferred


def test_wechat_callback_answers_the_url_check(lambda_env):
    from functions import wechat_callback

    token, timestamp, nonce = "local-callback-token", "1795572000", "n0nce"
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    query = f"signature={signature}&timestamp={timestamp}&nonce={nonce}&echostr=hello-wechat"
    response = wechat_callback.handler(http_event("GET", "/wechat/callback", query=query), None)
    assert response["statusCode"] == 200 and response["body"] == "hello-wechat"
    forged = query.replace(signature, "0" * 40)
    assert wechat_callback.handler(http_event("GET", "/wechat/callback", query=forged), None)["statusCode"] == 403


def _queued(stack, kind: str) -> list[str]:
    return [m["Body"] for m in stack.drain(kind)]


def test_notifier_reports_only_the_failed_message_and_ignores_a_redelivery(lambda_env, stack):
    from functions import notifier
    from functions.runtime import services
    from yimen.services.notices.outbox import notify

    with services().uow() as uow:
        notify(
            uow,
            "overdue",
            role="督办",
            area_code="990101001",
            dedupe_key="overdue:a1",
            data={"item_name": "最低生活保障", "application_no": "a1", "stage": "核对", "days_overdue": 2},
        )
    bodies = _queued(stack, "notice")
    assert len(bodies) == 1
    broken = json.dumps(
        {
            "kind": "notice",
            "payload": {"event": "no-such-event", "role": "督办", "data": {}},
            "dedupe_key": "notice:broken",
        }
    )
    result = notifier.handler(sqs_event([bodies[0], broken]), None)
    assert result == {"batchItemFailures": [{"itemIdentifier": sqs_event([broken])["Records"][0]["messageId"]}]}
    again = notifier.handler(sqs_event([bodies[0]], receive_count=2), None)
    assert again == {"batchItemFailures": []}
    with services().uow() as uow:
        inbox = uow.notice_log.list_for("staff:督办@990101001").items
    assert len(inbox) == 1 and "最低生活保障" in inbox[0].text


def test_deadline_scanner_warns_and_relays_the_outbox(lambda_env, stack):
    from functions import deadline_scanner
    from functions.runtime import services

    s = services()
    h = household(village="990101001001")
    late = application("990101001001", Stage.CHECKING, s.clock.today() - timedelta(days=10), h.id)
    with s.uow() as uow:
        uow.households.add(h)
        uow.applications.add(late)
    _queued(stack, "notice")
    result = deadline_scanner.handler(SCHEDULE_EVENT, None)
    assert result["warnings"]["red"] == 1, result
    with s.uow() as uow:
        trail = uow.audit.for_object("application", late.id)
    assert [e.action for e in trail] == ["deadline_red"]
    assert deadline_scanner.handler(SCHEDULE_EVENT, None)["warnings"]["red"] == 0  # one warning per case


def test_audit_anchor_signs_every_chain_head_with_the_kms_key(lambda_env, stack):
    from functions import audit_anchor
    from functions.runtime import services

    with services().uow() as uow:
        uow.audit.append(
            AuditEvent(
                actor="staff:window1",
                object_type="application",
                object_id="a1",
                action="view",
                at=services().clock.now(),
            )
        )
    assert audit_anchor.handler(SCHEDULE_EVENT, None) == {"anchor": 1, "chains": 1}
    anchor = services().audit.verify().anchor
    assert anchor.key_id == stack.anchor_key and services().audit.verify().problems == []
    kms = client("kms", stack.endpoint)
    assert kms.verify(
        KeyId=stack.anchor_key,
        Message=anchor.digest(),
        MessageType="DIGEST",
        Signature=base64.b64decode(anchor.signature),
        SigningAlgorithm="ECDSA_SHA_256",
    )["SignatureValid"]


def test_ocr_worker_records_an_unusable_photo_and_retries_a_broken_message(lambda_env):
    from functions import ocr_worker
    from functions.runtime import services

    services().blobs.put("uploads/h1/front.jpg", b"not an image at all", "image/jpeg")
    job = json.dumps({"kind": "ocr", "payload": {"blob_key": "uploads/h1/front.jpg"}, "dedupe_key": "ocr:h1"})
    result = ocr_worker.handler(sqs_event([job, "{not json"], queue="yimen-prod-ocr"), None)
    assert len(result["batchItemFailures"]) == 1
    with services().uow() as uow:
        stored = uow.kv.get(ocr_worker.RESULT_NS, "ocr:h1")
    assert stored["error"]["code"] == "IMAGE_TYPE_UNSUPPORTED"


def test_happiness_schedule_fans_out_and_the_batch_publishes_pdfs_in_chunks(lambda_env, stack, monkeypatch):
    from functions import happiness_batch
    from functions.runtime import services
    from yimen.services.demo import county as demo

    s = services()
    demo.seed(households=6, uow=s.uow, clock=s.clock)
    monkeypatch.setenv("YIMEN_HAPPINESS_TOWNSHIPS", "990101001,990101002")
    fanned = happiness_batch.schedule(SCHEDULE_EVENT, None)
    assert fanned["townships"] == 2
    bodies = _queued(stack, "batch")
    assert sorted(json.loads(b)["payload"]["township"] for b in bodies) == ["990101001", "990101002"]
    job = next(b for b in bodies if json.loads(b)["payload"]["township"] == "990101001")
    monkeypatch.setenv("YIMEN_HAPPINESS_CHUNK_SECONDS", "0")  # a village per chunk: the time is always spent
    cursors = []
    while job:
        assert happiness_batch.handler(sqs_event([job], queue="yimen-prod-batch"), None) == {"batchItemFailures": []}
        following = _queued(stack, "batch")
        job = following[0] if following else None
        cursors += [json.loads(job)["payload"]["cursor"]] if job else []
    assert cursors and all(c.startswith("990101001") for c in cursors)
    listing = client("s3", stack.endpoint).list_objects_v2(Bucket=stack.bucket, Prefix="happiness/")
    keys = [o["Key"] for o in listing.get("Contents", [])]
    assert all(k.startswith(f"happiness/{fanned['quarter']}/") and k.endswith(".pdf") for k in keys)
    assert {f"happiness/{fanned['quarter']}/villages/{c}.pdf" for c in cursors} <= set(keys)
    assert client("s3", stack.endpoint).get_object(Bucket=stack.bucket, Key=keys[0])["Body"].read(5) == b"%PDF-"
