"""`yimen bank export|import|report`: the bank batch round trip from the command line. Every
command names the staff account it acts as, so role checks and the audit trail apply as on screen."""

from pathlib import Path

import click

from yimen.domain.errors import YimenError
from yimen.domain.money import yuan
from yimen.entrypoints.cli.wiring import services_for

_user = click.option("--user", "username", required=True, help="以哪个工作人员账号操作（如 finance）")
_data_dir = click.option("--data-dir", default=None)


def _service_and_actor(data_dir: str | None, username: str):
    services = services_for(data_dir)
    return services.disbursement, services.auth.staff_actor(username)


def _fail(exc: YimenError):
    raise click.ClickException(exc.message) from exc


@click.group("bank", help="银行代发：导出代发文件、导入回盘文件、对账")
def bank_command() -> None:
    pass


@bank_command.command("export", help="把财政已批准的拨付单生成一个代发批次文件（CSV）")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@_user
@_data_dir
def export(out: Path, username: str, data_dir: str | None) -> None:
    service, actor = _service_and_actor(data_dir, username)
    try:
        result = service.export_batch(actor)
    except YimenError as exc:
        _fail(exc)
    batch = result.batch
    out.write_text(result.payment_file, encoding="utf-8-sig")
    click.echo(f"批次 {batch.id}：{len(batch.lines)} 笔，合计 {yuan(batch.total_fen)} 元，已写入 {out}")
    if result.held_back:
        click.echo(f"{len(result.held_back)} 张拨付单因收款账户问题暂未导出（请在控制台“缺少收款账户”中处理）：")
        for held in result.held_back:
            click.echo(f"  {held.slip_id} {held.name_masked} {yuan(held.amount_fen)} 元：{held.reason}")


@bank_command.command("recover", help="撤回因故障中断、未完成的代发批次（拨付单回到“待拨付”）")
@_user
@_data_dir
def recover(username: str, data_dir: str | None) -> None:
    service, actor = _service_and_actor(data_dir, username)
    undone = service.recover_exports(actor)
    click.echo(f"已撤回 {len(undone)} 个未完成的批次：{'、'.join(undone)}" if undone else "没有未完成的批次。")


@bank_command.command("import", help="导入银行回盘文件（同一文件重复导入不会重复入账）")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_user
@_data_dir
def import_(file: Path, username: str, data_dir: str | None) -> None:
    service, actor = _service_and_actor(data_dir, username)
    try:
        result = service.import_results(actor, file.read_bytes())
    except YimenError as exc:
        _fail(exc)
    if result.already_imported:
        click.echo(f"批次 {result.batch_id}：该回盘文件已导入过，未作任何改动。")
        return
    click.echo(
        f"批次 {result.batch_id}：成功 {result.paid} 笔，失败 {result.failed} 笔（已退回救助中心），"
        f"此前已处理 {result.unchanged} 笔。"
    )


@bank_command.command("report", help="批次对账：导出 = 成功 + 失败 + 银行处理中")
@click.argument("batch_id")
@_user
@_data_dir
def report(batch_id: str, username: str, data_dir: str | None) -> None:
    service, actor = _service_and_actor(data_dir, username)
    try:
        data = service.report(actor, batch_id)
    except YimenError as exc:
        _fail(exc)
    for label, key in (("导出", "exported"), ("成功", "paid"), ("失败", "failed"), ("银行处理中", "pending")):
        click.echo(f"{label}：{data[key]['count']} 笔，{yuan(data[key]['fen'])} 元")
    click.echo("对账结果：" + ("平衡（导出 = 成功 + 失败）" if data["balanced"] else "未平（尚有未回盘或金额不符）"))
    for line in data["lines"]:
        outcome = {"paid": "成功", "failed": f"失败：{line['reason'] or ''}"}.get(line["result"], "处理中")
        item = " ".join(filter(None, (line["item_name"], line["period"])))
        click.echo(f"  {line['line_id']} {line['name_masked']} {item} {yuan(line['amount_fen'])} 元 {outcome}")
