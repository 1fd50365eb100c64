"""The shipped artifact, made as a deploy makes it and run as Lambda runs it.

`npm run package` (bytecode + osls) makes the deployment zip and the CloudFormation template;
`scripts/publish_layers.py --build-only` makes the dependency layer. Both are unpacked into a temp
folder (task/ = /var/task, opt/ = /opt, runtime/ = what Lambda's Python runtime provides: boto3),
and each function runs in its own fresh interpreter (`python -S`: no site-packages at all) with only
those on PYTHONPATH and the environment the template gives that function. Nothing of the dev venv
leaks in, so a package missing from the layer or a variable missing from a function fails here.

The interpreter is Lambda's Python 3.12 when the machine has one (scripts/lambda_bytecode.py finds
it); a machine with only 3.11 builds the layer's wheels and bytecode for 3.11 instead."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import random
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import requests

from tests.aws_support import DUMMY_CREDENTIALS, REGION, ROOT, AwsStack
from tests.ocr import cardgen
from tests.serverless.conftest import http_event
from tests.workflow.helpers import png
from yimen.bootstrap import build_services
from yimen.config import load_config

SHIPPED = ["serverless.yml", "package.json", "infra", "functions", "templates", "backend/yimen", "scripts"]
TOWNSHIPS = "990101001,990101002"
# What Lambda's python3.12 runtime has besides the standard library (/var/runtime).
RUNTIME_PROVIDED = ["boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py"]


def _bytecode():
    spec = importlib.util.spec_from_file_location("lambda_bytecode", ROOT / "scripts" / "lambda_bytecode.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lambda_python() -> str:
    """Lambda's Python if this machine has one, else this interpreter (3.11)."""
    try:
        return _bytecode().lambda_python()
    except SystemExit:
        return sys.executable


def package(work: Path, python: str, params: dict[str, str]) -> Path:
    """`npm run package` in a copy of what the deploy reads; returns its output folder (log in package.log)."""
    (work / "backend").mkdir(parents=True)
    for name in SHIPPED:
        source, target = ROOT / name, work / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    (work / "node_modules").symlink_to(ROOT / "node_modules")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "AKIAOFFLINE",
        "AWS_SECRET_ACCESS_KEY": "offline",
        "SLS_TELEMETRY_DISABLED": "1",
        "SLS_NOTIFICATIONS_MODE": "off",
        "CI": "true",
        "YIMEN_LAMBDA_PYTHON": python,
    }
    env.pop("AWS_PROFILE", None)
    args = ["--package", "out", "--stage", "prod", *(f"--param={k}={v}" for k, v in params.items())]
    done = subprocess.run(
        ["npm", "run", "--silent", "package", "--", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (work / "out" / "package.log").write_text(done.stdout + done.stderr)
    return work / "out"


@dataclass
class Artifact:
    out: Path  # the package: cloudformation-template-update-stack.json, yimen.zip
    task: Path  # yimen.zip unpacked: /var/task
    opt: Path  # the deps layer unpacked: /opt
    runtime: Path  # boto3 and what it needs: /var/runtime
    python: str
    data_key: str

    @property
    def template(self) -> dict:
        return json.loads((self.out / "cloudformation-template-update-stack.json").read_text())

    def path(self) -> list[Path]:
        return [self.task, self.opt / "python", self.runtime]

    def environment(self, function: str, refs: dict[str, str]) -> dict[str, str]:
        """The function's environment variables from the template, references resolved against the stack."""
        variables = self.template["Resources"][function]["Properties"]["Environment"]["Variables"]
        return {name: _resolve(value, refs) for name, value in variables.items()}


def _resolve(value, refs: dict[str, str]) -> str:
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return refs[value["Ref"]]
    if "Fn::If" in value:  # UseKms: the loopback stack is made without KMS
        return _resolve(value["Fn::If"][2], refs)
    raise ValueError(f"unexpected intrinsic in a function environment: {value}")


def build(base: Path) -> Artifact:
    python = lambda_python()
    data_key = base64.b64encode(os.urandom(32)).decode()
    params = {
        "happinessTownships": TOWNSHIPS,
        "dataKey": data_key,
        "wechatAppId": "wx-artifact-test",
        "wechatSecret": "artifact-secret",
        "wechatToken": "artifact-callback-token",
    }
    out = package(base / "sls", python, params)
    layers = base / "layers"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "publish_layers.py"), "--build-only", "--out", str(layers)],
        check=True,
        env={**os.environ, "YIMEN_LAMBDA_PYTHON": python},
        capture_output=True,
        timeout=900,
    )
    artifact = Artifact(out, base / "task", base / "opt", base / "runtime", python, data_key)
    zipfile.ZipFile(out / "yimen.zip").extractall(artifact.task)
    zipfile.ZipFile(layers / "deps.zip").extractall(artifact.opt)
    site = Path(sysconfig.get_paths()["purelib"])
    for name in RUNTIME_PROVIDED:
        artifact.runtime.mkdir(exist_ok=True)
        ignore = shutil.ignore_patterns("__pycache__")
        (
            shutil.copytree(site / name, artifact.runtime / name, ignore=ignore)
            if (site / name).is_dir()
            else shutil.copy(site / name, artifact.runtime / name)
        )
    _bytecode().compile_tree(python, artifact.runtime)  # Lambda's own boto3 comes compiled
    return artifact


