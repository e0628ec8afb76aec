"""Ledgers as accountants keep them (cn-practice §3.2): the itemised table with income and expense
as two amount columns, and the summary table with numbered items under 收入 and 支出 headings.

Balance rows are found by their usual names in whichever amount column they stand; 合计 and 小计
rows are checked against the sum of their lines and never imported as lines; titles, a unit line
and the signatures under the table are passed over. Items nested under items (``ledger_levels``)
keep their detail lines, each parent checked like a 小计.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.services.disclosures import ledger_labels as words
from bot.services.disclosures.ledger_levels import Item, Levels, indent, rank
from bot.services.disclosures.sheet_columns import (
    MAX_CELL,
    Header,
    amount_in,
    cell,
    normal,
    where,
)
from bot.services.disclosures.sheet_reading import Problem, cell_text
from bot.services.money import DASHES, format_fen
from bot.services.redaction import redact
from storage.disclosure_rows import Row

AMOUNT_KEYS = ("amount", "balance", "income", "expense", "ytd")
NOTHING = DASHES | {""}  # an amount cell left empty or dashed


@dataclass(slots=True)
class LedgerRows:
    """A ledger gathered row by row, with every problem found on the way."""

    header: Header
    problems: list[Problem] = field(default_factory=list)
    opening: int | None = None
    closing: int | None = None
    rows: list[Row] = field(default_factory=list)
    imported: list[int] = field(default_factory=list)  # spreadsheet rows read as lines/balances
    checked: list[tuple[int, str]] = field(default_factory=list)  # totals rows found right
    masked: int = 0

    def masked_text(self, text: str) -> str:
        """Text as stored: ID, phone and card numbers masked and counted (SEC-03)."""
        safe = redact(text)
        self.masked += safe.count
        return safe.text[:MAX_CELL]

    def amount(
        self, number: int, cells: list[object], key: str, *, negative: bool, blank_zero: bool = True
    ) -> int | None:
        """A row's amount in one column (empty is zero unless told), or None with the problem."""
        index = self.header.columns[key]
        value = cell(cells, index)
        return amount_in(
            self.problems,
            self.header,
            number,
            index,
            value,
            negative=negative,
            blank_zero=blank_zero,
        )

    def balance(self, number: int, value: int | None, kind: str, column: int) -> None:
        """An opening or closing balance row; each may appear once."""
        self.imported.append(number)
        if (self.opening if kind == "opening" else self.closing) is not None:
            self.problems.append(
                Problem(number, where(self.header, column), "imp.duplicate_balance")
            )
        elif kind == "opening":
            self.opening = value or 0
        else:
            self.closing = value or 0

    def check_total(self, number: int, label: str, key: str, stated: int, computed: int) -> None:
        """A 合计 row against its lines: noted when right, a problem with both figures when not."""
        if stated == computed:
            if (number, label) not in self.checked:
                self.checked.append((number, label))
            return
        figures = {"label": label, "stated": format_fen(stated), "computed": format_fen(computed)}
        column = where(self.header, self.header.columns[key])
        self.problems.append(Problem(number, column, "imp.total_differs", figures))

    def check_parent(self, parent: Item) -> None:
        """An item over others (一级科目) against the sum of its children, like 小计 (a blank
        one is a heading)."""
        if parent.stated is None:
            return
        label = words.without_number(parent.label)[:20]
        if parent.stated == parent.children_fen:
            self.checked.append((parent.number, label))
            return
        figures = {
            "label": label,
            "stated": format_fen(parent.stated),
            "computed": format_fen(parent.children_fen),
        }
        column = where(self.header, self.header.columns[parent.key])
        self.problems.append(Problem(parent.number, column, "imp.parent_differs", figures))


def filled_amounts(header: Header, cells: list[object]) -> list[str]:
    """The amount columns of a row that hold something."""
    return [
        key
        for key in AMOUNT_KEYS
        if key in header.columns and cell_text(cell(cells, header.columns[key])) not in NOTHING
    ]


