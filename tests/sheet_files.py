"""Spreadsheets as village accountants send them, built for the tests: CSV in any encoding, and
XLSX with merged title cells and formulas that carry the value Excel or WPS saved beside them."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from bot.services.disclosures.finance_ledger import FinanceSheet, parse_finance
from bot.services.disclosures.sheet_reading import ImportRejected, read_table

SHEET = "xl/worksheets/sheet1.xml"


def csv_file(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    """Rows as a CSV file in `encoding` ("utf-8-sig" for Excel's UTF-8 with BOM, "gbk"…)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(
        [["" if value is None else value for value in row] for row in rows]
    )
    return text.getvalue().encode(encoding)


def xlsx_file(
    rows: list[list[object]],
    *,
    merged: tuple[str, ...] = (),
    saved: dict[str, object] | None = None,
) -> bytes:
    """Rows as a workbook; a text starting with "=" is a formula, saved with the value that
    `saved` gives for its cell (openpyxl computes nothing: the value is written into the XML as
    Excel does), or with none, as a file never opened in a spreadsheet program."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref in merged:
        sheet.merge_cells(ref)
    buffer = io.BytesIO()
    book.save(buffer)
    return _with_saved_values(buffer.getvalue(), saved or {})


def _with_saved_values(content: bytes, saved: dict[str, object]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET:
                for ref, value in saved.items():
                    pattern = rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v\s*/>'.encode()
                    data, count = re.subn(pattern, rb"\1<v>" + str(value).encode() + b"</v>", data)
                    assert count == 1, f"no formula at {ref}"
            target.writestr(info, data)
    return out.getvalue()


# What the importer is given in the tests: limits well above any test file.
LIMITS = {"max_rows": 5000, "max_bytes": 2_000_000}


def read_finance(name: str, content: bytes) -> FinanceSheet:
    """A ledger file read as the importer reads it."""
    return parse_finance(read_table(name, content, **LIMITS))


def refused_finance(name: str, content: bytes) -> list[tuple]:
    """The problems (row, column, key, params) a ledger file is refused with."""
    with pytest.raises(ImportRejected) as caught:
        read_finance(name, content)
    return [(p.row, p.column, p.key, p.params) for p in caught.value.problems]
