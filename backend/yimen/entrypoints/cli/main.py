"""The `yimen` command: `serve` (the web app with the local workers and timers), demo data, audit; the other
commands live in the modules next to this one, one per capability."""

import logging
import os
import sys

import click

from yimen.bootstrap import load_config
from yimen.config import remember_public_base_url
from yimen.entrypoints import workers
from yimen.entrypoints.cli import (
    applications,
    bank,
    checking,
    demo,
    happiness,
    households,
    kms,
    notices,
    ocr,
    regions,
    staff,
)
from yimen.entrypoints.cli.wiring import services_for
from yimen.entrypoints.web.app import create_app
from yimen.services.demo import county


@click.group(help="一门：县级社会救助一体化平台")
def main() -> None:
    pass


@main.command(help="启动网页、接口、工作人员后台和本地微信模拟接口")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--data-dir", default=None, help="数据目录（默认 ./var）")
@click.option("--threads", default=8, show_default=True, type=int, help="同时处理的请求数（waitress 工作线程）")
@click.option(
    "--server",
    "server_name",
    type=click.Choice(["waitress", "werkzeug"]),
    default="waitress",
    show_default=True,
    help="werkzeug：开发用服务器，只在改代码调试时用",
)
def serve(host: str, port: int, data_dir: str | None, threads: int, server_name: str) -> None:
    if not os.environ.get("YIMEN_PUBLIC_BASE_URL"):  # local: links and QR codes follow the port served
        remember_public_base_url(data_dir, f"http://{host}:{port}")
    config = load_config(data_dir)
    app = create_app(config)
    workers.start_all(app.extensions["yimen"])
    base = config.public_base_url
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
    waitress_serve(
        app,
        host=host,
        port=port,
        threads=threads,
        channel_timeout=120,
        connection_limit=500,
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
        ident="yimen",
    )


@main.command("demo-data", help="生成示范县的虚构数据（已有则不重复生成）")
@click.option("--households", default=200, show_default=True, type=int)
@click.option("--data-dir", default=None)
def demo_data(households: int, data_dir: str | None) -> None:
    services = services_for(data_dir)
    result = county.seed(households=households, uow=services.uow, clock=services.clock)
    if result["created"]:
        click.echo(f"已生成示范县数据：{result['households']} 户（全部为虚构人员）。")
    else:
        click.echo("示范县数据已存在，未重复生成。")
    click.echo(f"工作人员登录（密码均为 {county.DEMO_PASSWORD}）：")
    for username, display, role, area, _ in county.staff_accounts():
        click.echo(f"  {username:<11} {role.value:<5} {display}（辖区 {area}）")


@main.group(help="审计日志（全程留痕）")
def audit() -> None:
    pass


@audit.command("verify", help="校验审计哈希链与签名锚点；有被改动、删除或截断的事件时退出码为 1")
@click.option("--data-dir", default=None)
def audit_verify(data_dir: str | None) -> None:
    verdict = services_for(data_dir).audit.verify()
    for problem in verdict.problems:
        click.echo(f"审计链断裂：{problem}")
    anchor = verdict.anchor
    if verdict.problems or anchor is None:  # no anchor at all is one of the problems
        sys.exit(1)
    click.echo(
        f"审计链完整：共 {verdict.events} 个事件，{verdict.chains} 条链；最新锚点第 {anchor.no} 号"
        f"（{anchor.at:%Y-%m-%d %H:%M}），其后 {verdict.unanchored} 个事件待下次锚定。"
    )


@audit.command("anchor", help="对每条审计链的链头签名存证（定时运行，如每 15 分钟）")
@click.option("--data-dir", default=None)
def audit_anchor(data_dir: str | None) -> None:
    anchor = services_for(data_dir).audit.anchor()
    click.echo(f"已写入第 {anchor.no} 号锚点：{len(anchor.heads)} 条链，签名密钥 {anchor.key_id}。")


for command in (
    households.import_aid_command,
    checking.screen_command,
    happiness.happiness_group,
    notices.notices_command,
    bank.bank_command,
    ocr.ocr_idcard_command,
    applications.deadlines_command,
    checking.import_dept_data_command,
    demo.demo_cases_command,
    regions.regions_command,
    kms.kms_data_key_command,
    staff.staff_command,
    households.import_households_command,
):
    main.add_command(command)
