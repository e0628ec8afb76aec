"""The columns the bot knows in a ledger or a beneficiary list, found by their usual titles, and
reading one cell of a row: where it is, its text, its amount."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.services.disclosures.sheet_reading import ImportRejected, Problem, Table
from bot.services.money import AmountError, parse_cell

MAX_CELL = 500


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


def normal(name: str) -> str:
    """A title or keyword compared as written in any width and case, without spaces."""
    return unicodedata.normalize("NFKC", name).strip().lower().replace(" ", "")


def find_columns(table: Table, spec: tuple[Column, ...]) -> tuple[dict[str, int], list[str]]:
    """Map column keys to indexes; refuse when a required column is missing."""
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(table.header):
        if not title:
            continue
        title_key = normal(title)
        column = next(
            (c for c in spec if c.key not in found and title_key in {normal(n) for n in c.names}),
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


def cell(cells: list[object], index: int | None) -> object:
    """The value in a column of a row (None past its end or for a column not found)."""
    if index is None or index >= len(cells):
        return None
    return cells[index]


def where(table: Table, index: int) -> str:
    """A column as a problem names it: its letter and its title."""
    from openpyxl.utils import get_column_letter  # heavy: only when a problem is named

    return f"{get_column_letter(index + 1)}（{table.header[index]}）"


def amount_in(
    problems: list[Problem], table: Table, row: int, index: int, value: object, *, negative: bool
) -> int | None:
    """A cell's amount in fen, or None with the problem noted."""
    try:
        return parse_cell(
            value if not isinstance(value, str) else value.strip(), allow_negative=negative
        )
    except AmountError as error:
        problems.append(
            Problem(row, where(table, index), f"money.{error.reason}", {"text": error.text[:40]})
        )
        return None
