"""`yimen happiness print`: the quarterly printed 幸福清单."""

import os
from pathlib import Path

import click

from yimen.domain.errors import ValidationError
from yimen.domain.happiness import Quarter
from yimen.entrypoints.cli.wiring import services_for
from yimen.services.happiness.pdf import Printer, print_options
from yimen.services.happiness.printing import collect, publish, run_print


@click.group("happiness", help="幸福清单：打印、幸福码")
def happiness_group() -> None:
    pass


@happiness_group.command("print", help="按季度打印幸福清单（每户一份 PDF，每村一份合订 PDF；中断后重跑会接着打）")
@click.option("--quarter", required=True, help="季度，如 2026Q4")
@click.option("--township", default="", help="只打印这个乡镇（区划代码，如 990101001）；默认全县")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="输出目录")
@click.option(
    "--paper",
    type=click.Choice(["red", "white"]),
    default="red",
    show_default=True,
    help="red：打在红纸上（只用黑色）；white：白纸彩印（页面铺红色）",
)
@click.option("--size", type=click.Choice(["A4", "A5"]), default="A4", show_default=True)
@click.option("--workers", type=int, default=os.cpu_count() or 1, show_default=True, help="并行进程数")
@click.option("--publish", "upload", is_flag=True, help="打印后上传到文件存储（本地目录或 S3）的 happiness/季度/ 下")
@click.option("--data-dir", default=None, help="数据目录（默认 ./var）")
def print_command(
    quarter: str, township: str, out: Path, paper: str, size: str, workers: int, upload: bool, data_dir: str | None
) -> None:
    try:
        q = Quarter.parse(quarter)
        if township and not township.isdigit():
            raise ValidationError("BAD_TOWNSHIP", "乡镇请填写区划代码（数字），如 990101001")
        services = services_for(data_dir)
        by_village, empty = collect(
            q, township, uow=services.uow, clock=services.clock, public_base_url=services.config.public_base_url
        )
        options = print_options(township, q, paper, size)
        result = run_print(by_village, out, q, options, Printer(services.pdf, services.qr), workers=workers)
    except ValidationError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(
        f"完成：本次打印 {result.printed} 户，此前已打印 {result.already_done} 户，"
        f"生成村合订本 {result.villages} 份，本年度无帮扶记录未打印 {empty} 户。输出目录：{out}"
    )
    if upload:
        sent = publish(out, services.blobs, f"happiness/{q}")
        click.echo(f"已上传 {sent} 个文件到文件存储 happiness/{q}/")
