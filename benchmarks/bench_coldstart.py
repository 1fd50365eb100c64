"""Cold start of the shipped artifact, as Lambda runs it (tests/serverless/artifact.py): the zip and the
layer a deploy builds, unpacked on a clean path, each function in a fresh interpreter against moto's
server. Printed, each the median of several fresh containers:

- `import flask` alone on the same interpreter and layer (the least a Flask-on-Lambda handler pays);
- the API's import + first event: a citizen's "my households" with the token the mini-program keeps,
  which queries DynamoDB — target <= 3x `import flask`;
- the WeChat callback's import + first reply to a text message (policy Q&A) — target <= 1.5 s,
  WeChat gives up at 5 s — and the first reply of a container the warm-up schedule has pinged;
- what a citizen waits for the H5 apply page's photo check, which the API hands to the OCR function
  (synchronous invoke): with the OCR container cold (model loaded by that request) and warm. The OCR
  stand-in is the zip's code on this machine's venv, not the container image: Lambda adds the image's
  own start (typically 1-3 s more for a 2 GB image) to the cold figure.

Takes ~2 minutes: the package and the layer are built first, exactly as for a deploy."""

import hashlib
import json
import logging
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.aws_support import create_stack, moto_endpoint  # noqa: E402
from tests.conftest import LiveServer  # noqa: E402
from tests.ocr import cardgen  # noqa: E402
from tests.serverless.artifact import Browser, Deployed, apply_with_photo, build  # noqa: E402
from tests.serverless.conftest import SCHEDULE_EVENT, http_event  # noqa: E402
from yimen.entrypoints.web.wechat_imitation import create_imitation_app  # noqa: E402
from yimen.services.demo import county as demo  # noqa: E402

RUNS = 5
API_TARGET, CALLBACK_TARGET = 3.0, 1.5
QUESTION = (
    "<xml><ToUserName>gh_yimen</ToUserName><FromUserName>o_bench</FromUserName><CreateTime>1700000000"
    "</CreateTime><MsgType>text</MsgType><Content><![CDATA[低保要带啥材料]]></Content><MsgId>1</MsgId></xml>"
)


def import_flask(deployed: Deployed) -> float:
    code = "import time; t = time.perf_counter(); import flask; print(time.perf_counter() - t)"
    env = {"PYTHONPATH": ":".join(map(str, deployed.artifact.path())), "PYTHONDONTWRITEBYTECODE": "1"}
    return float(
        subprocess.run(
            [deployed.artifact.python, "-S", "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout
    )


def cold_first(deployed: Deployed, function: str, event: dict) -> float:
    deployed.cold(function)
    found = deployed.invoke(function, event)
    return found["import_s"] + found["run_s"]


def callback_event(deployed: Deployed) -> dict:
    token = deployed.variable("WechatCallbackLambdaFunction", "YIMEN_WECHAT_TOKEN")
    timestamp, nonce = str(int(time.time())), f"{random.getrandbits(32):x}"
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    event = http_event("POST", "/wechat/callback", query=f"signature={signature}&timestamp={timestamp}&nonce={nonce}")
    event["body"] = QUESTION
    event["headers"]["content-type"] = "text/xml"
    return event


def after_ping(deployed: Deployed) -> float:
    deployed.cold("callback")
    deployed.invoke("callback", SCHEDULE_EVENT)
    return deployed.invoke("callback", callback_event(deployed))["run_s"]


def photo_wait(deployed: Deployed, seed: int) -> tuple[float, float]:
    """The citizen's wait for the apply POST, and the part of it spent in the OCR function."""
    phone, before = Browser(deployed), len(deployed.ocr_endpoint.invocations)
    apply_with_photo(deployed, cardgen.make_person(random.Random(seed)), phone)
    reads = deployed.ocr_endpoint.invocations[before:]
    return phone.last["run_s"], sum(r["import_s"] + r["run_s"] for r in reads)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        print("building the package and the layer as a deploy does ...", flush=True)
        artifact = build(Path(tmp) / "artifact")
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the imitation's access log
        imitation = LiveServer(create_imitation_app())
        deployed = Deployed(artifact, create_stack(moto_endpoint()), imitation.url, Path(tmp) / "aws")
        try:
            seeding = deployed.services()
            demo.seed(households=6, uow=seeding.uow, clock=seeding.clock)
            version = subprocess.run(
                [artifact.python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True
            ).stdout.strip()
            flask = statistics.median(import_flask(deployed) for _ in range(RUNS))
            login = deployed.invoke("api", http_event("POST", "/api/v1/auth/wechat-login", {"code": "bench"}))
            mine = http_event(
                "GET",
                "/api/v1/me/households",
                headers={"authorization": "Bearer " + json.loads(login["result"]["body"])["token"]},
            )
            api = statistics.median(cold_first(deployed, "api", mine) for _ in range(RUNS))
            warm = deployed.invoke("api", mine)
            callback = statistics.median(
                cold_first(deployed, "callback", callback_event(deployed)) for _ in range(RUNS)
            )
            pinged = statistics.median(after_ping(deployed) for _ in range(RUNS))
            deployed.cold("ocr")
            cold_photo = photo_wait(deployed, 1)
            warm_photo = sorted(photo_wait(deployed, n) for n in range(2, 2 + RUNS))[RUNS // 2]
        finally:
            deployed.close()
            imitation.stop()
    ratio = api / flask
    print(f"packaged artifact on Python {version}, bytecode shipped, {RUNS} fresh containers each (median)")
    print(f"import flask                          {flask * 1000:7.0f} ms")
    print(f"API import + first event (DynamoDB)   {api * 1000:7.0f} ms   warm event {warm['run_s'] * 1000:5.0f} ms")
    print(
        f"cold-start ratio                      {ratio:7.2f}x  (target <= {API_TARGET:.0f}x: "
        f"{'met' if ratio <= API_TARGET else 'NOT met'})"
    )
    print(
        f"WeChat callback first reply           {callback * 1000:7.0f} ms  (target <= {CALLBACK_TARGET} s: "
        f"{'met' if callback <= CALLBACK_TARGET else 'NOT met'})"
    )
    print(f"WeChat callback reply after warm-up   {pinged * 1000:7.0f} ms  (a container the 5-minute ping keeps)")
    for label, (wait, ocr) in (("cold", cold_photo), ("warm", warm_photo)):
        print(
            f"H5 apply with ID photo, OCR {label}      {wait * 1000:7.0f} ms  "
            f"(the POST; {ocr * 1000:.0f} ms of it in the OCR function)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
