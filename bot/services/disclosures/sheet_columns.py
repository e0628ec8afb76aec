"""The columns the bot knows in a ledger or a beneficiary list, found by their usual titles in
whichever row holds them, and reading one cell of a row: where it is, its text, its amount."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP

from bot.services.disclosures import sheet_headers, sheet_units
from bot.services.disclosures.sheet_reading import FEN, Problem, Saved, Table, cell_text
from bot.services.money import UNIT_NAMES, AmountError, parse_cell

MAX_CELL = 500


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    names: tuple[str, ...]
    required: bool


# "本期" alone heads a column under a merged "金额" (a two-row header).
AMOUNT_NAMES = (
    "本期金额", "本季金额", "金额", "本月金额", "本期发生额", "发生额", "本期数",
    "本期", "本季", "本月", "amount",
)  # fmt: skip
# The bot's own ledger template, in its column order (the template is written from these).
FINANCE_COLUMNS = (
    Column("type", ("类型", "收支类型", "项目类型", "收支", "type"), True),
    Column("account", ("科目", "会计科目", "科目名称", "项目", "收支项目", "account"), True),
    Column("description", ("摘要", "说明", "事由", "摘要/事由", "description"), False),
    Column("amount", AMOUNT_NAMES, True),
    Column("ytd", ("本年累计", "本年累计数", "累计", "累计金额", "year_to_date", "ytd"), False),
)
# Columns of the layouts accountants keep (cn-practice §3.2): income and expense as two amount
# columns, a running balance, the item number.
LEDGER_EXTRA_COLUMNS = (
    Column(
        "income", ("收入", "收入金额", "本期收入", "收入额", "借方", "借方金额", "income"), False
    ),
    Column(
        "expense", ("支出", "支出金额", "本期支出", "支出额", "贷方", "贷方金额", "expense"), False
    ),
    Column("balance", ("余额", "结余", "结存", "balance"), False),
    Column("number", ("序号", "编号", "no", "no."), False),
    # A hierarchy of items (一级科目 / 二级科目): a level column, or account codes (501, 501001).
    Column("level", ("级次", "科目级次", "级别", "层级", "科目级别", "level"), False),
    Column("code", ("科目编码", "科目代码", "科目编号", "编码", "代码", "code"), False),
)
SUBSIDY_COLUMNS = (
    Column("group", ("村民小组", "组别", "小组", "组", "group"), False),
    Column("head", ("户主姓名", "户主", "姓名", "户主(申请人)姓名", "申请人姓名", "head"), True),
    Column("item", ("补贴项目", "项目", "补贴类别", "类别", "类别/档次", "item"), True),
    Column(
        "quantity",
        ("数量", "计量依据", "面积", "补贴面积", "计税面积", "保障人数", "人数", "quantity"),
        False,
    ),
    Column("standard", ("标准", "补贴标准", "standard"), False),
    Column(
        "amount",
        ("金额", "补贴金额", "发放金额", "月保障金额", "保障金额", "应发金额", "amount"),
        True,
    ),
    Column("paid", ("发放日期", "发放方式", "发放日期/方式", "发放方式/日期", "paid"), False),
    Column("note", ("备注", "note"), False),
)
SUBSIDY_EXTRA_COLUMNS = (Column("number", ("序号", "编号", "no", "no."), False),)
HEADER_SCAN = 15  # filled rows searched for the header: titles, a unit line, blank rows


@dataclass(frozen=True, slots=True)
class Header:
    """The header found: its spreadsheet row, its titles, the known columns by key; a header in
    two rows also has its top row and each column's (top, bottom) titles."""

    row: int
    titles: list[str]
    columns: dict[str, int]
    ignored: list[str]
    first: bool  # the header is the sheet's first filled row (nothing had to be guessed)
    top: int | None = None  # the top row of a two-row header
    parts: tuple[tuple[str, str], ...] = ()  # each column's top and bottom title (two rows)
    units: dict[int, int] = field(default_factory=dict)  # columns in 千元/万元: power of ten

    def title(self, key: str) -> str:
        return self.titles[self.columns[key]]

    def unit(self) -> int:
        """The largest unit any column is written in (0 for 元), as the reading line says."""
        return max(self.units.values(), default=0)


def normal(name: str) -> str:
    """A title or keyword compared as written in any width and case, without spaces."""
    return unicodedata.normalize("NFKC", name).strip().lower().replace(" ", "")


_UNIT = re.compile(r"\((?:单位:)?(?:人民币元|人民币|万元|千元|元|亩|人|户|头|元/亩)\)$")


def _title_key(title: str) -> str:
    """A header title as matched: width, case and a trailing unit such as (元), (万元) or (亩)
    ignored."""
    key = _UNIT.sub("", normal(title))
    for unit in ("万元", "千元", "元"):
        if key.endswith(unit) and len(key) > len(unit):
            return key.removesuffix(unit)
    return key or normal(title)


def known_column(title: str, spec: tuple[Column, ...], found: dict[str, int]) -> Column | None:
    key = _title_key(title)
    return next(
        (c for c in spec if c.key not in found and key in {normal(n) for n in c.names}), None
    )


