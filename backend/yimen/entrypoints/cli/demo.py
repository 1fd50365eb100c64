"""`yimen demo-cases`: applications in every stage for the demo county."""

import click

from yimen.entrypoints.cli.wiring import services_for
from yimen.services.demo.cases import seed_cases


@click.command("demo-cases", help="在示范县生成几件处于各环节的演示申请（需先运行 demo-data；已有则不重复）")
@click.option("--data-dir", default=None)
def demo_cases_command(data_dir: str | None) -> None:
    from yimen.services.demo import county as demo

    made = seed_cases(services_for(data_dir), demo.DEMO_PASSWORD)
    click.echo(f"已生成演示申请 {made} 件（全部为虚构人员），请用 window1 等账号登录 /staff/cases/ 查看。")
