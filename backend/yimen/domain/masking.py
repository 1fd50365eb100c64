"""Masking for screens and API output. Every template and response uses these, never raw values."""


def mask_id_number(value: str | None) -> str:
    """5117**********1234: region prefix and last four stay, the birth date is hidden."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_bank_card(value: str | None) -> str:
    """6217 **** **** 1234: the bank's prefix and the last four, as on the card's envelope."""
    digits = (value or "").replace(" ", "")
    if len(digits) <= 8:
        return "*" * len(digits)
    return f"{digits[:4]} **** **** {digits[-4:]}"


def mask_name(value: str | None) -> str:
    """张三 -> 张*, 欧阳小明 -> 欧***: the family name stays so a neighbour can't identify, a clerk can."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else value


def mask_openid(value: str | None) -> str:
    """oAbC****wxYz: enough for a clerk to tell two users apart, not to message one."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "****" + value[-4:]
