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
import shutil
import subprocess
import sys
import sysconfig
import threading
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.aws_support import DUMMY_CREDENTIALS, REGION, ROOT, AwsStack

SHIPPED = ["serverless.yml", "package.json", "infra", "functions", "templates", "backend/yimen", "scripts"]
TOWNSHIPS = "990101001,990101002"
# What Lambda's python3.12 runtime has besides the standard library (/var/runtime).
RUNTIME_PROVIDED = ["boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py"]


def lambda_python() -> str:
    """Lambda's Python if this machine has one, else this interpreter (3.11)."""
    spec = importlib.util.spec_from_file_location("lambda_bytecode", ROOT / "scripts" / "lambda_bytecode.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        return module.lambda_python()
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
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "AKIAOFFLINE", "AWS_SECRET_ACCESS_KEY": "offline",
           "SLS_TELEMETRY_DISABLED": "1", "SLS_NOTIFICATIONS_MODE": "off", "CI": "true", "YIMEN_LAMBDA_PYTHON": python}
    env.pop("AWS_PROFILE", None)
    args = ["--package", "out", "--stage", "prod", *(f"--param={k}={v}" for k, v in params.items())]
    done = subprocess.run(["npm", "run", "--silent", "package", "--", *args], cwd=work, env=env,
                          capture_output=True, text=True, timeout=600)
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
    params = {"happinessTownships": TOWNSHIPS, "dataKey": data_key, "wechatAppId": "wx-artifact-test",
              "wechatSecret": "artifact-secret", "wechatToken": "artifact-callback-token"}
    out = package(base / "sls", python, params)
    layers = base / "layers"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "publish_layers.py"), "--build-only", "--out", str(layers)],
                   check=True, env={**os.environ, "YIMEN_LAMBDA_PYTHON": python}, capture_output=True, timeout=900)
    artifact = Artifact(out, base / "task", base / "opt", base / "runtime", python, data_key)
    zipfile.ZipFile(out / "yimen.zip").extractall(artifact.task)
    zipfile.ZipFile(layers / "deps.zip").extractall(artifact.opt)
    site = Path(sysconfig.get_paths()["purelib"])
    for name in RUNTIME_PROVIDED:
        artifact.runtime.mkdir(exist_ok=True)
        (shutil.copytree if (site / name).is_dir() else shutil.copy)(site / name, artifact.runtime / name)
    return artifact


def stack_refs(stack: AwsStack, ocr_function: str) -> dict[str, str]:
    return {"RecordsTable": stack.table, "BlobBucket": stack.bucket, "OcrQueue": stack.queues["ocr"],
            "NoticeQueue": stack.queues["notice"], "BatchQueue": stack.queues["batch"],
            "OcrWorkerLambdaFunction": ocr_function, "AWS::Region": REGION}


def loopback(stack: AwsStack, artifact: Artifact, wechat_base: str, data_dir: Path) -> dict[str, str]:
    """What differs from AWS: the endpoints (moto, the WeChat imitation in place of api.weixin.qq.com),
    the role's credentials Lambda would give, and the layer's font under opt/ instead of /opt."""
    return {**DUMMY_CREDENTIALS, "AWS_REGION": REGION, "YIMEN_AWS_ENDPOINT_URL": stack.endpoint,
            "YIMEN_WECHAT_API_BASE": wechat_base, "YIMEN_DATA_DIR": str(data_dir),
            "YIMEN_CJK_FONT": str(artifact.opt / "fonts" / "wqy-microhei.ttc")}


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
        clean = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "TZ": "UTC", "PYTHONNOUSERSITE": "1",
                 "PYTHONDONTWRITEBYTECODE": "1",  # /var/task and /opt are read-only on Lambda
                 "PYTHONPATH": os.pathsep.join(map(str, path)), "LAMBDA_TASK_ROOT": str(cwd), **env}
        self.process = subprocess.Popen([python, "-S", "-c", RUNNER], cwd=cwd, env=clean, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log.open("w"))
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

    def __init__(self, container: LambdaContainer, handler: str):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                event = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                found = container.invoke(handler, event)
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
