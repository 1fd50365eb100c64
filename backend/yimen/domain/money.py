"""Money is integer fen everywhere; only display converts to yuan."""

from decimal import Decimal, InvalidOperation

from .errors import ValidationError


def yuan(fen: int) -> str:
    """12345 -> '123.45'."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def parse_yuan(text: str | int | float) -> int:
    """'123.45' -> 12345 fen; refuses more than two decimals instead of rounding silently."""
    try:
        amount = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValidationError("BAD_AMOUNT", f"金额“{text}”不是有效数字") from exc
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValidationError("BAD_AMOUNT", f"金额“{text}”最多保留两位小数")
    return int(fen)
