"""`yimen deadlines scan`: the time-limit warnings, as the schedule runs them."""

import click

from yimen.domain import workdays
from yimen.entrypoints.cli.wiring import services_for


@click.group("deadlines", help="办理时限：预警扫描")
def deadlines_command() -> None:
    pass


@deadlines_command.command("scan", help="扫描临近和超过时限的申请，记录预警并通知责任岗位（可定时运行）")
@click.option(
    "--warn-days",
    default=workdays.DEFAULT_WARN_DAYS,
    show_default=True,
    type=click.IntRange(1, workdays.MAX_WARN_DAYS),
    help="距时限几个工作日内显示黄色预警",
)
@click.option("--data-dir", default=None)
def scan_command(warn_days: int, data_dir: str | None) -> None:
    counts = services_for(data_dir).deadlines.scan(warn_days)
    click.echo(f"时限扫描完成：新增黄色预警 {counts[workdays.YELLOW]} 件，红色预警（超时）{counts[workdays.RED]} 件。")
