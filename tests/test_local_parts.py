"""The WeChat imitation and its fault injection exist only when the configuration says local."""

import pytest

from yimen.config import load_config
from yimen.entrypoints.web.app import create_app


def test_local_mode_mounts_the_imitation(tmp_path, monkeypatch):
    monkeypatch.delenv("YIMEN_MODE", raising=False)
    client = create_app(load_config(tmp_path)).test_client()
    assert client.get("/wx-sim/cgi-bin/token?appid=wx1&secret=s").get_json()["access_token"].startswith("SIMTOKEN-")


def test_production_mode_has_no_imitation(tmp_path, monkeypatch):
    monkeypatch.setenv("YIMEN_MODE", "production")
    client = create_app(load_config(tmp_path)).test_client()
    for path in ("/wx-sim/cgi-bin/token", "/wx-sim/_sim/reset", "/wx-sim/_sim/faults"):
        response = client.post(path) if "_sim" in path else client.get(path)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "NOT_FOUND"


def test_a_production_build_refuses_to_start_with_local_parts(tmp_path, monkeypatch):
    monkeypatch.setenv("YIMEN_MODE", "production")
    monkeypatch.setenv("YIMEN_LOCAL_PARTS", "1")
    with pytest.raises(RuntimeError, match="refuses local-only parts"):
        create_app(load_config(tmp_path))


def test_a_lambda_is_production_unless_told_otherwise(tmp_path, monkeypatch):
    monkeypatch.delenv("YIMEN_MODE", raising=False)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "yimen-prod-api")
    monkeypatch.setenv("YIMEN_DATA_KEY", "a" * 43 + "=")
    config = load_config(tmp_path)
    assert config.mode == "production" and config.local_parts is False
