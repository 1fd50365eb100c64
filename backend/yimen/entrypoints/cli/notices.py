"""`yimen notices ...`: deliver the outbox, see how delivery goes, put dead notices back."""

import threading

import click

from yimen.entrypoints.cli.wiring import services_for
from yimen.services.notices.dead import CLI_ACTOR, dead_notices, requeue
from yimen.services.notices.outbox import NOTICE_JOB
from yimen.services.notices.worker import WorkerSettings


@click.group("notices", help="通知：投递待发通知、查看投递情况、重新投递失败的通知")
def notices_command() -> None:
    pass


@notices_command.command("deliver", help="投递待发通知（默认一直运行；--once 投递完当前到期的通知后退出）")
@click.option("--once", is_flag=True)
@click.option(
    "--lease-seconds",
    default=WorkerSettings.lease_seconds,
    show_default=True,
    type=int,
    help="领取的通知多久未完成即视为中断、可被重新领取",
)
@click.option("--data-dir", default=None)
def deliver(once: bool, lease_seconds: int, data_dir: str | None) -> None:
    worker = services_for(data_dir).make_notice_worker(settings=WorkerSettings(lease_seconds=lease_seconds))
    if once:
        tally = worker.run_once()
        click.echo(f"已投递 {tally['done']} 条，待重试 {tally['retry']} 条，放弃 {tally['dead']} 条。")
        return
    click.echo("通知投递已启动（Ctrl+C 退出）。")
    worker.run_forever(threading.Event())


@notices_command.command("status", help="各状态的通知数量")
@click.option("--data-dir", default=None)
def status(data_dir: str | None) -> None:
    with services_for(data_dir).uow() as uow:
        counts = uow.job_leases.counts(NOTICE_JOB)
    names = {"pending": "待发送", "running": "发送中", "done": "已送达", "dead": "已放弃（需人工处理）"}
    for key, label in names.items():
        click.echo(f"{label}：{counts.get(key, 0)}")


@notices_command.command("dead", help="列出投递失败（已放弃）的通知，收件人已脱敏")
@click.option("--limit", default=50, show_default=True, type=int, help="最多列出多少条")
@click.option("--data-dir", default=None)
def dead(limit: int, data_dir: str | None) -> None:
    found = dead_notices(limit, uow=services_for(data_dir).uow)
    for n in found:
        at = n.at.strftime("%Y-%m-%d %H:%M") if n.at else "时间不明"
        click.echo(f"[{n.id}] {at}  {n.title}（{n.event}）  收件人：{n.recipient}  已尝试 {n.attempts} 次")
        click.echo(f"    最后一次失败：{n.error or '（未记录）'}")
    click.echo(
        f"共 {len(found)} 条投递失败的通知。"
        + ("排除故障后用 yimen notices retry-dead 全部重新投递，或加 --id 编号 只投递一条。" if found else "")
    )


@notices_command.command("retry-dead", help="把投递失败的通知重新排队投递（尝试次数清零；已送达过的不会重复发送）")
@click.option(
    "--kind", default=NOTICE_JOB, show_default=True, type=click.Choice(["notice", "ocr", "batch"]), help="任务类型"
)
@click.option("--id", "job_id", default=None, help="只重新投递这一条（yimen notices dead 方括号里的编号）")
@click.option("--data-dir", default=None)
def retry_dead(kind: str, job_id: str | None, data_dir: str | None) -> None:
    services = services_for(data_dir)
    count = requeue(CLI_ACTOR, job_id, kind, uow=services.uow, clock=services.clock)
    if job_id and not count:
        raise click.ClickException(f"没有编号为 {job_id} 的投递失败任务（可能已重新投递或已送达）")
    click.echo(f"已重新排队 {count} 条，投递程序会尽快发送。" if count else "没有投递失败的任务。")
