"""`yimen regions import|list`: the county's townships and villages."""

from pathlib import Path

import click

from yimen.domain.errors import ValidationError
from yimen.domain.model import SYSTEM, RegionLevel
from yimen.entrypoints.cli.wiring import services_for
from yimen.services.staff.regions import county_regions, parse, save


@click.group("regions", help="行政区划：导入本县的乡镇和村（社区）")
def regions_command() -> None:
    pass


@regions_command.command("import", help="导入区划表（.csv/.xlsx，两列：代码、名称；模板见 docs/regions-import.md）")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data-dir", default=None, help="数据目录（默认 ./var）")
def import_command(file: Path, data_dir: str | None) -> None:
    services = services_for(data_dir)
    try:
        regions = parse(file.name, file.read_bytes(), services.xlsx)
    except ValidationError as exc:
        click.echo("\n  ".join([exc.message, *exc.details.get("problems", [])]), err=True)
        raise SystemExit(1) from exc
    with services.uow() as uow:
        save(uow, regions, SYSTEM, services.clock.now())
    counts = {level: sum(1 for r in regions if r.level == level) for level in RegionLevel}
    click.echo(f"已导入：{counts[RegionLevel.TOWNSHIP]} 个乡镇（街道），{counts[RegionLevel.VILLAGE]} 个村（社区）。")


@regions_command.command("list", help="列出已导入的区划")
@click.option("--data-dir", default=None, help="数据目录（默认 ./var）")
def list_command(data_dir: str | None) -> None:
    with services_for(data_dir).uow() as uow:
        regions = county_regions(uow)
    if not regions:
        raise click.ClickException("还没有导入区划，请先运行 yimen regions import 文件")
    for r in regions:
        click.echo(f"{r.code}  {'    ' * (len(r.code) // 3 - 2)}{r.name}")
