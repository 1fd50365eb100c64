"""Configuration: environment variables (YIMEN_*) over defaults under a data directory.

Locally the secrets live in a key file created 0600 in the data dir on first run; in production
they come from the environment (or KMS, see the serverless path)."""

import base64
import hmac
import json
import os
import secrets
from pathlib import Path

DEFAULT_DATA_DIR = "var"
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


def load_config(data_dir: str | os.PathLike | None = None, **overrides) -> dict:
    env = os.environ
    root = data_root(data_dir)
    backend = overrides.get("BACKEND") or env.get("YIMEN_BACKEND", "sqlite")
    key_in_env = env.get("YIMEN_DATA_KEY") or env.get("YIMEN_DATA_KEY_CIPHERTEXT")
    if env.get("AWS_LAMBDA_FUNCTION_NAME") and not key_in_env:
        # A key file in a Lambda's /tmp would be a different random key in every container.
        raise RuntimeError("YIMEN_DATA_KEY_CIPHERTEXT (KMS) or YIMEN_DATA_KEY must be set in Lambda")
    keys = {} if key_in_env else _key_file(root)
    mode = env.get("YIMEN_MODE") or ("production" if env.get("AWS_LAMBDA_FUNCTION_NAME") else "local")
    config = {
        "DATA_DIR": root,
        # local: the WeChat imitation (with its fault injection) is mounted; production refuses it.
        "MODE": mode,
        "LOCAL_PARTS": env.get("YIMEN_LOCAL_PARTS", "1" if mode == "local" else "0") == "1",
        "BACKEND": backend,
        "DATABASE": root / "yimen.sqlite3",
        "BLOB_DIR": root / "blobs",
        "SECRET_KEY": env.get("YIMEN_SECRET_KEY") or keys.get("secret_key"),
        "PUBLIC_BASE_URL": public_base_url(env, root),
        "WECHAT_APPID": env.get("YIMEN_WECHAT_APPID", "wx-local-demo"),
        "WECHAT_SECRET": env.get("YIMEN_WECHAT_SECRET", "local-demo-secret"),
        # Local mode points wechatpy at the bundled imitation; production leaves the real API.
        "WECHAT_API_BASE": env.get("YIMEN_WECHAT_API_BASE") or public_base_url(env, root) + "/wx-sim/",
        "WECHAT_TOKEN": env.get("YIMEN_WECHAT_TOKEN", "local-callback-token"),
        "WECHAT_AES_KEY": env.get("YIMEN_WECHAT_AES_KEY"),
        "TOKEN_MAX_AGE": int(env.get("YIMEN_TOKEN_MAX_AGE", 7 * 24 * 3600)),
        "BANKS_FILE": env.get("YIMEN_BANKS_FILE"),  # the county's paying banks; default data/banks.yaml
        "GREEN_MAX_FEN": int(env.get("YIMEN_GREEN_MAX_FEN", 2_000_000)),  # cap on one green-channel grant
        "GREEN_SECOND_SIGNER_FEN": int(env.get("YIMEN_GREEN_SECOND_SIGNER_FEN", 300_000)),  # above: co-signed
        # The audit chain's MAC key: derived from the data key unless pinned (base64, 32 bytes), e.g.
        # to keep it when the data key is rotated. Anchors are signed with a KMS key in the cloud,
        # else with a key file kept outside the database.
        "AUDIT_KEY": base64.b64decode(env["YIMEN_AUDIT_KEY"]) if env.get("YIMEN_AUDIT_KEY") else None,
        "AUDIT_SIGNING_KEY_ID": env.get("YIMEN_AUDIT_SIGNING_KEY_ID"),
        "AUDIT_SIGNING_KEY_FILE": Path(env.get("YIMEN_AUDIT_SIGNING_KEY_FILE") or root / "audit-signing-key.pem"),
    }
    config.update(aws_settings(env))
    # Claim chunks of a bank export written at once. DynamoDB takes concurrent transactions (e.g. 4 on a
    # county of 20,000 lines); SQLite has one writer, and moto's server times out on concurrent ones.
    config["EXPORT_WORKERS"] = int(env.get("YIMEN_EXPORT_WORKERS") or 1)
    config.update(overrides)
    if "DATA_KEY" not in overrides:
        config["DATA_KEY"] = _data_key(env, keys, config)
    # With a KMS-wrapped key and no YIMEN_SECRET_KEY, the session secret is derived from the data key
    # so that no second secret has to sit in the Lambda environment.
    config["SECRET_KEY"] = config["SECRET_KEY"] or hmac.new(config["DATA_KEY"], b"yimen-session", "sha256").hexdigest()
    return config


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


def aws_settings(env) -> dict:
    """The serverless path (BACKEND=aws): where the records, blobs and queues live."""
    return {
        "AWS_REGION": env.get("YIMEN_AWS_REGION") or env.get("AWS_REGION") or "cn-northwest-1",
        "AWS_ENDPOINT_URL": env.get("YIMEN_AWS_ENDPOINT_URL"),  # moto / LocalStack; unset for AWS itself
        "S3_ENDPOINT_URL": env.get("YIMEN_S3_ENDPOINT_URL"),  # MinIO / Tencent COS
        "S3_ADDRESSING_STYLE": env.get("YIMEN_S3_ADDRESSING_STYLE", "auto"),  # path for MinIO, virtual for COS
        "S3_SSE": env.get("YIMEN_S3_SSE", "AES256"),  # AES256 / aws:kms / none (plain MinIO)
        "DYNAMODB_TABLE": env.get("YIMEN_DYNAMODB_TABLE", "yimen"),
        "BLOB_BUCKET": env.get("YIMEN_BLOB_BUCKET", "yimen-blobs"),
        "QUEUE_URLS": {
            kind: env[f"YIMEN_QUEUE_{kind.upper()}"]
            for kind in ("ocr", "notice", "batch")
            if env.get(f"YIMEN_QUEUE_{kind.upper()}")
        },
        "KMS_KEY_ID": env.get("YIMEN_KMS_KEY_ID"),
        # The API reads ID photos through the OCR function (synchronous invoke); unset: in-process engine.
        "OCR_FUNCTION": env.get("YIMEN_OCR_FUNCTION"),
        "LAMBDA_ENDPOINT_URL": env.get("YIMEN_LAMBDA_ENDPOINT_URL"),  # a local Lambda (runtime interface emulator)
    }


def _data_key(env, keys: dict, config: dict) -> bytes:
    """The 32-byte data key: KMS-wrapped in production (envelope encryption), else plain base64."""
    if env.get("YIMEN_DATA_KEY_CIPHERTEXT"):
        from yimen.adapters.aws import client
        from yimen.adapters.kms import unwrap_data_key

        return unwrap_data_key(client(config, "kms"), env["YIMEN_DATA_KEY_CIPHERTEXT"])
    return base64.b64decode(env.get("YIMEN_DATA_KEY") or keys["data_key"])