def row_words(header: Header, cells: list[object]) -> list[str]:
    """The texts of a row outside its amount columns, left to right."""
    amounts = {header.columns[k] for k in AMOUNT_KEYS if k in header.columns}
    texts = (cell_text(value) for index, value in enumerate(cells) if index not in amounts)
    return [text for text in texts if text]


@dataclass(slots=True)
class Accounts:
    """The itemised or the summary layout read row by row into LedgerRows."""

    ledger: LedgerRows
    itemised: bool
    section: str | None = None
    done: bool = False  # past an appendix (附：…): nothing more is the ledger
    since_subtotal: dict[str, int] = field(default_factory=lambda: {"income": 0, "expense": 0})
    stated: list[tuple[int, str, str, int]] = field(default_factory=list)  # summary totals
    levels: Levels = field(default_factory=Levels)  # items nested under items
    side: str | None = None  # the one side a half of a 收支对照表 holds

    @property
    def header(self) -> Header:
        return self.ledger.header

    def read(self, number: int, cells: list[object]) -> None:
        """One spreadsheet row below the header."""
        texts = row_words(self.header, cells)
        filled = filled_amounts(self.header, cells)
        if self.done or (not texts and not filled):
            return
        if texts and words.is_footer(texts[0]):
            self.done = normal(texts[0]).startswith(("附:", "附表"))
            return
        for text in texts:
            key = words.label_key(text)
            if kind := words.balance_kind(key):
                self._close_levels()
                self._balance(number, cells, kind)
                return
            if kind := words.total_kind(key):
                self._close_levels()
                self._total(number, cells, text, key, kind)
                return
            if filled and not self.itemised and words.heading_section(key):
                self._close_levels()  # 一、收入 80,000: the side's heading with its total
                self._total(number, cells, text, key, "total")
                return
            if key.endswith("累计"):
                return  # a year-to-date row: its figures are not this period's lines
        if not filled:
            self._unfilled(number, cells, texts)
            return
        self._line(number, cells)

    def _unfilled(self, number: int, cells: list[object], texts: list[str]) -> None:
        """A row without amounts: a section heading (二、本期收入), a numbered item (zero in a
        summary, a missing amount in an itemised table), else a note passed over."""
        for text in texts:
            if section := words.heading_section(words.label_key(text)):
                self._close_levels()
                self.section = section
                return
        if self._numbered(cells):
            self._line(number, cells)

    def _numbered(self, cells: list[object]) -> bool:
        columns = self.header.columns
        if cell_text(cell(cells, columns.get("number"))).isdigit():
            return True
        label = cell_text(cell(cells, columns.get("account", columns.get("description"))))
        return words.is_numbered(label)

    def _balance(self, number: int, cells: list[object], kind: str) -> None:
        present = filled_amounts(self.header, cells)
        key = next((k for k in present if k != "ytd"), None)
        if key is None:
            key = "amount" if "amount" in self.header.columns else "income"
        value = self.ledger.amount(number, cells, key, negative=True)
        self.ledger.balance(number, value, kind, self.header.columns[key])

    def _total(self, number: int, cells: list[object], text: str, key: str, kind: str) -> None:
        label = words.without_number(text).split("=", 1)[0].strip()[:20]
        side = words.section_of(key) or self.side
        if not self.itemised:
            if side is None:
                return  # a 合计 naming neither side cannot be checked in a summary
            self.section = side
            stated = self.ledger.amount(number, cells, "amount", negative=False)
            if stated is not None and "amount" in filled_amounts(self.header, cells):
                self.stated.append((number, label, side, stated))
            return
        for section in ("income", "expense"):
            if side not in (None, section) or section not in filled_amounts(self.header, cells):
                continue
            stated = self.ledger.amount(number, cells, section, negative=False)
            scope = self.since_subtotal if kind == "subtotal" else self._sums()
            if stated is not None:
                self.ledger.check_total(number, label, section, stated, scope[section])
        if kind == "subtotal":
            self.since_subtotal = {"income": 0, "expense": 0}

    def _sums(self) -> dict[str, int]:
        sums = {"income": 0, "expense": 0}
        for row in self.ledger.rows:
            sums[row.section] += row.amount_fen
        return sums

    def _line(self, number: int, cells: list[object]) -> None:
        """A ledger line: its side from its amount column (itemised) or its heading (summary)."""
        section, fen = self._side_and_amount(number, cells)
        if section is None or fen is None:
            return
        columns = self.header.columns
        account = cell_text(cell(cells, columns.get("account")))
        description = cell_text(cell(cells, columns.get("description")))
        if "account" not in columns:
            account, description = description, ""
        if not self.itemised:
            account = words.without_number(account)
        if not account:
            column = where(self.header, columns.get("account", columns.get("description", 0)))
            self.ledger.problems.append(Problem(number, column, "imp.required"))
        ytd = None
        if "ytd" in columns and "ytd" in filled_amounts(self.header, cells):
            ytd = self.ledger.amount(number, cells, "ytd", negative=False)
        data = {
            "account": self.ledger.masked_text(account),
            "description": self.ledger.masked_text(description),
        }
        row = Row(len(self.ledger.rows) + 1, section, data, fen, ytd)
        self.ledger.rows.append(row)
        self.ledger.imported.append(number)
        self.since_subtotal[section] += fen
        self._place(number, cells, row)

    def _place(self, number: int, cells: list[object], row: Row) -> None:
        """Put a line in the hierarchy: the item it sits under stops being a line (its figure
        is then a subtotal, checked when its last child is read)."""
        columns = self.header.columns
        label_index = columns.get("account", columns.get("description"))
        raw = cell(cells, label_index)
        key = "amount" if not self.itemised else row.section
        blank = key not in filled_amounts(self.header, cells)
        level = cell_text(cell(cells, columns.get("level")))
        # Vouchers in an itemised table are never nested by their wording (摘要 "1. 办公用品"),
        # only by a level or code column.
        shaped = not self.itemised
        item = Item(
            number,
            cell_text(raw),
            key,
            None if blank else row.amount_fen,
            row,
            rank=rank(cell_text(raw)) if shaped else None,
            indent=indent(raw) if shaped else 0,
            level=int(level) if level.isdigit() else None,
            code=cell_text(cell(cells, columns.get("code"))),
        )
        if (parent := self.levels.add(item)) is not None and parent.row is not None:
            self.ledger.rows[:] = [r for r in self.ledger.rows if r is not parent.row]
            self.since_subtotal[parent.row.section] -= parent.row.amount_fen
        for closed in self.levels.finished():
            self.ledger.check_parent(closed)

    def _close_levels(self) -> None:
        for parent in self.levels.close_all():
            self.ledger.check_parent(parent)

    def _side_and_amount(self, number: int, cells: list[object]) -> tuple[str | None, int | None]:
        if not self.itemised:
            if self.section is None:
                self.ledger.problems.append(Problem(number, None, "imp.no_section"))
                return None, None
            return self.section, self.ledger.amount(number, cells, "amount", negative=False)
        income = self.ledger.amount(number, cells, "income", negative=False)
        expense = self.ledger.amount(number, cells, "expense", negative=False)
        if income is None or expense is None:
            return None, None
        if income and expense:
            self.ledger.problems.append(Problem(number, None, "imp.two_amounts"))
            return None, None
        if not income and not expense:
            column = where(self.header, self.header.columns["income"])
            self.ledger.problems.append(Problem(number, column, "imp.no_amount"))
            return None, None
        return ("income", income) if income else ("expense", expense)

    def finish(self) -> None:
        """Check the summary's 本期收入合计 and 本期支出合计 against their items; a side with a
        total and no items is imported as that one line."""
        self._close_levels()
        sums = self._sums()
        for number, label, side, stated in self.stated:
            if not any(r.section == side for r in self.ledger.rows):
                data = {"account": label, "description": ""}
                self.ledger.rows.append(Row(len(self.ledger.rows) + 1, side, data, stated, None))
                self.ledger.imported.append(number)
                continue
            self.ledger.check_total(number, label, "amount", stated, sums[side])
