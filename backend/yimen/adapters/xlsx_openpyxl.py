"""SpreadsheetReader on openpyxl (read-only mode: rows stream, the workbook is never held whole)."""

import io

from openpyxl import load_workbook

from yimen.ports_documents import SpreadsheetReader


class OpenpyxlReader(SpreadsheetReader):
    def rows(self, data: bytes) -> list[list[object]]:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
