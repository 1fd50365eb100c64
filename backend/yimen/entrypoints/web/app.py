"""create_app: the Flask application factory (no app object at import time)."""

import importlib
import logging
from pathlib import Path

from flask import Flask, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import Rule

from yimen.bootstrap import Services, build_services, load_config
from yimen.config import Config
from yimen.domain.permissions import Action, may
from yimen.entrypoints.web import errors
from yimen.entrypoints.web.assets import init_assets
from yimen.entrypoints.web.common import api_doc, csrf_token, services
from yimen.services.applications.uploads import MAX_PHOTO_BYTES
from yimen.services.staff.regions import county_regions, region_label

TEMPLATES = Path(__file__).resolve().parents[4] / "templates"

# One blueprint per audience or capability, imported when the app is created.
BLUEPRINTS = [
    "yimen.entrypoints.web.api_auth:bp",
    "yimen.entrypoints.web.api_households:bp",
    "yimen.entrypoints.web.h5:bp",
    "yimen.entrypoints.web.h5_selfcheck:bp",
    "yimen.entrypoints.web.h5_apply:bp",
    "yimen.entrypoints.web.staff:bp",
    "yimen.entrypoints.web.staff_household:bp",
    "yimen.entrypoints.web.binding:bp",
    "yimen.entrypoints.web.openapi:bp",
    "yimen.entrypoints.web.api_policy:bp",
    "yimen.entrypoints.web.policy_pages:bp",
    "yimen.entrypoints.web.wechat_callback:bp",
    "yimen.entrypoints.web.happiness:bp",
    "yimen.entrypoints.web.api_ocr:bp",
    "yimen.entrypoints.web.api_uploads:bp",
    "yimen.entrypoints.web.api_applications:bp",
    "yimen.entrypoints.web.staff_workflow:bp",
    "yimen.entrypoints.web.staff_funds:bp",
    "yimen.entrypoints.web.staff_payees:bp",
    "yimen.entrypoints.web.api_notices:bp",
    "yimen.entrypoints.web.staff_inbox:bp",
    "yimen.entrypoints.web.api_staff:bp",
    "yimen.entrypoints.web.api_staff_funds:bp",
    "yimen.entrypoints.web.api_staff_outreach:bp",
    "yimen.entrypoints.web.staff_outreach:bp",
    "yimen.entrypoints.web.staff_admin:bp",
    "yimen.entrypoints.web.staff_complaints:bp",
]
# Only when the configuration says local (YIMEN_MODE=local): the WeChat imitation with its fault injection.
LOCAL_BLUEPRINTS = ["yimen.entrypoints.web.wechat_imitation:bp"]
LOCAL_PREFIXES = ("/wx-sim",)


class _LazyBuilderRule(Rule):
    """Werkzeug compiles two URL-builder functions (Python source, per rule) as each rule is added: ~0.4 s
    for this app's rules on a cold Lambda, before its first request. They are compiled on first use here."""

    def _compile_builder(self, append_unknown: bool = True):
        compiled = None

        def build(rule, *args, **kwargs):
            nonlocal compiled
            compiled = compiled or Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            return compiled(*args, **kwargs)

        return build


class _Yimen(Flask):
    url_rule_class = _LazyBuilderRule


def _load(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def create_app(config: Config | None = None, services: Services | None = None) -> Flask:
    config = config or load_config()
    app = _Yimen(__name__, template_folder=str(TEMPLATES), static_folder=None)
    init_assets(app, TEMPLATES / "static")
    app.config.update(
        SECRET_KEY=config.secret_key,
        MAX_CONTENT_LENGTH=MAX_PHOTO_BYTES + 64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_AS_ASCII=False,
        SESSION_COOKIE_SECURE=config.public_base_url.startswith("https://"),
    )
    app.json = _JsonProvider(app)
    app.json.ensure_ascii = False
    services = services or build_services(config)
    app.extensions["yimen"] = services
    for path in BLUEPRINTS + (LOCAL_BLUEPRINTS if config.local_parts else []):
        app.register_blueprint(_load(path))
    _refuse_local_parts_in_production(app, config)
    errors.register(app)
    app.add_url_rule("/healthz", "healthz", _healthz)
    app.after_request(_log_request)
    _register_filters(app)
    return app


class _JsonProvider(DefaultJSONProvider):
    """Request bodies nested deeper than any form of ours are refused as bad JSON (400), before the
    parser or a later json.dumps of the body runs out of stack (a 500)."""

    MAX_DEPTH = 32

    def loads(self, s, **kwargs):
        try:
            data = super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc
        if _depth(data) > self.MAX_DEPTH:
            raise ValueError("JSON nested too deeply")
        return data


def _depth(data) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, level + 1) for child in children)
    return deepest


def _refuse_local_parts_in_production(app: Flask, config: Config) -> None:
    """A production build must not start with a fake WeChat or fault injection reachable from the internet."""
    if config.mode == "local":
        return
    mounted = sorted(r.rule for r in app.url_map.iter_rules() if r.rule.startswith(LOCAL_PREFIXES))
    if config.local_parts or mounted:
        raise RuntimeError(f"YIMEN_MODE={config.mode} refuses local-only parts (YIMEN_LOCAL_PARTS, {mounted[:3]})")


def _log_request(response):
    # The route pattern, never the concrete path or query: those may carry ID numbers or names.
    rule = request.url_rule.rule if request.url_rule else "(no route)"
    logging.getLogger("yimen.http").info("%s %s -> %s", request.method, rule, response.status_code)
    return response


@api_doc("健康检查", tags=("system",))
def _healthz():
    return jsonify(status="ok")


def _register_filters(app: Flask) -> None:
    from yimen.domain import masking, money

    app.add_template_filter(masking.mask_id_number, "mask_id")
    app.add_template_filter(masking.mask_phone, "mask_phone")
    app.add_template_filter(masking.mask_bank_card, "mask_card")
    app.add_template_filter(masking.mask_name, "mask_name")
    app.add_template_filter(money.yuan, "yuan")
    app.add_template_filter(_region_label, "region")
    app.add_template_global(csrf_token)
    app.add_template_global(_can, "can")


def _can(action: str, region_code: str | None = None) -> bool:
    """Templates ask the permission policy, e.g. can("funds.review"); they never compare role names."""
    actor = g.get("actor")
    return actor is not None and may(actor, Action(action), region_code)


def _region_label(code: str) -> str:
    """The area's name for staff pages; the county's regions are read once per request."""
    if "region_names" not in g:
        with services().uow() as uow:
            g.region_names = {r.code: r.name for r in county_regions(uow)}
    return region_label(g.region_names, code)
