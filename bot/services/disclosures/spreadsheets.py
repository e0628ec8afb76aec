"""Reading the CSV and XLSX files village accountants already keep (issue 3 §4).

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

from bot.services.masking import mask_text
from bot.services.money import AmountError, parse_cell
from storage.disclosure_rows import Row

__all__ = [
    "FINANCE_COLUMNS",
    "SUBSIDY_COLUMNS",
    "FinanceSheet",
    "ImportRejected",
    "Problem",
    "SubsidySheet",
    "balance_difference",
    "parse_finance",
    "parse_subsidy",
    "read_table",
]

MAX_UNZIPPED = 50_000_000  # an XLSX that unpacks to more than this is refused (zip bomb)
MAX_CELL = 500


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
                    None, None, "imp.too_big", {"size": _kb(len(content)), "limit": _kb(max_bytes)}
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


def _kb(size: int) -> str:
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
    filled = [(n, cells) for n, cells in rows if any(_text(c) for c in cells)]
    if not filled:
        return Table([], [])
    header_row = filled[0][1]
    header = [_text(c) for c in header_row]
    return Table(header, filled[1:])


def _text(value: object) -> str:
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


# -- columns ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    names: tuple[str, ...]
    required: bool


FINANCE_COLUMNS = (
    Column("type", ("类型", "收支类型", "项目类型", "收支", "type"), True),
    Column("account", ("科目", "会计科目", "科目名称", "项目", "account"), True),
    Column("description", ("摘要", "说明", "事由", "摘要/事由", "description"), False),
    Column("amount", ("本期金额", "本季金额", "金额", "金额(元)", "金额（元）", "amount"), True),
    Column("ytd", ("本年累计", "本年累计(元)", "本年累计（元）", "year_to_date", "ytd"), False),
)
SUBSIDY_COLUMNS = (
    Column("group", ("村民小组", "组别", "小组", "group"), False),
    Column("head", ("户主姓名", "户主", "姓名", "户主(申请人)姓名", "head"), True),
    Column("item", ("补贴项目", "项目", "item"), True),
    Column("quantity", ("数量", "计量依据", "面积", "quantity"), False),
    Column("standard", ("标准", "补贴标准", "standard"), False),
    Column("amount", ("金额", "补贴金额", "补贴金额(元)", "补贴金额（元）", "amount"), True),
    Column("paid", ("发放日期", "发放方式", "发放日期/方式", "发放方式/日期", "paid"), False),
    Column("note", ("备注", "note"), False),
)

OPENING = ("期初余额", "上期结余", "季初结余", "期初", "opening")
CLOSING = ("期末余额", "本期结余", "季末结余", "期末", "closing")
INCOME = ("收入", "income")
EXPENSE = ("支出", "expense")
TOTALS = ("合计", "小计", "总计", "total")
HOSPITALITY = "招待"  # CAT-11: hospitality expected to be 0 at village level


def _normal(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().lower().replace(" ", "")


def _columns(table: Table, spec: tuple[Column, ...]) -> tuple[dict[str, int], list[str]]:
    """Map column keys to indexes; refuse when a required column is missing."""
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(table.header):
        if not title:
            continue
        normal = _normal(title)
        column = next(
            (c for c in spec if c.key not in found and normal in {_normal(n) for n in c.names}),
            None,
        )
        if column is None:
            ignored.append(title)
        else:
            found[column.key] = index
    missing = [c.names[0] for c in spec if c.required and c.key not in found]
    if missing:
        expected = "、".join(c.names[0] for c in spec)
        raise ImportRejected(
            [
                Problem(
                    None,
                    None,
                    "imp.missing_columns",
                    {
                        "missing": "、".join(missing),
                        "expected": expected,
                        "found": "、".join(table.header),
                    },
                )
            ]
        )
    return found, ignored


def _cell(cells: list[object], index: int | None) -> object:
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _where(table: Table, index: int) -> str:
    return f"{get_column_letter(index + 1)}（{table.header[index]}）"


def _amount(
    problems: list[Problem], table: Table, row: int, index: int, value: object, *, negative: bool
) -> int | None:
    try:
        return parse_cell(
            value if not isinstance(value, str) else value.strip(), allow_negative=negative
        )
    except AmountError as error:
        problems.append(
            Problem(row, _where(table, index), f"money.{error.reason}", {"text": error.text[:40]})
        )
        return None


# -- finance ledger --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FinanceSheet:
    opening_fen: int
    closing_fen: int
    rows: list[Row]
    ignored_columns: list[str]

    @property
    def income_fen(self) -> int:
        return sum(r.amount_fen for r in self.rows if r.section == "income")

    @property
    def expense_fen(self) -> int:
        return sum(r.amount_fen for r in self.rows if r.section == "expense")

    @property
    def difference_fen(self) -> int:
        return balance_difference(
            self.opening_fen,
            [r.amount_fen for r in self.rows if r.section == "income"],
            [r.amount_fen for r in self.rows if r.section == "expense"],
            self.closing_fen,
        )


def balance_difference(opening: int, incomes: list[int], expenses: list[int], closing: int) -> int:
    """Stated closing balance minus the computed one: opening + income − expense (DESIGN §3).

    Zero means the ledger balances; otherwise the figure is shown to the official.
    """
    return closing - (opening + sum(incomes) - sum(expenses))


def parse_finance(table: Table) -> FinanceSheet:
    """A quarterly ledger: opening and closing balance rows, income and expense lines."""
    columns, ignored = _columns(table, FINANCE_COLUMNS)
    problems: list[Problem] = []
    opening: int | None = None
    closing: int | None = None
    rows: list[Row] = []
    for number, cells in table.rows:
        kind = _normal(_text(_cell(cells, columns["type"])))
        account = mask_text(_text(_cell(cells, columns["account"])))[:MAX_CELL]
        description = mask_text(_text(_cell(cells, columns.get("description"))))[:MAX_CELL]
        if any(kind.startswith(_normal(t)) or kind.endswith(_normal(t)) for t in TOTALS):
            continue  # totals rows are recomputed by the bot, never trusted
        amount_index = columns["amount"]
        raw_amount = _cell(cells, amount_index)
        if kind in {_normal(t) for t in OPENING + CLOSING}:
            value = _amount(problems, table, number, amount_index, raw_amount, negative=True)
            is_opening = kind in {_normal(t) for t in OPENING}
            if (is_opening and opening is not None) or (not is_opening and closing is not None):
                problems.append(
                    Problem(number, _where(table, columns["type"]), "imp.duplicate_balance")
                )
            elif is_opening:
                opening = value if value is not None else 0
            else:
                closing = value if value is not None else 0
            continue
        if kind in {_normal(t) for t in INCOME}:
            section = "income"
        elif kind in {_normal(t) for t in EXPENSE}:
            section = "expense"
        else:
            problems.append(
                Problem(
                    number, _where(table, columns["type"]), "imp.bad_row_type", {"text": kind[:20]}
                )
            )
            continue
        if not account:
            problems.append(Problem(number, _where(table, columns["account"]), "imp.required"))
        amount = _amount(problems, table, number, amount_index, raw_amount, negative=False)
        ytd = None
        if "ytd" in columns and _text(_cell(cells, columns["ytd"])):
            ytd = _amount(
                problems,
                table,
                number,
                columns["ytd"],
                _cell(cells, columns["ytd"]),
                negative=False,
            )
        if amount is not None:
            data = {"account": account, "description": description}
            rows.append(Row(len(rows) + 1, section, data, amount, ytd))
    if opening is None:
        problems.append(Problem(None, None, "imp.no_opening"))
    if closing is None:
        problems.append(Problem(None, None, "imp.no_closing"))
    if not rows and not problems:
        problems.append(Problem(None, None, "imp.no_lines"))
    if problems:
        raise ImportRejected(problems)
    assert opening is not None and closing is not None
    return FinanceSheet(opening, closing, rows, ignored)


def hospitality_rows(rows: list[Row]) -> list[Row]:
    """Expense lines for hospitality (招待费) with a non-zero amount: flagged (CAT-11)."""
    return [
        r
        for r in rows
        if r.section == "expense"
        and r.amount_fen != 0
        and (
            HOSPITALITY in r.data.get("account", "") or HOSPITALITY in r.data.get("description", "")
        )
    ]


# -- subsidy list ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubsidySheet:
    rows: list[Row]
    masked: int
    ignored_columns: list[str]

    @property
    def total_fen(self) -> int:
        return sum(r.amount_fen for r in self.rows)


def parse_subsidy(table: Table) -> SubsidySheet:
    """A beneficiary list; ID, phone and card numbers in any kept cell are masked here (SEC-03).

    Columns the bot does not know (ID number, bank card, address, reasons…) are not kept at all.
    """
    columns, ignored = _columns(table, SUBSIDY_COLUMNS)
    problems: list[Problem] = []
    rows: list[Row] = []
    masked = 0
    for number, cells in table.rows:
        data: dict[str, str] = {}
        for column in SUBSIDY_COLUMNS:
            if column.key == "amount":
                continue
            raw = _text(_cell(cells, columns.get(column.key)))[:MAX_CELL]
            safe = mask_text(raw)
            masked += safe != raw
            data[column.key] = safe
        for key in ("head", "item"):
            if not data[key]:
                problems.append(Problem(number, _where(table, columns[key]), "imp.required"))
        amount = _amount(
            problems,
            table,
            number,
            columns["amount"],
            _cell(cells, columns["amount"]),
            negative=False,
        )
        if amount is not None:
            rows.append(Row(len(rows) + 1, "subsidy", data, amount, None))
    if problems:
        raise ImportRejected(problems)
    return SubsidySheet(rows, masked, ignored)
