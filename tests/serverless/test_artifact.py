"""Every handler run from the shipped artifact (tests/serverless/artifact.py) against moto's server: the
citizen API, the H5 apply page with an ID photo, the staff console, the queue consumers, the schedules
and the WeChat callback. The OCR function is a container image; here it is the zip's code on this
machine's venv (which has RapidOCR), behind the same Invoke API that boto3 calls in AWS."""

import base64
import hashlib
import json
import random
import re
import sys
import sysconfig
import time
import uuid
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.aws_support import client, create_stack, moto_endpoint
from tests.ocr import cardgen
from tests.workflow.helpers import png
from yimen.bootstrap import build_services
from yimen.config import load_config

from .artifact import TOWNSHIPS, InvokeEndpoint, LambdaContainer, loopback, stack_refs
from .conftest import SCHEDULE_EVENT, http_event, sqs_event

FUNCTIONS = {"api": ("ApiLambdaFunction", "functions/api.handler"),
             "notifier": ("NotifierLambdaFunction", "functions/notifier.handler"),
             "scanner": ("DeadlineScannerLambdaFunction", "functions/deadline_scanner.handler"),
             "schedule": ("HappinessScheduleLambdaFunction", "functions/happiness_batch.schedule"),
             "batch": ("HappinessBatchLambdaFunction", "functions/happiness_batch.handler"),
             "callback": ("WechatCallbackLambdaFunction", "functions/wechat_callback.handler")}
OCR_FUNCTION = "yimen-prod-ocrWorker"
VILLAGE = "990101001001"  # 城关镇, window1's area
PASSWORD = "yimen-demo-2026"


class Deployed:
    """The stack on moto and one warm container per function, started on first use."""

    def __init__(self, artifact, stack, wechat_url: str, tmp: Path):
        self.artifact, self.stack, self.tmp = artifact, stack, tmp
        self.wechat = wechat_url + "/wx-sim/"
        self.containers: dict[str, LambdaContainer] = {}
        self.ocr = LambdaContainer(sys.executable, [artifact.task, Path(sysconfig.get_paths()["purelib"])],
                                   self._env("OcrWorkerLambdaFunction", OCR_FUNCTION), artifact.task,
                                   tmp / "ocr.log")
        self.ocr_endpoint = InvokeEndpoint(self.ocr, "functions/ocr_worker.handler")

    def _env(self, logical: str, name: str) -> dict:
        refs = stack_refs(self.stack, OCR_FUNCTION)
        return {**self.artifact.environment(logical, refs), **loopback(self.stack, self.artifact, self.wechat,
                                                                         self.tmp / name),
                "AWS_LAMBDA_FUNCTION_NAME": name}

    def variable(self, logical: str, name: str) -> str:
        return self.artifact.environment(logical, stack_refs(self.stack, OCR_FUNCTION))[name]

    def invoke(self, function: str, event: dict) -> dict:
        logical, handler = FUNCTIONS[function]
        if function not in self.containers:
            env = {**self._env(logical, f"yimen-prod-{function}"), "YIMEN_LAMBDA_ENDPOINT_URL": self.ocr_endpoint.url}
            self.containers[function] = LambdaContainer(self.artifact.python, self.artifact.path(), env,
                                                        self.artifact.task, self.tmp / f"{function}.log")
        found = self.containers[function].invoke(handler, event)
        assert found["error"] is None, found["error"] + self.containers[function].log.read_text()[-3000:]
        return found

    def services(self):
        """The same table and key, from this process: seeds what an administrator would set up."""
        config = load_config(self.tmp / "seed", **self.stack.config(),
                             DATA_KEY=base64.b64decode(self.artifact.data_key))
        return build_services(config)

    def close(self) -> None:
        for container in [*self.containers.values(), self.ocr]:
            container.close()
        self.ocr_endpoint.stop()


@pytest.fixture(scope="module")
def deployed(artifact, wechat_imitation, tmp_path_factory):
    from yimen import demo

    done = Deployed(artifact, create_stack(moto_endpoint()), wechat_imitation.url, tmp_path_factory.mktemp("aws"))
    demo.seed(done.services(), households=6)
    yield done
    done.close()


class Browser:
    """A phone or office browser in front of API Gateway: keeps cookies between events."""

    def __init__(self, deployed: Deployed, function: str = "api"):
        self.deployed, self.function, self.cookies = deployed, function, {}

    def send(self, method: str, path: str, *, query: str = "", form: dict | None = None,
             files: dict | None = None, raw: bytes | None = None, content_type: str = "") -> dict:
        event = http_event(method, path, query=query)
        if form is not None or files:
            prepared = requests.Request(method, "https://x/", data=form, files=files).prepare()
            raw, content_type = prepared.body, prepared.headers["Content-Type"]
            raw = raw.encode() if isinstance(raw, str) else raw
        if raw is not None:
            event.update(body=base64.b64encode(raw).decode(), isBase64Encoded=True)
            event["headers"]["content-type"] = content_type
        event["cookies"] = [f"{k}={v}" for k, v in self.cookies.items()]
        response = self.deployed.invoke(self.function, event)["result"]
        for cookie in response.get("cookies", []):
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name] = value
        return response


def text(response: dict) -> str:
    body = response.get("body") or ""
    return base64.b64decode(body).decode() if response.get("isBase64Encoded") else body


def _citizen_login(browser: Browser) -> None:
    start = browser.send("GET", "/login", query="next=/apply")
    location = start["headers"]["location"]
    assert start["statusCode"] == 302 and location.startswith(browser.deployed.wechat), location
    approved = requests.get(location, allow_redirects=False, timeout=10)  # the imitation's consent page
    callback = urlsplit(approved.headers["Location"])
    done = browser.send("GET", callback.path, query=callback.query)
    assert done["statusCode"] == 302 and done["headers"]["location"] == "/apply"


