"""`yimen import-households FILE`: existing household files (the old 低保 roll) into the store, all or nothing."""

from pathlib import Path

import click

from yimen.domain.errors import ValidationError
from yimen.entrypoints.cli.wiring import services_for
from yimen.services.households.aid_import import SHOWN_PROBLEMS, import_aid
from yimen.services.households.importing import import_file


@click.command("import-households", help="导入已有的户档案（如原低保花名册），CSV 或 .xlsx，一人一行")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data-dir", default=None, help="数据目录（默认 ./var）")
def import_households_command(file: Path, data_dir: str | None) -> None:
    services = services_for(data_dir)
    try:
        count = import_file(file.name, file.read_bytes(), uow=services.uow, clock=services.clock, xlsx=services.xlsx)
    except ValidationError as exc:
        click.echo(exc.message, err=True)
        for problem in exc.details.get("problems", []):
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"已导入 {count} 户档案。")


@click.command(
    "import-aid",
    help="导入其他部门、慈善组织的帮扶记录（.csv/.xlsx，模板见 docs/aid-import-template.md）。"
    "整个文件全部通过校验才导入，重复导入不会重复记账。",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data-dir", default=None, help="数据目录（默认 ./var）")
def import_aid_command(file: Path, data_dir: str | None) -> None:
    services = services_for(data_dir)
    try:
        result = import_aid(file.name, file.read_bytes(), uow=services.uow, clock=services.clock, xlsx=services.xlsx)
    except ValidationError as exc:
        click.echo(exc.message, err=True)
        problems = exc.details.get("problems", [])
        for line in problems[:SHOWN_PROBLEMS]:
            click.echo(f"  {line}", err=True)
        if len(problems) > SHOWN_PROBLEMS:
            click.echo(f"  ……另有 {len(problems) - SHOWN_PROBLEMS} 处问题未列出", err=True)
        raise SystemExit(1) from exc
    click.echo(f"导入完成：新增 {result.added} 条，已导入过 {result.skipped} 条（跳过）。")
