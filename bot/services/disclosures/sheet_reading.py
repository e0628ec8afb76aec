"""Reading the CSV and XLSX files village accountants already keep (issue 3 §4) into a table
of cells.

CSV in UTF-8, UTF-8 with BOM or GBK/GB18030; XLSX read-only with no formula evaluated (a formula
is refused: what is published must be the figure, not a recipe), merged cells refused, sizes and
row counts capped while reading, zip bombs refused. Every problem is collected with its row and
column and raised together in one :class:`ImportRejected`; a file with any problem saves nothing.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

MAX_UNZIPPED = 50_000_000  # an XLSX that unpacks to more than this is refused (zip bomb)
MAX_SHARED_STRINGS = 20_000_000  # its text table, which openpyxl reads whole before any row
MAX_COLUMNS = 64  # columns read; a ledger or beneficiary list has about ten


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file: where (spreadsheet row and column) and what (catalogue key)."""

    row: int | None
    column: str | None
    key: str
    params: dict = field(default_factory=dict)


class ImportRejected(Exception):
    """A file was refused; nothing from it was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet as text: the header and the data rows with their spreadsheet row numbers."""

    header: list[str]
    rows: list[tuple[int, list[object]]]


# -- reading files ---------------------------------------------------------------------------


def read_table(filename: str, content: bytes, *, max_rows: int, max_bytes: int) -> Table:
    """Read the first sheet of a CSV or XLSX file into a Table, or refuse the whole file.

    Limits are checked while reading: a file is refused at its first data row past `max_rows`,
    never read whole (issue "Trust" §5).
    """
    if len(content) > max_bytes:
        raise ImportRejected(
            [
                Problem(
                    None,
                    None,
                    "imp.too_big",
                    {"size": size_text(len(content)), "limit": size_text(max_bytes)},
                )
            ]
        )
    if not content.strip():
        raise ImportRejected([Problem(None, None, "imp.empty")])
    name = filename.lower()
    rows = _Rows(max_rows)
    if content[:4] == b"PK\x03\x04":  # by content, not by name: an XLSX renamed .csv still reads
        _read_xlsx(content, rows)
    elif name.endswith(".xlsx"):
        raise ImportRejected([Problem(None, None, "imp.bad_xlsx")])
    elif name.endswith((".csv", ".txt")):
        _read_csv(content, rows)
    elif name.endswith(".xls"):
        raise ImportRejected([Problem(None, None, "imp.old_xls")])
    else:
        raise ImportRejected([Problem(None, None, "imp.bad_type", {"name": filename})])
    table = rows.table()
    if not table.header or not table.rows:
        raise ImportRejected([Problem(None, None, "imp.empty")])
    return table


class _Rows:
    """The filled rows of a sheet as they are read, with their spreadsheet row numbers.

    Blank rows are skipped but keep their numbers; the first filled row is the header. Reading
    stops at the first data row past the limit, or when blank rows alone pass it.
    """

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.filled: list[tuple[int, list[object]]] = []
        self.blank = 0

    def add(self, number: int, cells: list[object]) -> None:
        if not any(cell_text(c) for c in cells):
            self.blank += 1
            if self.blank > self.max_rows:
                raise self.too_many()
            return
        self.filled.append((number, cells))
        if len(self.filled) > self.max_rows + 1:  # the header and max_rows data rows
            raise self.too_many()

    def too_many(self) -> ImportRejected:
        return ImportRejected([Problem(None, None, "imp.too_many_rows", {"limit": self.max_rows})])

    def table(self) -> Table:
        if not self.filled:
            return Table([], [])
        header = [cell_text(c) for c in self.filled[0][1]]
        while header and not header[-1]:
            header.pop()
        return Table(header, self.filled[1:])


def size_text(size: int) -> str:
    """A file size as the refusal shows it."""
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, size // 1000)} KB"


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\r\n")
        if controls == 0:
            return text
    raise ImportRejected([Problem(None, None, "imp.binary")])


def _read_csv(content: bytes, rows: _Rows) -> None:
    text = _decode(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        rows.add(number, [cell.strip() for cell in cells[:MAX_COLUMNS]])


def cell_text(value: object) -> str:
    """A cell's value as stripped text (empty for an empty cell)."""
    return "" if value is None else str(value).strip()


def _read_xlsx(content: bytes, rows: _Rows) -> None:
    from openpyxl import load_workbook  # heavy: imported on the first spreadsheet, not at start

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        _refuse_bombs(archive)
        merged = _merged_ranges(archive)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except ImportRejected:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportRejected([Problem(None, None, "imp.bad_xlsx")]) from None
    try:
        sheet = workbook.worksheets[0]
        # The declared width pads every row: a tiny file claiming column XFD would make
        # millions of cells, so no more than MAX_COLUMNS are ever built.
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        problems = [Problem(None, None, "imp.merged", {"cells": ref}) for ref in merged]
        for number, cells in enumerate(sheet.iter_rows(max_col=width, values_only=False), 1):
            rows.add(number, _values(number, cells, problems))
    finally:
        workbook.close()
    if problems:
        raise ImportRejected(problems)


def _values(number: int, cells: tuple, problems: list[Problem]) -> list[object]:
    """A row's values; a formula is a problem at its cell (the figure is published, not it)."""
    from openpyxl.utils import get_column_letter

    values: list[object] = []
    for index, cell in enumerate(cells, 1):
        value = getattr(cell, "value", None)
        if getattr(cell, "data_type", None) == "f" or (
            isinstance(value, str) and value.startswith("=")
        ):
            problems.append(
                Problem(
                    number, get_column_letter(index), "imp.formula", {"formula": str(value)[:40]}
                )
            )
            value = None
        values.append(value)
    return values


def _refuse_bombs(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook that unpacks too big, in all or in its shared strings (read whole by
    openpyxl before the first row). Sizes are the declared ones: zipfile never unpacks more."""
    total = sum(info.file_size for info in archive.infolist())
    strings = sum(
        info.file_size for info in archive.infolist() if info.filename.endswith("sharedStrings.xml")
    )
    if total > MAX_UNZIPPED or strings > MAX_SHARED_STRINGS:
        size, limit = (
            (total, MAX_UNZIPPED) if total > MAX_UNZIPPED else (strings, MAX_SHARED_STRINGS)
        )
        sizes = {"size": size_text(size), "limit": size_text(limit)}
        raise ImportRejected([Problem(None, None, "imp.unpacks_too_big", sizes)])


_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')


def _merged_ranges(archive: zipfile.ZipFile) -> list[str]:
    """Merged ranges of the first worksheet (openpyxl's read-only mode does not expose them)."""
    names = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    if not names:
        return []
    data = archive.read(names[0])
    return [m.group(1).decode() for m in _MERGE.finditer(data)]