def stack_refs(stack: AwsStack, ocr_function: str) -> dict[str, str]:
    return {
        "RecordsTable": stack.table,
        "BlobBucket": stack.bucket,
        "OcrQueue": stack.queues["ocr"],
        "NoticeQueue": stack.queues["notice"],
        "BatchQueue": stack.queues["batch"],
        "OcrWorkerLambdaFunction": ocr_function,
        "AuditAnchorKey": stack.anchor_key,
        "AWS::Region": REGION,
    }


def loopback(stack: AwsStack, artifact: Artifact, wechat_base: str, data_dir: Path) -> dict[str, str]:
    """What differs from AWS: the endpoints (moto, the WeChat imitation in place of api.weixin.qq.com),
    the role's credentials Lambda would give, and the layer's font under opt/ instead of /opt."""
    return {
        **DUMMY_CREDENTIALS,
        "AWS_REGION": REGION,
        "YIMEN_AWS_ENDPOINT_URL": stack.endpoint,
        "YIMEN_WECHAT_API_BASE": wechat_base,
        "YIMEN_DATA_DIR": str(data_dir),
        "YIMEN_CJK_FONT": str(artifact.opt / "fonts" / "wqy-microhei.ttc"),
    }


# One Lambda execution environment: read an invocation per line, answer one JSON line on the real stdout.
RUNNER = r"""
import importlib, json, sys, time
answer, sys.stdout = sys.stdout, sys.stderr  # the handlers' own output goes to the log, as on Lambda
for line in sys.stdin:
    request, start = json.loads(line), time.perf_counter()
    imported = start
    try:
        module, _, name = request["handler"].rpartition(".")
        handler = getattr(importlib.import_module(module.replace("/", ".")), name)
        imported = time.perf_counter()
        result, error = handler(request["event"], None), None
    except Exception as exc:
        import traceback; traceback.print_exc()
        result, error = None, f"{type(exc).__name__}: {exc}"
    done = time.perf_counter()
    answer.write(json.dumps({"result": result, "error": error, "import_s": imported - start,
                             "run_s": done - imported, "modules": sorted(sys.modules)}) + "\n")
    answer.flush()
"""


class LambdaContainer:
    """A warm container of one function: the first invoke imports the handler (the cold start)."""

    def __init__(self, python: str, path: list[Path], env: dict[str, str], cwd: Path, log: Path):
        self.log = log
        clean = {
            "PATH": os.environ["PATH"],
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",  # /var/task and /opt are read-only on Lambda
            "PYTHONPATH": os.pathsep.join(map(str, path)),
            "LAMBDA_TASK_ROOT": str(cwd),
            **env,
        }
        self.process = subprocess.Popen(
            [python, "-S", "-c", RUNNER],
            cwd=cwd,
            env=clean,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("w"),
        )
        self.lock = threading.Lock()

    def invoke(self, handler: str, event: dict) -> dict:
        with self.lock:
            self.process.stdin.write(json.dumps({"handler": handler, "event": event}) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the container died: {self.log.read_text()[-3000:]}")
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


class InvokeEndpoint:
    """Lambda's Invoke API (POST /2015-03-31/functions/<name>/invocations) in front of one container, as the
    runtime interface emulator in Lambda's base images serves it: boto3's lambda client calls it over HTTP."""

    def __init__(self, invoke):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                event = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                found = invoke(event)
                outer.invocations.append(found)
                body = json.dumps(found["result"] if not found["error"] else {"errorMessage": found["error"]})
                self.send_response(200)
                if found["error"]:
                    self.send_header("X-Amz-Function-Error", "Unhandled")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body.encode())))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.invocations: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


FUNCTIONS = {
    "api": ("ApiLambdaFunction", "functions/api.handler"),
    "ocr": ("OcrWorkerLambdaFunction", "functions/ocr_worker.handler"),
    "notifier": ("NotifierLambdaFunction", "functions/notifier.handler"),
    "scanner": ("DeadlineScannerLambdaFunction", "functions/deadline_scanner.handler"),
    "schedule": ("HappinessScheduleLambdaFunction", "functions/happiness_batch.schedule"),
    "batch": ("HappinessBatchLambdaFunction", "functions/happiness_batch.handler"),
    "callback": ("WechatCallbackLambdaFunction", "functions/wechat_callback.handler"),
    "anchor": ("AuditAnchorLambdaFunction", "functions/audit_anchor.handler"),
}
OCR_FUNCTION = "yimen-prod-ocrWorker"
VILLAGE = "990101001001"  # 城关镇, window1's area


