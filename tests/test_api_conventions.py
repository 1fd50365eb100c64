"""API conventions: the error format, health, and an OpenAPI document that covers every route."""

import pytest

from yimen.entrypoints.web.openapi import _path


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_openapi_documents_every_route(app, client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "api_doc", None) or not view.api_doc.get("summary"):
            missing.append(f"{rule.rule} (no @api_doc summary)")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if method.lower() not in doc["paths"].get(_path(rule.rule), {}):
                missing.append(f"{method} {rule.rule}")
    assert not missing, missing
    assert doc["paths"]["/api/v1/households/{household_id}"]["get"]["security"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"data": "{not json", "content_type": "application/json"}, "BAD_JSON"),
        ({"json": ["a", "list"]}, "BAD_JSON"),
        ({"json": {}}, "MISSING_FIELD"),
        ({"json": {"code": 42}}, "WRONG_TYPE"),
    ],
)
def test_bad_input_gets_stable_code_and_chinese_message(client, kwargs, code):
    response = client.post("/api/v1/auth/wechat-login", **kwargs)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])


def test_unknown_route_and_method_use_the_error_format(client):
    assert client.get("/api/v1/nothing-here").get_json()["error"]["code"] == "NOT_FOUND"
    response = client.get("/api/v1/auth/wechat-login")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_pages_render_in_chinese_with_large_type(client):
    html = client.get("/").get_data(as_text=True)
    assert "进一扇门，解多种难" in html and "大字模式" in html
    css = client.get("/static/yimen.css").get_data(as_text=True)
    assert "font-size: 18px" in css and "html.big { font-size: 22px; }" in css


def test_village_list_for_the_forms(client, seeded):
    """The county's regions as filed (here 示范县's, by demo-data); see tests/test_regions.py for imports."""
    villages = client.get("/api/v1/regions/villages").get_json()["villages"]
    assert len(villages) == 10
    assert {"code": "990101002001", "name": "青山村", "township": "青山乡"} in villages
