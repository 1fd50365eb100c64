"""The `yimen` command. Capability modules add their commands through COMMANDS."""

import importlib
import logging
import os
import sys
import threading
import time

import click

from .config import load_config, remember_public_base_url

# "module:attribute" of click commands added by capability modules.
COMMANDS: list[str] = [
    "yimen.services.aid_import:import_aid_command",
    "yimen.services.screening:screen_command",
    "yimen.services.happiness_print:happiness_group",
    "yimen.services.notice_worker:notices_command",
    "yimen.services.bank_cli:bank_command",
    "yimen.services.idcard_check:ocr_idcard_command",
    "yimen.services.applications:deadlines_command",
    "yimen.services.dept_data:import_dept_data_command",
    "yimen.services.demo_cases:demo_cases_command",
    "yimen.services.regions:regions_command",
    "yimen.adapters.kms:kms_data_key_command",
    "yimen.cli_staff:staff_command",
    "yimen.cli_households:import_households_command",
]


def _services(data_dir: str | None):
    from .bootstrap import build_services

    return build_services(load_config(data_dir))


@click.group(help="一门：县级社会救助一体化平台")
def main() -> None:
    pass


@main.command(help="启动网页、接口、工作人员后台和本地微信模拟接口")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--data-dir", default=None, help="数据目录（默认 ./var）")
@click.option("--threads", default=8, show_default=True, type=int, help="同时处理的请求数（waitress 工作线程）")
@click.option("--server", "server_name", type=click.Choice(["waitress", "werkzeug"]), default="waitress",
              show_default=True, help="werkzeug：开发用服务器，只在改代码调试时用")
def serve(host: str, port: int, data_dir: str | None, threads: int, server_name: str) -> None:
    from .web.app import create_app

    if not os.environ.get("YIMEN_PUBLIC_BASE_URL"):  # local: links and QR codes follow the port served
        remember_public_base_url(data_dir, f"http://{host}:{port}")
    config = load_config(data_dir)
    app = create_app(config)
    from .services.notice_worker import start_local_worker

    start_local_worker(app.extensions["yimen"])  # delivers the outbox: notices to WeChat / SMS
    _every(1800, _scan_deadlines, app.extensions["yimen"])  # what EventBridge does in the serverless path
    _every(5, _check_id_photos, app.extensions["yimen"])  # what the OCR queue's worker does there
    _every(3600, _expire_uploads, app.extensions["yimen"])  # what the bucket's lifecycle rule does there
    _every(900, _anchor_audit, app.extensions["yimen"])  # functions/audit_anchor.py there
    base = config["PUBLIC_BASE_URL"]
    click.echo(f"一门已启动：http://{host}:{port}/   工作人员后台：http://{host}:{port}/staff/   对外地址：{base}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # werkzeug's access log prints raw paths (幸福码 tokens, query strings); yimen.http logs route patterns.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if server_name == "werkzeug":
        from werkzeug.serving import run_simple

        run_simple(host, port, app, threaded=True, use_reloader=False)
        return
    from waitress import serve as waitress_serve

    # One process: the OCR model, the notice worker and the timers above exist once. channel_timeout
    # closes a connection idle for 120 s; a request body is refused above the app's own upload limit.
    waitress_serve(app, host=host, port=port, threads=threads, channel_timeout=120, connection_limit=500,
                   max_request_body_size=app.config["MAX_CONTENT_LENGTH"], ident="yimen")


def _every(seconds: float, job, *args) -> None:
    """Run job now and then every `seconds` on a daemon thread; a failure is logged, the timer goes on."""

    def loop():
        while True:
            try:
                job(*args)
            except Exception:  # noqa: BLE001 - a scheduled job must not kill the server
                logging.getLogger("yimen.schedule").exception("scheduled job %s failed", job.__name__)
            time.sleep(seconds)

    threading.Thread(target=loop, name=job.__name__, daemon=True).start()


def _scan_deadlines(services) -> None:
    from .domain.workdays import DEFAULT_WARN_DAYS
    from .services.applications import ApplicationService

    ApplicationService(services).scan_deadlines(int(services.config.get("DEADLINE_WARN_DAYS", DEFAULT_WARN_DAYS)))


def _anchor_audit(services) -> None:
    from .services.audit import AuditService

    AuditService(services).anchor()


def _expire_uploads(services) -> None:
    from .services.uploads import UPLOAD_PREFIX, UPLOAD_TTL_SECONDS

    expire = getattr(services.blobs, "expire", None)  # S3 and compatible stores use a lifecycle rule
    if expire:
        expire(UPLOAD_PREFIX, UPLOAD_TTL_SECONDS)


def _check_id_photos(services) -> None:
    from .services.applications import OCR_JOB, run_id_check_jobs

    with services.uow() as uow:
        counts = uow.job_leases.counts(OCR_JOB)
    waiting = counts.get("pending", 0) + counts.get("running", 0)
    if waiting:  # the model loads only when a photo is waiting
        from .adapters.ocr_rapid import shared_engine

        run_id_check_jobs(services, shared_engine())


@main.command("demo-data", help="生成示范县的虚构数据（已有则不重复生成）")
@click.option("--households", default=200, show_default=True, type=int)
@click.option("--data-dir", default=None)
def demo_data(households: int, data_dir: str | None) -> None:
    from . import demo

    result = demo.seed(_services(data_dir), households=households)
    if result["created"]:
        click.echo(f"已生成示范县数据：{result['households']} 户（全部为虚构人员）。")
    else:
        click.echo("示范县数据已存在，未重复生成。")
    click.echo(f"工作人员登录（密码均为 {demo.DEMO_PASSWORD}）：")
    for username, display, role, area, _ in demo.staff_accounts():
        click.echo(f"  {username:<11} {role.value:<5} {display}（辖区 {area}）")


@main.group(help="审计日志（全程留痕）")
def audit() -> None:
    pass


@audit.command("verify", help="校验审计哈希链与签名锚点；有被改动、删除或截断的事件时退出码为 1")
@click.option("--data-dir", default=None)
def audit_verify(data_dir: str | None) -> None:
    from .services.audit import AuditService

    verdict = AuditService(_services(data_dir)).verify()
    for problem in verdict.problems:
        click.echo(f"审计链断裂：{problem}")
    if verdict.problems:
        sys.exit(1)
    anchor = verdict.anchor
    click.echo(f"审计链完整：共 {verdict.events} 个事件，{verdict.chains} 条链；最新锚点第 {anchor.no} 号"
               f"（{anchor.at:%Y-%m-%d %H:%M}），其后 {verdict.unanchored} 个事件待下次锚定。")


@audit.command("anchor", help="对每条审计链的链头签名存证（定时运行，如每 15 分钟）")
@click.option("--data-dir", default=None)
def audit_anchor(data_dir: str | None) -> None:
    from .services.audit import AuditService

    anchor = AuditService(_services(data_dir)).anchor()
    click.echo(f"已写入第 {anchor.no} 号锚点：{len(anchor.heads)} 条链，签名密钥 {anchor.key_id}。")


def _register() -> None:
    for path in COMMANDS:
        module, _, name = path.partition(":")
        main.add_command(getattr(importlib.import_module(module), name))


_register()
