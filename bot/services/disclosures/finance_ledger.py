"""A quarterly finance ledger read from a spreadsheet: opening and closing balance rows, income
and expense lines; totals rows are recomputed, never trusted."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.services.disclosures.sheet_columns import (
    FINANCE_COLUMNS,
    MAX_CELL,
    amount_in,
    cell,
    find_columns,
    normal,
    where,
)
from bot.services.disclosures.sheet_reading import ImportRejected, Problem, Table, cell_text
from bot.services.redaction import redact
from storage.disclosure_rows import Row

OPENING = ("期初余额", "上期结余", "季初结余", "期初", "opening")
CLOSING = ("期末余额", "本期结余", "季末结余", "期末", "closing")
INCOME = ("收入", "income")
EXPENSE = ("支出", "expense")
TOTALS = ("合计", "小计", "总计", "total")
HOSPITALITY = "招待"  # CAT-11: hospitality expected to be 0 at village level


@dataclass(frozen=True, slots=True)
class FinanceSheet:
    opening_fen: int
    closing_fen: int
    rows: list[Row]
    ignored_columns: list[str]
    masked: int = 0  # ID, phone and card numbers masked in the kept text

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


def _kind_of(text: str, words: tuple[str, ...]) -> bool:
    return text in {normal(w) for w in words}


@dataclass(slots=True)
class _LedgerReading:
    """The ledger gathered row by row, with every problem found on the way."""

    table: Table
    columns: dict[str, int]
    problems: list[Problem] = field(default_factory=list)
    opening: int | None = None
    closing: int | None = None
    rows: list[Row] = field(default_factory=list)
    masked: int = 0

    def read(self, number: int, cells: list[object]) -> None:
        """One spreadsheet row: a totals row (skipped), a balance row or a ledger line."""
        kind = normal(cell_text(cell(cells, self.columns["type"])))
        if any(kind.startswith(normal(t)) or kind.endswith(normal(t)) for t in TOTALS):
            return  # totals rows are recomputed by the bot, never trusted
        if _kind_of(kind, OPENING + CLOSING):
            self._balance(number, cells, is_opening=_kind_of(kind, OPENING))
        elif _kind_of(kind, INCOME):
            self._line(number, cells, "income")
        elif _kind_of(kind, EXPENSE):
            self._line(number, cells, "expense")
        else:
            where_ = where(self.table, self.columns["type"])
            self.problems.append(Problem(number, where_, "imp.bad_row_type", {"text": kind[:20]}))

    def _amount(self, number: int, cells: list[object], key: str, *, negative: bool) -> int | None:
        index = self.columns[key]
        value = cell(cells, index)
        return amount_in(self.problems, self.table, number, index, value, negative=negative)

    def _balance(self, number: int, cells: list[object], *, is_opening: bool) -> None:
        value = self._amount(number, cells, "amount", negative=True)
        if (is_opening and self.opening is not None) or (
            not is_opening and self.closing is not None
        ):
            where_ = where(self.table, self.columns["type"])
            self.problems.append(Problem(number, where_, "imp.duplicate_balance"))
        elif is_opening:
            self.opening = value if value is not None else 0
        else:
            self.closing = value if value is not None else 0

    def _line(self, number: int, cells: list[object], section: str) -> None:
        account = self._masked(cell_text(cell(cells, self.columns["account"])))[:MAX_CELL]
        description = self._masked(cell_text(cell(cells, self.columns.get("description"))))
        if not account:
            where_ = where(self.table, self.columns["account"])
            self.problems.append(Problem(number, where_, "imp.required"))
        fen = self._amount(number, cells, "amount", negative=False)
        ytd = None
        if "ytd" in self.columns and cell_text(cell(cells, self.columns["ytd"])):
            ytd = self._amount(number, cells, "ytd", negative=False)
        if fen is not None:
            data = {"account": account, "description": description[:MAX_CELL]}
            self.rows.append(Row(len(self.rows) + 1, section, data, fen, ytd))

    def _masked(self, text: str) -> str:
        """Text as stored: ID, phone and card numbers masked and counted (SEC-03)."""
        safe = redact(text)
        self.masked += safe.count
        return safe.text

    def sheet(self, ignored: list[str]) -> FinanceSheet:
        """The ledger read, or every problem at once."""
        if self.opening is None:
            self.problems.append(Problem(None, None, "imp.no_opening"))
        if self.closing is None:
            self.problems.append(Problem(None, None, "imp.no_closing"))
        if not self.rows and not self.problems:
            self.problems.append(Problem(None, None, "imp.no_lines"))
        if self.problems:
            raise ImportRejected(self.problems)
        assert self.opening is not None and self.closing is not None
        return FinanceSheet(self.opening, self.closing, self.rows, ignored, self.masked)


def parse_finance(table: Table) -> FinanceSheet:
    """A quarterly ledger: opening and closing balance rows, income and expense lines."""
    columns, ignored = find_columns(table, FINANCE_COLUMNS)
    reading = _LedgerReading(table, columns)
    for number, cells in table.rows:
        reading.read(number, cells)
    return reading.sheet(ignored)


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
