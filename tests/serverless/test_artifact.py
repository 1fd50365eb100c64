"""Every handler run from the shipped artifact (tests/serverless/artifact.py) against moto's server: the
citizen API, the H5 apply page with an ID photo, the staff console, the queue consumers, the schedules
and the WeChat callback. The OCR function is a container image; here it is the zip's code on this
machine's venv (which has RapidOCR), behind the same Invoke API that boto3 calls in AWS."""

import hashlib
import json
import random
import time
import uuid

import pytest

from tests.aws_support import client, create_stack, moto_endpoint
from tests.ocr import cardgen
from tests.serverless.artifact import TOWNSHIPS, Browser, Deployed, apply_with_photo, hidden, text
from tests.serverless.conftest import SCHEDULE_EVENT, http_event, sqs_event

VILLAGE = "990101001001"  # 城关镇, window1's area
PASSWORD = "yimen-demo-2026"


@pytest.fixture(scope="module")
def deployed(artifact, wechat_imitation, tmp_path_factory):
    from yimen.services.demo import county as demo

    done = Deployed(artifact, create_stack(moto_endpoint()), wechat_imitation.url, tmp_path_factory.mktemp("aws"))
    seeding = done.services()
    demo.seed(households=6, uow=seeding.uow, clock=seeding.clock)
    yield done
    done.close()


def test_the_packaged_api_serves_a_citizen_from_dynamodb(deployed):
    found = deployed.invoke("api", http_event("GET", "/healthz"))
    assert json.loads(found["result"]["body"]) == {"status": "ok"}
    login = deployed.invoke("api", http_event("POST", "/api/v1/auth/wechat-login", {"code": "artifact-citizen"}))
    token = json.loads(login["result"]["body"])["token"]
    mine = deployed.invoke(
        "api", http_event("GET", "/api/v1/me/households", headers={"authorization": f"Bearer {token}"})
    )["result"]
    assert mine["statusCode"] == 200 and json.loads(mine["body"])["items"] == []
    for heavy in ("rapidocr", "onnxruntime", "cv2"):
        assert heavy not in found["modules"]


def test_h5_apply_with_a_photo_reads_it_through_the_ocr_function(deployed):
    """Today's bug: the API ran OCR in-process and the layer has no rapidocr (HTTP 500)."""
    person = cardgen.make_person(random.Random(7))
    phone = Browser(deployed)
    app_id = apply_with_photo(deployed, person, phone)
    read = [i for i in deployed.ocr_endpoint.invocations if i["error"] is None]
    assert read and any(person.id_number in line["text"] for line in read[-1]["result"]["lines"])
    status = text(phone.send("GET", f"/my/{app_id}"))
    assert "最低生活保障" in status and person.id_number not in status  # masked

    # The submit queued the photo for the OCR worker: it reads it from the queue and keeps the result.
    jobs = [m["Body"] for m in deployed.stack.drain("ocr")]
    assert len(jobs) == 1
    answer = deployed.invoke("ocr", sqs_event(jobs, queue="yimen-prod-ocr"))
    assert answer["result"] == {"batchItemFailures": []}, answer["error"]
    with deployed.services().uow() as uow:
        assert uow.applications.get(app_id).id_check


def test_staff_id_check_and_the_notifier(deployed):
    person = cardgen.make_person(random.Random(11))
    app_id = apply_with_photo(deployed, person)

    office = Browser(deployed)
    login_page = text(office.send("GET", "/staff/login"))
    signed_in = office.send(
        "POST", "/staff/login", form={"csrf": hidden(login_page, "csrf"), "username": "window1", "password": PASSWORD}
    )
    assert signed_in["statusCode"] in (302, 303), text(signed_in)[:1000]
    case = text(office.send("GET", f"/staff/cases/{app_id}"))
    assert person.name[0] in case and person.id_number not in case
    reads = len(deployed.ocr_endpoint.invocations)
    checked = office.send(
        "POST",
        f"/staff/cases/{app_id}/id-check",
        form={"csrf": hidden(case, "csrf"), "version": hidden(case, "version")},
    )
    assert checked["statusCode"] == 303, text(checked)[:2000]
    assert len(deployed.ocr_endpoint.invocations) > reads  # read by the OCR function, not in the API
    with deployed.services().uow() as uow:
        assert "id_check" in [e.action for e in uow.audit.for_object("application", app_id)]

    notices = [m["Body"] for m in deployed.stack.drain("notice")]
    assert notices
    result = deployed.invoke("notifier", sqs_event(notices))["result"]
    assert result == {"batchItemFailures": []}


