"""Configuration: environment variables (YIMEN_*) over defaults under a data directory.

Locally the secrets live in a key file created 0600 in the data dir on first run; in production
they come from the environment (or KMS, see the serverless path)."""

import base64
import json
import os
import secrets
from pathlib import Path

DEFAULT_DATA_DIR = "var"


def _key_file(data_dir: Path) -> dict:
    path = data_dir / "secrets.json"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fresh = {"secret_key": secrets.token_urlsafe(32),
                 "data_key": base64.b64encode(secrets.token_bytes(32)).decode()}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(fresh, out)
    return json.loads(path.read_text())


def load_config(data_dir: str | os.PathLike | None = None, **overrides) -> dict:
    env = os.environ
    root = Path(data_dir or env.get("YIMEN_DATA_DIR", DEFAULT_DATA_DIR)).resolve()
    backend = overrides.get("BACKEND") or env.get("YIMEN_BACKEND", "sqlite")
    keys = {} if env.get("YIMEN_DATA_KEY") else _key_file(root)
    config = {
        "DATA_DIR": root,
        "BACKEND": backend,
        "DATABASE": root / "yimen.sqlite3",
        "BLOB_DIR": root / "blobs",
        "SECRET_KEY": env.get("YIMEN_SECRET_KEY") or keys.get("secret_key"),
        "DATA_KEY": base64.b64decode(env.get("YIMEN_DATA_KEY") or keys["data_key"]),
        "PUBLIC_BASE_URL": env.get("YIMEN_PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
        "WECHAT_APPID": env.get("YIMEN_WECHAT_APPID", "wx-local-demo"),
        "WECHAT_SECRET": env.get("YIMEN_WECHAT_SECRET", "local-demo-secret"),
        # Local mode points wechatpy at the bundled imitation; production leaves the real API.
        "WECHAT_API_BASE": env.get("YIMEN_WECHAT_API_BASE", "http://127.0.0.1:8000/wx-sim/"),
        "WECHAT_TOKEN": env.get("YIMEN_WECHAT_TOKEN", "local-callback-token"),
        "WECHAT_AES_KEY": env.get("YIMEN_WECHAT_AES_KEY"),
        "TOKEN_MAX_AGE": int(env.get("YIMEN_TOKEN_MAX_AGE", 7 * 24 * 3600)),
    }
    config.update(overrides)
    return config
