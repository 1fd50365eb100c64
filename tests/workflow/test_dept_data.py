"""Department data import: .xlsx and CSV, whole file or nothing, keyed by the ID number's hash."""

import io

import pytest
from openpyxl import Workbook

from tests.workflow.helpers import id_number
from yimen.domain.errors import ValidationError
from yimen.services.checking import dept_data

GOOD, OTHER = id_number("19700101", "11"), id_number("19710202", "22", "4")


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_import_by_english_alias(seeded):
    data = _xlsx(
        [
            ["姓名", "身份证号", "月缴存额（元）", "账户余额（元）", "备注"],
            ["甲", GOOD, "800.50", "12000", "多余的列会被忽略"],
            [None, None, None, None, None],
            ["乙", OTHER, 0, None, ""],
        ]
    )
    assert (
        dept_data.import_file(
            "housing-fund", "gjj.xlsx", data, uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx, cipher=seeded.cipher
        )
        == 2
    )
    with seeded.uow() as uow:
        found = dept_data.findings_for(uow, seeded.cipher, GOOD)
    assert found["公积金"] == {"deposit_fen": 80050, "balance_fen": 1200000} and found["房产"] is None
    assert dept_data.describe("公积金", found["公积金"]) == "公积金月缴存额 800.50 元；公积金余额 12000.00 元"


def test_a_file_with_one_bad_row_imports_nothing(seeded):
    text = f"身份证号,姓名,登记市场主体数,注册资本（元）\n{GOOD},甲,1,50000\n{OTHER},,2,abc\n990101197001011,丙,1,1\n"
    with pytest.raises(ValidationError) as refused:
        dept_data.import_file(
            "工商", "gs.csv", text.encode(), uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx, cipher=seeded.cipher
        )
    assert refused.value.details["problems"] == [
        "第3行「姓名」：不能为空",
        "第4行「身份证号」：不是有效的18位身份证号码",
    ]
    with seeded.uow() as uow:
        assert dept_data.findings_for(uow, seeded.cipher, GOOD)["工商"] is None
    with pytest.raises(ValidationError, match="未知的数据来源"):
        dept_data.import_file(
            "税务", "x.csv", b"", uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx, cipher=seeded.cipher
        )
    with pytest.raises(ValidationError, match="只支持"):
        dept_data.import_file(
            "工商", "x.txt", b"a", uow=seeded.uow, clock=seeded.clock, xlsx=seeded.xlsx, cipher=seeded.cipher
        )
