"""Configuration: environment variables (YIMEN_*) over defaults under a data directory.

Locally the secrets live in a key file created 0600 in the data dir on first run; in production
they come from the environment (or KMS, see the serverless path)."""

import base64
import hmac
import json
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yimen.domain.workdays import DEFAULT_WARN_DAYS
from yimen.domain.workflow import COMPLAINT_REPLY_DAYS


@dataclass(frozen=True)
class AwsEndpoints:
    """Where the clients connect: AWS itself unless an endpoint is given."""

    region: str = "cn-northwest-1"
    endpoint_url: str | None = None  # moto / LocalStack; unset for AWS itself
    s3_endpoint_url: str | None = None  # MinIO / Tencent COS
    s3_addressing_style: str = "auto"  # path for MinIO, virtual for COS
    lambda_endpoint_url: str | None = None  # a local Lambda (runtime interface emulator)


DEFAULT_DATA_DIR = "var"
NOTICE_CHANNELS = ("subscribe", "template", "sms")  # every channel a notice can go out on, in default order
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
BASE_URL_FILE = "public_base_url"  # written by `yimen serve` when YIMEN_PUBLIC_BASE_URL is not set


def _key_file(data_dir: Path) -> dict:
    path = data_dir / "secrets.json"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fresh = {
            "secret_key": secrets.token_urlsafe(32),
            "data_key": base64.b64encode(secrets.token_bytes(32)).decode(),
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(fresh, out)
    return json.loads(path.read_text())


@dataclass(frozen=True)
class Config:
    """Everything configurable, read once by load_config; services get only the values they use."""

    data_dir: Path
    # local: the WeChat imitation (with its fault injection) is mounted; production refuses it.
    mode: str
    local_parts: bool
    backend: str  # sqlite / aws
    database: Path
    blob_dir: Path
    data_key: bytes  # 32 bytes: encrypts personal data at rest
    secret_key: str
    public_base_url: str
    wechat_appid: str
    wechat_secret: str
    # Local mode points wechatpy at the bundled imitation; production leaves the real API.
    wechat_api_base: str
    wechat_token: str
    wechat_aes_key: str | None
    token_max_age: int
    banks_file: str | None  # the county's paying banks; default data/banks.yaml
    green_max_fen: int  # cap on one green-channel grant
    green_second_signer_fen: int  # above: co-signed
    # The audit chain's MAC key: derived from the data key unless pinned (32 bytes), e.g. to keep it when
    # the data key is rotated. Anchors are signed with a KMS key in the cloud, else with a key file kept
    # outside the database.
    audit_key: bytes | None
    audit_signing_key_id: str | None
    audit_signing_key_file: Path
    # The serverless path (backend aws): where the records, blobs and queues live.
    aws: AwsEndpoints
    s3_sse: str  # AES256 / aws:kms / none (plain MinIO)
    dynamodb_table: str
    blob_bucket: str
    queue_urls: Mapping[str, str]  # job kind (ocr, notice, batch) -> SQS queue URL
    kms_key_id: str | None
    # The API reads ID photos through the OCR function (synchronous invoke); unset: in-process engine.
    ocr_function: str | None
    # Claim chunks of a bank export written at once. DynamoDB takes concurrent transactions (e.g. 4 on a
    # county of 20,000 lines); SQLite has one writer, and moto's server times out on concurrent ones.
    export_workers: int
    notice_channels: tuple[str, ...]  # the order tried for a person who chose none
    notice_templates: Mapping[str, Mapping[str, str]]  # channel kind -> event -> template id, if configured
    deadline_warn_days: int = DEFAULT_WARN_DAYS
    complaint_reply_days: int = COMPLAINT_REPLY_DAYS
    happiness_rate_limit: int = 30  # 幸福码 page views per client address a minute


def load_config(
    data_dir: str | os.PathLike | None = None,
    *,
    unwrap_data_key: Callable[[AwsEndpoints, str], bytes] | None = None,
    **overrides,
) -> Config:
    """The environment (YIMEN_*) over defaults; `overrides` (field names) over both, for tests and tools.
    A KMS-wrapped data key needs `unwrap_data_key` (bootstrap.load_config passes KMS)."""
    env = os.environ
    root = data_root(data_dir)
    key_in_env = env.get("YIMEN_DATA_KEY") or env.get("YIMEN_DATA_KEY_CIPHERTEXT")
    if env.get("AWS_LAMBDA_FUNCTION_NAME") and not key_in_env:
        # A key file in a Lambda's /tmp would be a different random key in every container.
        raise RuntimeError("YIMEN_DATA_KEY_CIPHERTEXT (KMS) or YIMEN_DATA_KEY must be set in Lambda")
    keys = {} if key_in_env else _key_file(root)
    mode = env.get("YIMEN_MODE") or ("production" if env.get("AWS_LAMBDA_FUNCTION_NAME") else "local")
    values: dict[str, Any] = {
        "data_dir": root,
        "mode": mode,
        "local_parts": env.get("YIMEN_LOCAL_PARTS", "1" if mode == "local" else "0") == "1",
        "backend": env.get("YIMEN_BACKEND", "sqlite"),
        "database": root / "yimen.sqlite3",
        "blob_dir": root / "blobs",
        "secret_key": env.get("YIMEN_SECRET_KEY") or keys.get("secret_key"),
        "public_base_url": public_base_url(env, root),
        "wechat_appid": env.get("YIMEN_WECHAT_APPID", "wx-local-demo"),
        "wechat_secret": env.get("YIMEN_WECHAT_SECRET", "local-demo-secret"),
        "wechat_api_base": env.get("YIMEN_WECHAT_API_BASE") or public_base_url(env, root) + "/wx-sim/",
        "wechat_token": env.get("YIMEN_WECHAT_TOKEN", "local-callback-token"),
        "wechat_aes_key": env.get("YIMEN_WECHAT_AES_KEY"),
        "token_max_age": int(env.get("YIMEN_TOKEN_MAX_AGE", 7 * 24 * 3600)),
        "banks_file": env.get("YIMEN_BANKS_FILE"),
        "green_max_fen": int(env.get("YIMEN_GREEN_MAX_FEN", 2_000_000)),
        "green_second_signer_fen": int(env.get("YIMEN_GREEN_SECOND_SIGNER_FEN", 300_000)),
        "audit_key": base64.b64decode(env["YIMEN_AUDIT_KEY"]) if env.get("YIMEN_AUDIT_KEY") else None,
        "audit_signing_key_id": env.get("YIMEN_AUDIT_SIGNING_KEY_ID"),
        "audit_signing_key_file": Path(env.get("YIMEN_AUDIT_SIGNING_KEY_FILE") or root / "audit-signing-key.pem"),
        "aws": aws_endpoints(env),
        "s3_sse": env.get("YIMEN_S3_SSE", "AES256"),
        "dynamodb_table": env.get("YIMEN_DYNAMODB_TABLE", "yimen"),
        "blob_bucket": env.get("YIMEN_BLOB_BUCKET", "yimen-blobs"),
        "queue_urls": {
            kind: env[f"YIMEN_QUEUE_{kind.upper()}"]
            for kind in ("ocr", "notice", "batch")
            if env.get(f"YIMEN_QUEUE_{kind.upper()}")
        },
        "kms_key_id": env.get("YIMEN_KMS_KEY_ID"),
        "ocr_function": env.get("YIMEN_OCR_FUNCTION"),
        "export_workers": int(env.get("YIMEN_EXPORT_WORKERS") or 1),
        "notice_channels": _notice_channels(env.get("YIMEN_NOTICE_CHANNELS", ",".join(NOTICE_CHANNELS))),
        # production sets YIMEN_NOTICE_<KIND>_TEMPLATES to a JSON object: event -> template id
        "notice_templates": {
            kind: json.loads(env[f"YIMEN_NOTICE_{kind.upper()}_TEMPLATES"])
            for kind in ("subscribe", "template")
            if env.get(f"YIMEN_NOTICE_{kind.upper()}_TEMPLATES")
        },
    }
    values.update(overrides)
    if "data_key" not in overrides:
        values["data_key"] = _data_key(env, keys, values["aws"], unwrap_data_key)
    # With a KMS-wrapped key and no YIMEN_SECRET_KEY, the session secret is derived from the data key
    # so that no second secret has to sit in the Lambda environment.
    values["secret_key"] = values["secret_key"] or hmac.new(values["data_key"], b"yimen-session", "sha256").hexdigest()
    return Config(**values)


def _notice_channels(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip() in NOTICE_CHANNELS)


def data_root(data_dir: str | os.PathLike | None = None) -> Path:
    return Path(data_dir or os.environ.get("YIMEN_DATA_DIR", DEFAULT_DATA_DIR)).resolve()


def public_base_url(env, root: Path) -> str:
    """The one address every link the platform hands out starts with: QR codes on printed lists, the WeChat
    OAuth callback, links in notices. YIMEN_PUBLIC_BASE_URL (production: the county's https address); else
    the address `yimen serve` last served this data folder on (remembered in it), so a QR code printed by
    another command points where the site really is; else the default local address."""
    if env.get("YIMEN_PUBLIC_BASE_URL"):
        return env["YIMEN_PUBLIC_BASE_URL"].rstrip("/")
    remembered = root / BASE_URL_FILE
    return remembered.read_text().strip() if remembered.is_file() else DEFAULT_BASE_URL


def remember_public_base_url(data_dir: str | os.PathLike | None, url: str) -> None:
    root = data_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    (root / BASE_URL_FILE).write_text(url.rstrip("/") + "\n")


def aws_endpoints(env) -> AwsEndpoints:
    return AwsEndpoints(
        region=env.get("YIMEN_AWS_REGION") or env.get("AWS_REGION") or AwsEndpoints.region,
        endpoint_url=env.get("YIMEN_AWS_ENDPOINT_URL"),
        s3_endpoint_url=env.get("YIMEN_S3_ENDPOINT_URL"),
        s3_addressing_style=env.get("YIMEN_S3_ADDRESSING_STYLE", "auto"),
        lambda_endpoint_url=env.get("YIMEN_LAMBDA_ENDPOINT_URL"),
    )


def _data_key(env, keys: dict, aws: AwsEndpoints, unwrap: Callable[[AwsEndpoints, str], bytes] | None) -> bytes:
    """The 32-byte data key: KMS-wrapped in production (envelope encryption), else plain base64."""
    if env.get("YIMEN_DATA_KEY_CIPHERTEXT"):
        if unwrap is None:
            raise RuntimeError("YIMEN_DATA_KEY_CIPHERTEXT is set: read the configuration with bootstrap.load_config")
        return unwrap(aws, env["YIMEN_DATA_KEY_CIPHERTEXT"])
    return base64.b64decode(env.get("YIMEN_DATA_KEY") or keys["data_key"])
