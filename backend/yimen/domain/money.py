"""Money is integer fen everywhere; only display converts to yuan."""

from decimal import Decimal, InvalidOperation

from yimen.domain.errors import ValidationError

MAX_FEN = 10**12  # 100 亿元: far above any aid, far below what the stores' 64-bit integers hold


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
    if not amount.is_finite():  # Infinity, NaN and sNaN parse, but are no amount (sNaN even raises on use)
        raise ValidationError("BAD_AMOUNT", f"金额“{text}”不是有效数字")
    if amount.copy_abs() > Decimal(MAX_FEN) / 100:  # compared before any arithmetic can overflow
        raise ValidationError("AMOUNT_TOO_LARGE", f"金额“{text}”过大，请核对")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValidationError("BAD_AMOUNT", f"金额“{text}”最多保留两位小数")
    return int(fen)
