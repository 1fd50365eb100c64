"""The files counties send: CSV (UTF-8, or GBK as Excel in China saves it) or .xlsx, first sheet
(read by the SpreadsheetReader port). Shared by every import (帮扶记录, 部门核对数据, 行政区划), and by
every file the platform writes (bank payment files, screening reports): those go through
`write_csv`/`safe_cell`. CSV stays here: the standard library reads and writes it."""

import csv
import io
import re
from pathlib import Path

from yimen.domain.errors import ValidationError
from yimen.ports_documents import SpreadsheetReader


def header_key(text) -> str:
    """Headers match with spaces dropped and half-width brackets read as full-width: 金额(元) = 金额（元）."""
    return re.sub(r"\s", "", str(text or "")).replace("(", "（").replace(")", "）")


def read_rows(name: str, data: bytes, max_rows: int, xlsx: SpreadsheetReader) -> list[list]:
    """Every row, header first; a file with no rows or more than max_rows data rows is refused."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError("IMPORT_BAD_TYPE", "只支持 .csv 和 .xlsx 文件")
    rows = _csv_rows(data) if suffix == ".csv" else xlsx.rows(data)
    if not rows:
        raise ValidationError("IMPORT_EMPTY", "文件是空的")
    if len(rows) > max_rows + 1:
        raise ValidationError("IMPORT_TOO_MANY", f"一个文件最多 {max_rows} 行，请拆分后导入")
    return rows


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text cell that a spreadsheet would run as a formula (=HYPERLINK(...), +1, -1+2, @SUM) gets a
    leading apostrophe, so Excel and WPS show it as text. Numbers pass unchanged. Use it for every cell
    of every CSV or .xlsx the platform writes, whatever validation the value went through before."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(out, header, rows) -> None:
    """Header and rows to a text stream, every cell through `safe_cell`; CRLF as Excel and banks expect."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in header])
    writer.writerows([safe_cell(c) for c in row] for row in rows)


def _csv_rows(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return list(csv.reader(io.StringIO(text)))
