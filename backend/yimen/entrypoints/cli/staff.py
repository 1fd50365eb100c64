"""`yimen staff ...`: staff accounts from the server's shell. This is how a fresh deployment gets its first
administrator (`yimen staff add admin0 --name 张三 --role admin --password-stdin`); after that the console's
工作人员 page does the same with an administrator's sign-in. Every change is audited as system:cli."""

import sys

import click

from yimen.domain.departments import DEPARTMENTS, department_name
from yimen.domain.errors import YimenError
from yimen.domain.masking import mask_phone
from yimen.domain.model import ROLE_KEYS, Actor, Role
from yimen.entrypoints.cli.wiring import services_for
from yimen.services.staff.accounts import StaffChanges

CLI = Actor(kind="system", id="cli", name="命令行")
ROLE_HELP = "岗位：" + "、".join(f"{key}（{role.value}）" for key, role in ROLE_KEYS.items())


def _role(_ctx, _param, value: str | None) -> Role | None:
    if value is None:
        return None
    role = ROLE_KEYS.get(value.strip().lower()) or next((r for r in Role if r.value == value.strip()), None)
    if role is None:
        raise click.BadParameter(ROLE_HELP)
    return role


def _service(data_dir: str | None):
    return services_for(data_dir).staff


def _password(from_stdin: bool, prompt: str) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


def _run(action):
    """Domain errors as one plain line and exit code 1, nothing half-done (each action is one unit of work)."""
    try:
        return action()
    except YimenError as exc:
        click.echo(exc.message, err=True)
        raise SystemExit(1) from exc


_data_dir = click.option("--data-dir", default=None, help="数据目录（默认 ./var）")
_fields = [
    click.option("--name", "display_name", default=None, help="姓名（显示在后台和签名里）"),
    click.option("--role", default=None, callback=_role, help=ROLE_HELP),
    click.option("--area", "area_code", default=None, help="辖区代码：县、乡镇或村（社区）；管理员可省略"),
    click.option("--department", default=None, help="所属部门（部门审批岗位必填）：" + "、".join(DEPARTMENTS)),
    click.option("--phone", default=None, help="接收通知的手机号；填空字符串可删除"),
]


def _with_fields(command):
    for option in reversed(_fields):
        command = option(command)
    return command


@click.group("staff", help="工作人员账号：添加、查看、修改、停用、重置密码")
def staff_command() -> None:
    pass


@staff_command.command("add", help="添加工作人员（新部署时用它创建第一个管理员）")
@click.argument("username")
@_with_fields
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行），不在屏幕上询问")
@_data_dir
def add_command(username: str, password_stdin: bool, data_dir: str | None, **fields) -> None:
    if fields["role"] is None:
        raise click.UsageError("请用 --role 指定岗位。" + ROLE_HELP)
    password = _password(password_stdin, "密码")
    user = _run(lambda: _service(data_dir).add(CLI, username, StaffChanges(**fields), password))
    click.echo(
        f"已添加 {user.username}（{user.display_name}，{user.role.value}，辖区 {user.area_code or '全部'}"
        f"{'，' + department_name(user.department) if user.department else ''}）。"
    )


@staff_command.command("list", help="列出全部工作人员（手机号脱敏）")
@_data_dir
def list_command(data_dir: str | None) -> None:
    users = _run(lambda: _service(data_dir).list(CLI))
    if not users:
        click.echo("还没有工作人员。先添加管理员：yimen staff add admin0 --name 姓名 --role admin --password-stdin")
    for u in users:
        flags = "（已停用）" if not u.active else "（待改密码）" if u.must_change_password else ""
        click.echo(
            f"{u.username:<14} {u.display_name:<12} {u.role.value:<6} 辖区 {u.area_code or '全部':<12} "
            f"{department_name(u.department) or '-':<12} {mask_phone(u.phone) or '-'}{flags}"
        )


@staff_command.command("edit", help="修改工作人员的姓名、岗位、辖区、部门或通知手机")
@click.argument("username")
@_with_fields
@_data_dir
def edit_command(username: str, data_dir: str | None, **fields) -> None:
    service = _service(data_dir)
    current = _run(lambda: service.get(CLI, username))
    user = _run(lambda: service.edit(CLI, username, current.version, StaffChanges(**fields)))
    click.echo(f"已修改 {user.username}：{user.display_name}，{user.role.value}，辖区 {user.area_code or '全部'}。")


@staff_command.command("disable", help="停用账号（离岗人员）：立即退出所有登录，记录保留")
@click.argument("username")
@click.option("--reason", default="", help="停用原因（记入审计）")
@click.option("--enable", is_flag=True, help="重新启用已停用的账号")
@_data_dir
def disable_command(username: str, reason: str, enable: bool, data_dir: str | None) -> None:
    user = _run(lambda: _service(data_dir).set_active(CLI, username, enable, reason))
    click.echo(f"已{'启用' if user.active else '停用'} {user.username}（{user.display_name}）。")


@staff_command.command("reset-password", help="重置密码：给出临时密码，下次登录必须修改")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取临时密码；不给则自动生成并显示一次")
@_data_dir
def reset_password_command(username: str, password_stdin: bool, data_dir: str | None) -> None:
    given = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    temporary = _run(lambda: _service(data_dir).reset_password(CLI, username, given))
    click.echo(f"已重置 {username} 的密码，原有登录全部失效。")
    if not given:
        click.echo(f"临时密码（只显示这一次，请当面或电话告知本人）：{temporary}")
    click.echo("本人下次登录时须设置新密码。")
