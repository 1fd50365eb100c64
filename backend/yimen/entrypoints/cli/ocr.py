"""`yimen ocr-idcard PHOTO`: the ID-photo check from the command line."""

import json

import click

from yimen.bootstrap import photo_reading
from yimen.domain.errors import TooLarge, ValidationError
from yimen.services.ocr.idcard_check import check_idcard, format_result


@click.command("ocr-idcard")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="输出JSON（含完整号码），供脚本使用")
@click.option("--expected-name", default=None, help="申请人填写的姓名，用于比对")
@click.option("--expected-id-number", default=None, help="申请人填写的身份证号码，用于比对")
def ocr_idcard_command(path: str, as_json: bool, expected_name: str | None, expected_id_number: str | None):
    """识别并检查一张身份证人像面照片。"""
    images, engine = photo_reading()
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        result = check_idcard(data, images, engine, expected_name, expected_id_number)
    except (ValidationError, TooLarge) as exc:
        if as_json:
            click.echo(json.dumps({"error": {"code": exc.code, "message": exc.message}}, ensure_ascii=False))
        else:
            click.echo(f"无法识别：{exc.message}（{exc.code}）", err=True)
        raise SystemExit(2) from exc
    click.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_result(result))
    raise SystemExit(1 if result["warnings"] else 0)