def _card(person) -> bytes:
    rng, out = random.Random(3), BytesIO()
    cardgen.to_rgb(cardgen.on_table(cardgen.draw_front(person, rng), rng)).save(out, "JPEG", quality=92)
    return out.getvalue()


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def _apply(deployed: Deployed, person, phone: Browser | None = None) -> str:
    """The H5 apply page as a citizen fills it in on the phone, with the ID photo; the new case's id."""
    phone = phone or Browser(deployed)
    _citizen_login(phone)
    page = text(phone.send("GET", "/apply"))
    form = {"idempotency_key": _hidden(page, "idempotency_key"), "name": person.name,
            "id_number": person.id_number, "phone": "13900003333", "village_code": VILLAGE,
            "address": "示范村2组", "items": "dibao", "signature": "data:image/png;base64," + png()}
    done = phone.send("POST", "/apply", form=form, files={"id_photo": ("card.jpg", _card(person), "image/jpeg")})
    assert done["statusCode"] == 302 and done["headers"]["location"].startswith("/my/"), text(done)[:2000]
    return done["headers"]["location"].split("/my/")[1].split("?")[0]


def test_the_packaged_api_serves_a_citizen_from_dynamodb(deployed):
    found = deployed.invoke("api", http_event("GET", "/healthz"))
    assert json.loads(found["result"]["body"]) == {"status": "ok"}
    login = deployed.invoke("api", http_event("POST", "/api/v1/auth/wechat-login", {"code": "artifact-citizen"}))
    token = json.loads(login["result"]["body"])["token"]
    mine = deployed.invoke("api", http_event("GET", "/api/v1/me/households",
                                             headers={"authorization": f"Bearer {token}"}))["result"]
    assert mine["statusCode"] == 200 and json.loads(mine["body"])["items"] == []
    for heavy in ("rapidocr", "onnxruntime", "cv2"):
        assert heavy not in found["modules"]


def test_h5_apply_with_a_photo_reads_it_through_the_ocr_function(deployed):
    """Today's bug: the API ran OCR in-process and the layer has no rapidocr (HTTP 500)."""
    person = cardgen.make_person(random.Random(7))
    phone = Browser(deployed)
    app_id = _apply(deployed, person, phone)
    read = [i for i in deployed.ocr_endpoint.invocations if i["error"] is None]
    assert read and any(person.id_number in line["text"] for line in read[-1]["result"]["lines"])
    status = text(phone.send("GET", f"/my/{app_id}"))
    assert "最低生活保障" in status and person.id_number not in status  # masked

    # The submit queued the photo for the OCR worker: it reads it from the queue and keeps the result.
    jobs = [m["Body"] for m in deployed.stack.drain("ocr")]
    assert len(jobs) == 1
    answer = deployed.ocr.invoke("functions/ocr_worker.handler", sqs_event(jobs, queue="yimen-prod-ocr"))
    assert answer["result"] == {"batchItemFailures": []}, answer["error"]
    with deployed.services().uow() as uow:
        assert uow.applications.get(app_id).id_check


def test_staff_id_check_and_the_notifier(deployed):
    person = cardgen.make_person(random.Random(11))
    app_id = _apply(deployed, person)

    office = Browser(deployed)
    login_page = text(office.send("GET", "/staff/login"))
    signed_in = office.send("POST", "/staff/login", form={"csrf": _hidden(login_page, "csrf"), "username": "window1",
                                                          "password": PASSWORD})
    assert signed_in["statusCode"] in (302, 303), text(signed_in)[:1000]
    case = text(office.send("GET", f"/staff/cases/{app_id}"))
    assert person.name[0] in case and person.id_number not in case
    reads = len(deployed.ocr_endpoint.invocations)
    checked = office.send("POST", f"/staff/cases/{app_id}/id-check",
                          form={"csrf": _hidden(case, "csrf"), "version": _hidden(case, "version")})
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


def test_the_wechat_callback_answers_from_the_package(deployed):
    token = deployed.variable("WechatCallbackLambdaFunction", "YIMEN_WECHAT_TOKEN")
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:8]
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    query = f"signature={signature}&timestamp={timestamp}&nonce={nonce}"
    check = deployed.invoke("callback", http_event("GET", "/wechat/callback", query=query + "&echostr=hi"))
    assert check["result"]["body"] == "hi"
    message = ("<xml><ToUserName>gh_yimen</ToUserName><FromUserName>o_user</FromUserName><CreateTime>1700000000"
               "</CreateTime><MsgType>text</MsgType><Content><![CDATA[低保要带啥材料]]></Content><MsgId>1</MsgId></xml>")
    reply = Browser(deployed, "callback").send("POST", "/wechat/callback", query=query, raw=message.encode(),
                                               content_type="text/xml")
    assert reply["statusCode"] == 200 and "家庭经济状况核对授权书" in text(reply)


def test_the_packaged_api_has_no_wechat_imitation(deployed):
    """Today's bug: /wx-sim/ (with /_sim/reset and /_sim/faults) was mounted in production."""
    for method, path in [("GET", "/wx-sim/cgi-bin/token"), ("POST", "/wx-sim/_sim/reset"),
                         ("POST", "/wx-sim/_sim/faults"), ("GET", "/wx-sim/")]:
        response = deployed.invoke("api", http_event(method, path))["result"]
        assert response["statusCode"] == 404, (path, response["body"][:300])