class Deployed:
    """The stack on moto and one warm container per function, started on first use. The OCR function's
    image is stood in for by the zip's code on this machine's venv (RapidOCR is installed there)."""

    def __init__(self, artifact: Artifact, stack: AwsStack, wechat_url: str, tmp: Path):
        self.artifact, self.stack, self.tmp = artifact, stack, tmp
        self.wechat = wechat_url + "/wx-sim/"
        self.containers: dict[str, LambdaContainer] = {}
        self.ocr_endpoint = InvokeEndpoint(lambda event: self.invoke("ocr", event, check=False))

    def variable(self, logical: str, name: str) -> str:
        return self.artifact.environment(logical, stack_refs(self.stack, OCR_FUNCTION))[name]

    def _start(self, function: str) -> LambdaContainer:
        logical, _ = FUNCTIONS[function]
        name = OCR_FUNCTION if function == "ocr" else f"yimen-prod-{function}"
        env = {
            **self.artifact.environment(logical, stack_refs(self.stack, OCR_FUNCTION)),
            **loopback(self.stack, self.artifact, self.wechat, self.tmp / name),
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "YIMEN_LAMBDA_ENDPOINT_URL": self.ocr_endpoint.url,
        }
        python, path = self.artifact.python, self.artifact.path()
        if function == "ocr":
            python, path = sys.executable, [self.artifact.task, Path(sysconfig.get_paths()["purelib"])]
        return LambdaContainer(python, path, env, self.artifact.task, self.tmp / f"{function}.log")

    def invoke(self, function: str, event: dict, check: bool = True) -> dict:
        if function not in self.containers:
            self.containers[function] = self._start(function)
        found = self.containers[function].invoke(FUNCTIONS[function][1], event)
        if check:
            assert found["error"] is None, found["error"] + self.containers[function].log.read_text()[-3000:]
        return found

    def cold(self, function: str) -> None:
        """The next invoke starts a new container (a cold start)."""
        if function in self.containers:
            self.containers.pop(function).close()

    def services(self):
        """The same table and key, from this process: seeds what an administrator would set up."""
        config = load_config(
            self.tmp / "seed", **self.stack.config(), data_key=base64.b64decode(self.artifact.data_key)
        )
        return build_services(config)

    def close(self) -> None:
        for function in list(self.containers):
            self.cold(function)
        self.ocr_endpoint.stop()


class Browser:
    """A phone or office browser in front of API Gateway: keeps cookies between events."""

    def __init__(self, deployed: Deployed, function: str = "api"):
        self.deployed, self.function, self.cookies = deployed, function, {}

    def send(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        form: dict | None = None,
        files: dict | None = None,
        raw: bytes | None = None,
        content_type: str = "",
    ) -> dict:
        event = http_event(method, path, query=query)
        if form is not None or files:
            prepared = requests.Request(method, "https://x/", data=form, files=files).prepare()
            raw, content_type = prepared.body, prepared.headers["Content-Type"]
            raw = raw.encode() if isinstance(raw, str) else raw
        if raw is not None:
            event.update(body=base64.b64encode(raw).decode(), isBase64Encoded=True)
            event["headers"]["content-type"] = content_type
        event["cookies"] = [f"{k}={v}" for k, v in self.cookies.items()]
        self.last = self.deployed.invoke(self.function, event)
        response = self.last["result"]
        for cookie in response.get("cookies", []):
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name] = value
        return response


def text(response: dict) -> str:
    body = response.get("body") or ""
    return base64.b64decode(body).decode() if response.get("isBase64Encoded") else body


def citizen_login(browser: Browser) -> None:
    start = browser.send("GET", "/login", query="next=/apply")
    location = start["headers"]["location"]
    assert start["statusCode"] == 302 and location.startswith(browser.deployed.wechat), location
    approved = requests.get(location, allow_redirects=False, timeout=10)  # the imitation's consent page
    callback = urlsplit(approved.headers["Location"])
    done = browser.send("GET", callback.path, query=callback.query)
    assert done["statusCode"] == 302 and done["headers"]["location"] == "/apply"


def card_photo(person) -> bytes:
    rng, out = random.Random(3), BytesIO()
    cardgen.to_rgb(cardgen.on_table(cardgen.draw_front(person, rng), rng)).save(out, "JPEG", quality=92)
    return out.getvalue()


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def apply_with_photo(deployed: Deployed, person, phone: Browser | None = None) -> str:
    """The H5 apply page as a citizen fills it in on the phone, with the ID photo; the new case's id."""
    phone = phone or Browser(deployed)
    citizen_login(phone)
    page = text(phone.send("GET", "/apply"))
    form = {
        "csrf": hidden(page, "csrf"),
        "idempotency_key": hidden(page, "idempotency_key"),
        "name": person.name,
        "id_number": person.id_number,
        "phone": "13900003333",
        "village_code": VILLAGE,
        "address": "示范村2组",
        "items": "dibao",
        "signature": "data:image/png;base64," + png(),
    }
    done = phone.send("POST", "/apply", form=form, files={"id_photo": ("card.jpg", card_photo(person), "image/jpeg")})
    assert done["statusCode"] == 302 and done["headers"]["location"].startswith("/my/"), text(done)[:2000]
    return done["headers"]["location"].split("/my/")[1].split("?")[0]
