"""OpenAPI 3 document built from the registered routes and their @api_doc metadata."""

import re

from flask import Blueprint, current_app, jsonify

from yimen.entrypoints.web.common import api_doc

bp = Blueprint("openapi", __name__)

SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "citizen": [{"wechatBearer": []}],
    "staff": [{"staffSession": []}],
    "staff_api": [{"staffBearer": []}],
    "any": [{"wechatBearer": []}, {"staffSession": []}],
}


def _path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def build_document(app) -> dict:
    paths: dict = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        doc = getattr(app.view_functions[rule.endpoint], "api_doc", None) or {}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(_path(rule.rule), {})[method.lower()] = _operation(rule, doc)
    return {
        "openapi": "3.0.3",
        "info": {"title": "一门 yimen API", "version": "1"},
        "components": {
            "securitySchemes": {
                "wechatBearer": {"type": "http", "scheme": "bearer"},
                "staffSession": {"type": "apiKey", "in": "cookie", "name": "session"},
                "staffBearer": {"type": "http", "scheme": "bearer", "description": "POST /api/v1/staff/login 的 token"},
            }
        },
        "paths": paths,
    }


def _operation(rule, doc: dict) -> dict:
    op = {
        "operationId": rule.endpoint,
        "summary": doc.get("summary", ""),
        "tags": doc.get("tags", []),
        "parameters": [
            {"name": arg, "in": "path", "required": True, "schema": {"type": "string"}}
            for arg in sorted(rule.arguments)
        ]
        + [
            {"name": name, "in": "query", "required": False, "description": text, "schema": {"type": "string"}}
            for name, text in (doc.get("query") or {}).items()
        ],
        "responses": {"200": {"description": "成功"}, "4XX": {"description": '错误：{"error": {"code", "message"}}'}},
    }
    if doc.get("body"):
        op["requestBody"] = {
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {k: _schema(v) for k, v in doc["body"].items()}}
                }
            }
        }
    if doc.get("upload"):
        op["requestBody"] = {
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {doc["upload"]: {"type": "string", "format": "binary"}}}
                }
            }
        }
    if doc.get("auth"):
        op["security"] = SECURITY[doc["auth"]]
    return op


def _schema(kind) -> dict:
    """ "string", "integer", ... or a list of the allowed words (an array of them)."""
    if isinstance(kind, list | tuple):
        return {"type": "array", "items": {"type": "string", "enum": list(kind)}}
    return {"type": kind}


@bp.get("/api/openapi.json")
@api_doc("OpenAPI 文档", tags=("system",))
def openapi_json():
    return jsonify(build_document(current_app))
