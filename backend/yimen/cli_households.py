"""`yimen import-households FILE`: existing household files (the old 低保 roll) into the store, all or nothing."""

from pathlib import Path

import click


@click.command("import-households", help="导入已有的户档案（如原低保花名册），CSV 或 .xlsx，一人一行")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data-dir", default=None, help="数据目录（默认 ./var）")
def import_households_command(file: Path, data_dir: str | None) -> None:
    from .bootstrap import build_services
    from .config import load_config
    from .domain.errors import ValidationError
    from .services.household_import import import_file

    try:
        count = import_file(build_services(load_config(data_dir)), file.name, file.read_bytes())
    except ValidationError as exc:
        click.echo(exc.message, err=True)
        for problem in exc.details.get("problems", []):
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"已导入 {count} 户档案。")