def test_schedules_and_the_batch_run_from_the_package(deployed):
    """Today's bug: YIMEN_HAPPINESS_TOWNSHIPS was set on the batch function only: 0 townships queued."""
    scan = deployed.invoke("scanner", SCHEDULE_EVENT)["result"]
    assert set(scan) == {"warnings", "relayed"}
    fanned = deployed.invoke("schedule", SCHEDULE_EVENT)["result"]
    assert fanned["townships"] == len(TOWNSHIPS.split(","))
    bodies = [m["Body"] for m in deployed.stack.drain("batch")]
    assert sorted(json.loads(b)["payload"]["township"] for b in bodies) == sorted(TOWNSHIPS.split(","))
    first = next(b for b in bodies if json.loads(b)["payload"]["township"] == "990101001")
    assert deployed.invoke("batch", sqs_event([first], queue="yimen-prod-batch"))["result"] == {"batchItemFailures": []}
    s3 = client("s3", deployed.stack.endpoint)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=deployed.stack.bucket, Prefix="happiness/").get("Contents", [])]
    assert keys and all(k.endswith(".pdf") for k in keys)
    pdf = s3.get_object(Bucket=deployed.stack.bucket, Key=keys[0])["Body"].read()
    assert pdf.startswith(b"%PDF-") and b"/FontFile2" in pdf  # the CJK font from the layer is embedded


def test_the_audit_anchor_signs_from_the_package_with_the_kms_key(deployed):
    result = deployed.invoke("anchor", SCHEDULE_EVENT)["result"]
    assert result["anchor"] >= 1 and result["chains"] >= 1  # the seeding's events at least
    verdict = deployed.services().audit.verify()
    assert verdict.problems == [] and verdict.anchor.no == result["anchor"]
    assert verdict.anchor.key_id == deployed.stack.anchor_key


def test_the_wechat_callback_answers_from_the_package(deployed):
    token = deployed.variable("WechatCallbackLambdaFunction", "YIMEN_WECHAT_TOKEN")
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:8]
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    query = f"signature={signature}&timestamp={timestamp}&nonce={nonce}"
    check = deployed.invoke("callback", http_event("GET", "/wechat/callback", query=query + "&echostr=hi"))
    assert check["result"]["body"] == "hi"
    message = (
        "<xml><ToUserName>gh_yimen</ToUserName><FromUserName>o_user</FromUserName><CreateTime>1700000000"
        "</CreateTime><MsgType>text</MsgType><Content><![CDATA[低保要带啥材料]]></Content><MsgId>1</MsgId></xml>"
    )
    assert deployed.invoke("callback", SCHEDULE_EVENT)["result"] == {"warm": True}  # the warm-up ping
    office = Browser(deployed, "callback")
    reply = office.send("POST", "/wechat/callback", query=query, raw=message.encode(), content_type="text/xml")
    assert reply["statusCode"] == 200 and "家庭经济状况核对授权书" in text(reply)


def test_the_packaged_api_has_no_wechat_imitation(deployed):
    """Today's bug: /wx-sim/ (with /_sim/reset and /_sim/faults) was mounted in production."""
    for method, path in [
        ("GET", "/wx-sim/cgi-bin/token"),
        ("POST", "/wx-sim/_sim/reset"),
        ("POST", "/wx-sim/_sim/faults"),
        ("GET", "/wx-sim/"),
    ]:
        response = deployed.invoke("api", http_event(method, path))["result"]
        assert response["statusCode"] == 404, (path, response["body"][:300])
