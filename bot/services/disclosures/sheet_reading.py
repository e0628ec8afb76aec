"""Reading the CSV and XLSX files village accountants already keep (issue 3 §4) into a table
of cells.

CSV in UTF-8, UTF-8 with BOM or GBK/GB18030; XLSX read-only with no formula evaluated (a formula
is refused: what is published must be the figure, not a recipe), merged cells refused, sizes and
row counts capped, zip bombs refused. Every problem is collected with its row and column and
raised together in one :class:`ImportRejected`; a file with any problem saves nothing.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

MAX_UNZIPPED = 50_000_000  # an XLSX that unpacks to more than this is refused (zip bomb)


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
    """Read the first sheet of a CSV or XLSX file into a Table, or refuse the whole file."""
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
    if content[:4] == b"PK\x03\x04":  # by content, not by name: an XLSX renamed .csv still reads
        table = _read_xlsx(content)
    elif name.endswith(".xlsx"):
        raise ImportRejected([Problem(None, None, "imp.bad_xlsx")])
    elif name.endswith((".csv", ".txt")):
        table = _read_csv(content)
    elif name.endswith(".xls"):
        raise ImportRejected([Problem(None, None, "imp.old_xls")])
    else:
        raise ImportRejected([Problem(None, None, "imp.bad_type", {"name": filename})])
    if not table.header or not table.rows:
        raise ImportRejected([Problem(None, None, "imp.empty")])
    if len(table.rows) > max_rows:
        raise ImportRejected(
            [Problem(None, None, "imp.too_many_rows", {"rows": len(table.rows), "limit": max_rows})]
        )
    return table


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


def _read_csv(content: bytes) -> Table:
    text = _decode(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = [
        (number, [cell.strip() for cell in cells])
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
    ]
    return _table(rows)


def _table(rows: list[tuple[int, list[object]]]) -> Table:
    """The first non-blank row is the header; blank rows are skipped but keep their numbers."""
    filled = [(n, cells) for n, cells in rows if any(cell_text(c) for c in cells)]
    if not filled:
        return Table([], [])
    header_row = filled[0][1]
    header = [cell_text(c) for c in header_row]
    return Table(header, filled[1:])


def cell_text(value: object) -> str:
    """A cell's value as stripped text (empty for an empty cell)."""
    return "" if value is None else str(value).strip()


def _read_xlsx(content: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
            raise ImportRejected([Problem(None, None, "imp.bad_xlsx")])
        merged = _merged_ranges(archive)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except ImportRejected:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportRejected([Problem(None, None, "imp.bad_xlsx")]) from None
    try:
        sheet = workbook.worksheets[0]
        problems = [Problem(None, None, "imp.merged", {"cells": ref}) for ref in merged]
        rows: list[tuple[int, list[object]]] = []
        for number, cells in enumerate(sheet.iter_rows(values_only=False), 1):
            values: list[object] = []
            for index, cell in enumerate(cells, 1):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f" or (
                    isinstance(value, str) and value.startswith("=")
                ):
                    problems.append(
                        Problem(
                            number,
                            get_column_letter(index),
                            "imp.formula",
                            {"formula": str(value)[:40]},
                        )
                    )
                    value = None
                values.append(value)
            rows.append((number, values))
            if number > 200_000:
                break
    finally:
        workbook.close()
    if problems:
        raise ImportRejected(problems)
    return _table(rows)


_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')


def _merged_ranges(archive: zipfile.ZipFile) -> list[str]:
    """Merged ranges of the first worksheet (openpyxl's read-only mode does not expose them)."""
    names = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    if not names:
        return []
    data = archive.read(names[0])
    return [m.group(1).decode() for m in _MERGE.finditer(data)]
