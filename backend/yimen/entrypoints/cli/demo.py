"""`yimen demo-cases`: applications in every stage for the demo county."""

from dataclasses import replace
from datetime import datetime

import click

from yimen.bootstrap import Services
from yimen.entrypoints.cli.wiring import services_for
from yimen.ports import FixedClock
from yimen.services.demo.cases import Desk, seed_cases
from yimen.services.demo.county import DEMO_PASSWORD


def demo_cases(services: Services) -> int:
    """The scripted cases, each submitted and decided by application services stopped at its own day."""
    return seed_cases(DEMO_PASSWORD, uow=services.uow, clock=services.clock, desk_at=lambda at: _desk(services, at))


def _desk(services: Services, at: datetime) -> Desk:
    then = replace(services, clock=FixedClock(at))
    return Desk(then.submission, then.case_files, then.decisions, then.green_channel)


@click.command("demo-cases", help="在示范县生成几件处于各环节的演示申请（需先运行 demo-data；已有则不重复）")
@click.option("--data-dir", default=None)
def demo_cases_command(data_dir: str | None) -> None:
    made = demo_cases(services_for(data_dir))
    click.echo(f"已生成演示申请 {made} 件（全部为虚构人员），请用 window1 等账号登录 /staff/cases/ 查看。")