def _match(titles: list[str], spec: tuple[Column, ...]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(titles):
        if not title:
            continue
        column = known_column(title, spec, found)
        if column is None:
            ignored.append(title)
        else:
            found[column.key] = index
    return found, ignored


def _match_two(parts: list[tuple[str, str]], spec: tuple[Column, ...]) -> dict[str, int]:
    """Columns of a two-row header by meaning: both titles read together (收入+金额), else the
    bottom one (本期 under 金额), else the top one over a blank (项目 merged down)."""
    found: dict[str, int] = {}
    for index, (top, bottom) in enumerate(parts):
        titles = [top + bottom, bottom] if bottom else [top]
        column = next((c for t in titles if t and (c := known_column(t, spec, found))), None)
        if column is not None:
            found[column.key] = index
    return found


def _trimmed(cells: list[object]) -> list[str]:
    titles = [cell_text(c) for c in cells]
    while titles and not titles[-1]:
        titles.pop()
    return titles


def find_header(table: Table, spec: tuple[Column, ...]) -> Header:
    """The row among the first few that names the most known columns (titles, a unit line and
    blank rows may stand above it), or two rows read together when they name more; else the
    first filled row. The unit lines above it say what the amounts are written in."""
    best: Header | None = None
    scanned = table.rows[:HEADER_SCAN]
    for position, (number, cells) in enumerate(scanned):
        titles = _trimmed(cells)
        columns, ignored = _match(titles, spec)
        if len(columns) >= 2 and (best is None or len(columns) > len(best.columns)):
            best = Header(number, titles, columns, ignored, position == 0)
    for (number, cells), (below, under) in itertools.pairwise(scanned):
        if below != number + 1 or not (
            sheet_headers.header_like(cells) and sheet_headers.header_like(under)
        ):
            continue
        two = _two_rows(table, number, cells, under, spec)
        if len(two.columns) >= 2 and (best is None or len(two.columns) > len(best.columns)):
            best = two
    if best is None:
        number, cells = table.rows[0]
        titles = [cell_text(c) for c in cells]
        columns, ignored = _match(titles, spec)
        best = Header(number, titles, columns, ignored, True)
    return _with_units(table, best)


def _two_rows(
    table: Table, number: int, cells: list[object], under: list[object], spec: tuple[Column, ...]
) -> Header:
    tops = sheet_headers.top_titles(cells, under, table.merged, number)
    bottoms = [cell_text(under[i]) if i < len(under) else "" for i in range(len(tops))]
    parts = list(zip(tops, bottoms, strict=True))
    titles = [sheet_headers.combined(top, bottom) for top, bottom in parts]
    columns = _match_two(parts, spec)
    ignored = [t for i, t in enumerate(titles) if t and i not in columns.values()]
    return Header(number + 1, titles, columns, ignored, False, number, tuple(parts))


def _with_units(table: Table, header: Header) -> Header:
    """The header with the unit of each column in 千元 or 万元 (its title's, else the sheet's)."""
    first = header.top or header.row
    above = [[cell_text(c) for c in cells] for number, cells in table.rows if number < first]
    units = sheet_units.column_units(header.titles, sheet_units.sheet_unit(above))
    if not units:
        return header
    return Header(
        header.row,
        header.titles,
        header.columns,
        header.ignored,
        header.first,
        header.top,
        header.parts,
        units,
    )


def header_reading(header: Header) -> dict:
    """What the reading line says of a header: its top row when in two rows, its unit when not
    元 (amounts are shown in 元 after)."""
    said: dict = {}
    if header.top is not None:
        said["top"] = header.top
    if header.unit():
        said["unit"] = UNIT_NAMES[header.unit()]
    return said


def missing_columns(header: Header, keys: list[str], spec: tuple[Column, ...]) -> Problem:
    """The refusal of a file without the columns a layout needs, naming what it has."""
    names = {c.key: c.names[0] for c in spec}
    return Problem(
        None,
        None,
        "imp.missing_columns",
        {
            "missing": "、".join(names[k] for k in keys),
            "expected": "、".join(c.names[0] for c in spec),
            "found": "、".join(t for t in header.titles if t),
        },
    )


def data_rows(table: Table, header: Header) -> list[tuple[int, list[object]]]:
    """The rows below the header."""
    return [(number, cells) for number, cells in table.rows if number > header.row]


def cell(cells: list[object], index: int | None) -> object:
    """The value in a column of a row (None past its end or for a column not found)."""
    if index is None or index >= len(cells):
        return None
    return cells[index]


def where(header: Header, index: int) -> str:
    """A column as a problem names it: its letter and its title."""
    from openpyxl.utils import get_column_letter  # heavy: only when a problem is named

    return f"{get_column_letter(index + 1)}（{header.titles[index]}）"


def amount_in(
    problems: list[Problem],
    header: Header,
    row: int,
    index: int,
    value: object,
    *,
    negative: bool,
    blank_zero: bool = False,
) -> int | None:
    """A cell's amount in fen, or None with the problem noted."""
    try:
        unit = header.units.get(index, 0)
        if isinstance(value, Saved):  # a formula's result: to the fen as it shows, in yuan
            value, unit = value.scaleb(unit).quantize(FEN, ROUND_HALF_UP), 0
        return parse_cell(
            value if not isinstance(value, str) else value.strip(),
            allow_negative=negative,
            blank_zero=blank_zero,
            unit=unit,
        )
    except AmountError as error:
        problems.append(
            Problem(row, where(header, index), f"money.{error.reason}", {"text": error.text[:40]})
        )
        return None
