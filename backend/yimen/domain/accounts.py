"""Staff account rules: usernames, password strength, the checks on an account's fields. Pure."""

import re

from yimen.domain.departments import DEPARTMENTS
from yimen.domain.errors import ValidationError
from yimen.domain.model import Role

USERNAME = re.compile(r"[a-z][a-z0-9_.-]{2,31}")
MIN_PASSWORD = 10
WEAK_MESSAGE = f"密码太简单：至少 {MIN_PASSWORD} 位，须同时有字母和数字，不能含用户名，也不能是连续或重复的字符"
COMMON = ("password", "qwerty", "abc123", "123456", "admin", "yimen", "woaini", "iloveyou")


def check_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not USERNAME.fullmatch(name):
        raise ValidationError("BAD_USERNAME", "用户名须为 3-32 位小写字母、数字、点、横线或下划线，以字母开头")
    return name


def check_password(password: str, username: str) -> None:
    """A minimum strength in plain words. Length and two kinds of characters, not the user's own name,
    not a keyboard or repeated run: what a township office can live with and a guess won't hit."""
    low = (password or "").lower()
    weak = (
        len(password or "") < MIN_PASSWORD
        or not re.search(r"[a-z]", low)
        or not re.search(r"\d", low)
        or (username and username.lower() in low)
        or any(word in low for word in COMMON)
        or re.search(r"(.)\1\1\1", low)
        or _run_of_four(low)
    )
    if weak:
        raise ValidationError("WEAK_PASSWORD", WEAK_MESSAGE)


def _run_of_four(text: str) -> bool:
    """1234, abcd, 4321..."""
    steps = [ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)]
    return any(steps[i] == steps[i + 1] == steps[i + 2] and abs(steps[i]) == 1 for i in range(len(steps) - 2))


def check_role_department(role: Role, department: str | None) -> str | None:
    """Approvers must name a department (they decide only its items); others may (救助中心 in 民政)."""
    department = (department or "").strip() or None
    if department is not None and department not in DEPARTMENTS:
        raise ValidationError("BAD_DEPARTMENT", f"部门应为以下之一：{'、'.join(DEPARTMENTS)}")
    if role == Role.APPROVER and department is None:
        raise ValidationError("DEPARTMENT_REQUIRED", "部门审批岗位须选择所属部门")
    return department


def check_display_name(name: str) -> str:
    name = (name or "").strip()
    if not 2 <= len(name) <= 30:
        raise ValidationError("BAD_NAME", "姓名请填写 2-30 个字")
    return name


def check_phone(phone: str) -> str | None:
    """A mainland mobile number for notices, or "" to remove it."""
    digits = re.sub(r"[\s-]", "", phone or "")
    if digits and not re.fullmatch(r"1[3-9]\d{9}", digits):
        raise ValidationError("BAD_PHONE", "通知手机号应为 11 位手机号码")
    return digits or None
