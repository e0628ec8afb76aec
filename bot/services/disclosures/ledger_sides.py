"""The classic 收支对照表: income on the left and expense on the right, each half with its own item
and amount columns under a merged 收入 / 支出 title in a two-row header. Each half is read as a
summary of its side: its items, its 合计 and its balance row (上期结余 left, 本期结余 right)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.services.disclosures import ledger_labels as words
from bot.services.disclosures.ledger_layouts import Accounts, LedgerRows
from bot.services.disclosures.sheet_columns import FINANCE_COLUMNS, Header, known_column

ROLES = {"account": "account", "description": "account", "amount": "amount", "ytd": "ytd"}


def halves(header: Header) -> list[tuple[str, Header]]:
    """The income and the expense half of a side-by-side header, each as a header of its own
    columns; none when the header is not one."""
    found: dict[str, dict[str, int]] = {}
    for index, (top, bottom) in enumerate(header.parts):
        side = words.heading_section(words.label_key(top)) if top and bottom else None
        column = known_column(bottom, FINANCE_COLUMNS, {}) if side else None
        role = ROLES.get(column.key) if column else None
        if side and role and role not in found.setdefault(side, {}):
            found[side][role] = index
    if set(found) != {"income", "expense"}:
        return []
    if any({"account", "amount"} - set(columns) for columns in found.values()):
        return []
    return [(side, _half(header, found[side])) for side in ("income", "expense")]


def _half(header: Header, columns: dict[str, int]) -> Header:
    return Header(
        header.row,
        header.titles,
        columns,
        [],
        False,
        header.top,
        header.parts,
        header.units,
    )


@dataclass(slots=True)
class SideBySide:
    """Both halves read row by row into one ledger, each by a summary reader of its side."""

    ledger: LedgerRows
    sides: list[tuple[str, Header]]
    readers: list[Accounts] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.readers = [
            Accounts(self.ledger, itemised=False, section=side, side=side) for side, _ in self.sides
        ]

    def read(self, number: int, cells: list[object]) -> None:
        """One spreadsheet row: its left half, then its right half."""
        for reader, (_side, half) in zip(self.readers, self.sides, strict=True):
            whole, self.ledger.header = self.ledger.header, half
            try:
                reader.read(number, _only(cells, half))
            finally:
                self.ledger.header = whole  # problems are named by the half's header

    def finish(self) -> None:
        """Check each half's 合计 against its items."""
        for reader, (_side, half) in zip(self.readers, self.sides, strict=True):
            whole, self.ledger.header = self.ledger.header, half
            try:
                reader.finish()
            finally:
                self.ledger.header = whole

    def columns(self) -> list[list[str]]:
        """The amount column of each half and its side, for the reading line."""
        return [[half.title("amount"), side] for side, half in self.sides]

    def ignored(self) -> list[str]:
        """Titles of columns neither half reads."""
        used = {i for _side, half in self.sides for i in half.columns.values()}
        return [t for i, t in enumerate(self.ledger.header.titles) if t and i not in used]


def _only(cells: list[object], half: Header) -> list[object]:
    """A row with only the half's cells (the other half blanked)."""
    keep = set(half.columns.values())
    return [value if index in keep else None for index, value in enumerate(cells)]
