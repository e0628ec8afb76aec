"""The one writer of every CSV and XLSX the bot hands out: no cell can attack its reader.

Cells are typed, and the type decides how a cell is written:

- text (``str``): a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return,
  also after leading spaces, is prefixed with ``'`` so no spreadsheet runs it as a formula (CSV /
  formula injection); control characters openpyxl refuses are replaced with ``�``. A text cell is
  always text, even when it reads like ``-5``: only the producer knows a column holds numbers.
- whole numbers (``int``): written as numbers.
- amounts (``Decimal``, yuan): numbers in XLSX shown as ``#,##0.00``, ``1,234.50`` in CSV, so an
  accountant can add up ``-1,200.00`` in either.
- ``None``: an empty cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "Cell", "Sheet", "csv_cell", "safe_text", "sheet_title", "to_csv", "to_xlsx", "xlsx_cell",
]  # fmt: skip

Cell = str | int | Decimal | None

# What spreadsheets start a formula (or DDE call) with; a tab or CR can hide one after it.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_LEADING_SPACES = " \u00a0\u3000"
# The characters XML 1.0 cannot hold; openpyxl refuses a cell containing one.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TITLE_REFUSED = re.compile(r"[\\*?:/\[\]]")
AMOUNT_FORMAT = "#,##0.00"


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: its title, its rows, and which rows (0-based) are headings in bold."""

    title: str
    rows: Sequence[Sequence[Cell]]
    bold_rows: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class FileToWrite:
    """A file's name and the pure function writing its bytes (run off the event loop)."""

    name: str
    write: Callable[[], bytes]


def safe_text(value: str) -> str:
    """Text as a cell that is never a formula and never refused."""
    value = _CONTROL.sub("\ufffd", value)
    if value.lstrip(_LEADING_SPACES).startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value: Cell) -> str:
    """One cell as CSV text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return safe_text(str(value))


def xlsx_cell(value: Cell) -> str | int | Decimal | None:
    """One cell as openpyxl should store it: numbers as numbers, text as safe text."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return safe_text(str(value))


def sheet_title(title: str) -> str:
    """A worksheet title Excel accepts: no ``\\ * ? : / [ ]`` or control characters, ≤ 31."""
    cleaned = _TITLE_REFUSED.sub("-", _CONTROL.sub("", title)).strip("' ")[:31]
    return cleaned or "Sheet"


def to_csv(rows: Iterable[Sequence[Cell]]) -> bytes:
    """CSV in UTF-8 with BOM, so Excel on a village office PC shows the Chinese correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(sheets: Iterable[Sheet]) -> bytes:
    """A workbook with the given sheets, in order."""
    from openpyxl import Workbook  # heavy: imported on the first workbook, not at start
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for sheet in sheets:
        page = book.create_sheet(sheet_title(sheet.title))
        for number, row in enumerate(sheet.rows, 1):
            for column, value in enumerate(row, 1):
                cell = page.cell(number, column, xlsx_cell(value))
                if isinstance(value, Decimal):
                    cell.number_format = AMOUNT_FORMAT
        for index in sheet.bold_rows:
            for cell in page[index + 1]:
                cell.font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
