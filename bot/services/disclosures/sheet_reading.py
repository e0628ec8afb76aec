"""Reading the CSV and XLSX files village accountants already keep (issue 3 §4) into a table
of cells.

CSV in UTF-8, UTF-8 with BOM or GBK/GB18030; XLSX read-only with no formula evaluated: a formula
gives the value Excel or WPS saved beside it, and one without a saved value is refused at its
cell. Merged ranges are handed on (allowed in titles and footers, refused on imported rows); sizes
and row counts capped while reading, zip bombs refused. Every problem is collected with its row and
column and raised together in one :class:`ImportRejected`; a file with any problem saves nothing.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from xml.etree import ElementTree

MAX_UNZIPPED = 50_000_000  # an XLSX that unpacks to more than this is refused (zip bomb)
MAX_SHARED_STRINGS = 20_000_000  # its text table, which openpyxl reads whole before any row
FEN = Decimal("0.01")
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
class Merge:
    """A merged range of cells and the spreadsheet rows it spans."""

    ref: str
    first_row: int
    last_row: int


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet's filled rows (titles, header, data, footer) with their spreadsheet row numbers."""

    rows: list[tuple[int, list[object]]]
    merged: tuple[Merge, ...] = ()
    problems: tuple[Problem, ...] = ()  # formulas saved without their value, named by cell


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
    if len(rows.filled) < 2:
        raise ImportRejected([Problem(None, None, "imp.empty")])
    return Table(rows.filled, rows.merged, tuple(rows.problems))


class _Rows:
    """The filled rows of a sheet as they are read, with their spreadsheet row numbers.

    Blank rows are skipped but keep their numbers. Reading stops at the first filled row past
    the limit (a header and `max_rows` more), or when blank rows alone pass it.
    """

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.filled: list[tuple[int, list[object]]] = []
        self.merged: tuple[Merge, ...] = ()
        self.problems: list[Problem] = []
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
        # Leading blanks stay: an indented item name sits under the one above it.
        rows.add(number, [cell.rstrip() for cell in cells[:MAX_COLUMNS]])


def cell_text(value: object) -> str:
    """A cell's value as stripped text (empty for an empty cell)."""
    return "" if value is None else str(value).strip()


def _read_xlsx(content: bytes, rows: _Rows) -> None:
    from openpyxl import load_workbook  # heavy: imported on the first spreadsheet, not at start

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        _refuse_bombs(archive)
        data = archive.read(_first_sheet(archive))
        rows.merged = _merged_ranges(data)
        formulas = _formulas(data)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ImportRejected:
        raise
    except Exception:  # openpyxl and zipfile raise many kinds for a damaged file
        raise ImportRejected([Problem(None, None, "imp.bad_xlsx")]) from None
    try:
        sheet = workbook.worksheets[0]
        # The declared width pads every row: a tiny file claiming column XFD would make
        # millions of cells, so no more than MAX_COLUMNS are ever built.
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        for number, values in enumerate(sheet.iter_rows(max_col=width, values_only=True), 1):
            rows.add(number, _saved_values(number, list(values), formulas, rows.problems))
    finally:
        workbook.close()


def _saved_values(
    number: int, values: list[object], formulas: dict[str, bool], problems: list[Problem]
) -> list[object]:
    """A row's values, read as saved: a formula gives the value Excel or WPS saved beside it
    (:class:`Saved`); one saved without its value is a problem at its cell (the bot never
    computes a formula)."""
    if not formulas:
        return values
    from openpyxl.utils import get_column_letter  # heavy: only for a sheet with formulas

    for index, value in enumerate(values):
        ref = f"{get_column_letter(index + 1)}{number}"
        saved = formulas.get(ref)
        if saved is False:
            problems.append(
                Problem(number, get_column_letter(index + 1), "imp.formula", {"cell": ref})
            )
            values[index] = None
        elif saved and isinstance(value, float) and math.isfinite(value):
            values[index] = Saved(repr(value))
    return values


class Saved(Decimal):
    """A formula's value as saved (=B4*C4 saves 683.384): rounded to the fen as the sheet shows
    it only once its unit is known (in 万元, 0.0683384 is 683.38 元)."""

    __slots__ = ()

    def __str__(self) -> str:
        return str(self.quantize(FEN, ROUND_HALF_UP))


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


def _local(tag: str) -> str:
    """An XML tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The part holding the workbook's first sheet, as openpyxl reads it (workbook order)."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    first = next(e for e in book.iter() if _local(e.tag) == "sheet")
    rel_id = next(v for k, v in first.attrib.items() if _local(k) == "id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(e.get("Target", "") for e in rels if e.get("Id") == rel_id)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_ranges(data: bytes) -> tuple[Merge, ...]:
    """Merged ranges of the sheet (openpyxl's read-only mode does not expose them)."""
    return tuple(
        Merge(f"{a}{r1}:{b}{r2}", int(r1), int(r2))
        for a, r1, b, r2 in (
            (m.group(1).decode(), m.group(2).decode(), m.group(3).decode(), m.group(4).decode())
            for m in _MERGE.finditer(data)
        )
    )


def _formulas(data: bytes) -> dict[str, bool]:
    """Every formula cell of the sheet and whether its value was saved beside it."""
    if not re.search(rb"<(?:\w+:)?f[\s>/]", data):
        return {}
    found: dict[str, bool] = {}
    for _event, element in ElementTree.iterparse(io.BytesIO(data)):
        if _local(element.tag) != "c":
            continue
        children = {_local(child.tag): child for child in element}
        if "f" in children and element.get("r"):
            found[element.get("r", "")] = bool(
                (children.get("v") is not None and children["v"].text) or "is" in children
            )
        element.clear()
    return found
