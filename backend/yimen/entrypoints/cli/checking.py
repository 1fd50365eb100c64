"""`yimen screen` and `yimen import-dept-data`: 主动发现 over an area, and department data for 核对 and warnings."""

# UNRESOLVED CONFLICT
from collections import Counter

# UNRESOLVED MISSED
from pathlib import Path

import click

# UNRESOLVED REPEAT
from yimen.domain.errors import ValidationError
from yimen.entrypoints.cli.wiring import services_for
from yimen.services.checking.dept_data import import_file, source_named
from yimen.services.checking.screening import CONFLICT, MISSED, REPEAT, screen, write_csv


@click.command("screen", help="主动发现：按政策规则筛查全部家庭，列出应享未享和重复享受")
@click.option("--township", default="", help="乡镇（街道）区划代码；不填则筛查全县")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None, help="CSV 输出文件（默认输出到屏幕）")
@click.option("--data-dir", default=None, help="数据目录（默认 ./var）")
def screen_command(township: str, out_path: str | None, data_dir: str | None) -> None:
    if township and not township.isdigit():
        raise click.BadParameter("请填写乡镇（街道）的区划代码（数字）", param_hint="--township")
    services = services_for(data_dir)
    with services.uow() as uow:
        findings = screen(
            uow.households.iter_in_area(township),
            uow.aid_records.list_for_household,
            services.clock.today(),
            progress=True,
        )
    if out_path:
        # utf-8-sig so that Excel on a township PC opens the Chinese columns correctly
        with open(out_path, "w", newline="", encoding="utf-8-sig") as out:
            write_csv(findings, out)
    else:
        write_csv(findings, click.get_text_stream("stdout"))
    counts = Counter(f.kind for f in findings)
    click.echo(
        "筛查完成：" + "，".join(f"{k} {counts.get(k, 0)} 条" for k in (MISSED, CONFLICT, REPEAT)),
        err=bool(not out_path),
    )


@click.command(
    "import-dept-data", help="导入部门数据（房产/车辆/社保/工商/公积金；死亡/医疗费用/残疾证/意外事故），CSV 或 .xlsx"
)
@click.argument("source")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data-dir", default=None)
def import_dept_data_command(source: str, file: Path, data_dir: str | None) -> None:
    services = services_for(data_dir)
    try:
        count = import_file(
            source,
            file.name,
            file.read_bytes(),
            uow=services.uow,
            clock=services.clock,
            xlsx=services.xlsx,
            cipher=services.cipher,
        )
    except ValidationError as exc:
        click.echo(exc.message, err=True)
        for problem in exc.details.get("problems", []):
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"已导入{source_named(source).name}数据：{count} 人。")
