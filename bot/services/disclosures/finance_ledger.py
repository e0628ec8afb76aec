"""A quarterly finance ledger read from a spreadsheet: the bot's own template (a 类型 column) or
the tables accountants keep (``ledger_layouts``); opening and closing balances, income and
expense lines; totals rows are checked or recomputed, never imported."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.services.disclosures import ledger_labels as words
from bot.services.disclosures.ledger_layouts import Accounts, LedgerRows
from bot.services.disclosures.ledger_sides import SideBySide, halves
from bot.services.disclosures.sheet_columns import (
    FINANCE_COLUMNS,
    LEDGER_EXTRA_COLUMNS,
    Header,
    cell,
    data_rows,
    find_header,
    header_reading,
    missing_columns,
    normal,
    where,
)
from bot.services.disclosures.sheet_reading import ImportRejected, Problem, Table, cell_text
from storage.disclosure_rows import Row

INCOME = ("收入", "income")
EXPENSE = ("支出", "expense")
TOTALS = ("合计", "小计", "总计", "total")
HOSPITALITY = "招待"  # CAT-11: hospitality expected to be 0 at village level
LEDGER_COLUMNS = FINANCE_COLUMNS + LEDGER_EXTRA_COLUMNS
ROLE_KEYS = ("income", "expense", "amount", "balance", "ytd")  # named in the reading line


@dataclass(frozen=True, slots=True)
class FinanceSheet:
    opening_fen: int
    closing_fen: int
    rows: list[Row]
    ignored_columns: list[str]
    masked: int = 0  # ID, phone and card numbers masked in the kept text
    reading: dict = field(default_factory=dict)  # how the file was read, when it was guessed

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


def _kind_of(text: str, words_: tuple[str, ...]) -> bool:
    return text in {normal(w) for w in words_}


@dataclass(slots=True)
class _Template:
    """The bot's own template read row by row: the 类型 column says what each row is."""

    ledger: LedgerRows

    def read(self, number: int, cells: list[object]) -> None:
        """One spreadsheet row: a totals row (skipped), a balance row or a ledger line."""
        header = self.ledger.header
        kind = normal(cell_text(cell(cells, header.columns["type"])))
        if any(kind.startswith(normal(t)) or kind.endswith(normal(t)) for t in TOTALS):
            return  # totals rows are recomputed by the bot, never trusted
        if balance := words.balance_kind(kind):
            value = self.ledger.amount(number, cells, "amount", negative=True, blank_zero=False)
            self.ledger.balance(number, value, balance, header.columns["type"])
        elif _kind_of(kind, INCOME):
            self._line(number, cells, "income")
        elif _kind_of(kind, EXPENSE):
            self._line(number, cells, "expense")
        else:
            where_ = where(header, header.columns["type"])
            self.ledger.problems.append(
                Problem(number, where_, "imp.bad_row_type", {"text": kind[:20]})
            )

    def _line(self, number: int, cells: list[object], section: str) -> None:
        ledger, columns = self.ledger, self.ledger.header.columns
        account = ledger.masked_text(cell_text(cell(cells, columns["account"])))
        description = ledger.masked_text(cell_text(cell(cells, columns.get("description"))))
        if not account:
            where_ = where(ledger.header, columns["account"])
            ledger.problems.append(Problem(number, where_, "imp.required"))
        fen = ledger.amount(number, cells, "amount", negative=False, blank_zero=False)
        ytd = None
        if "ytd" in columns and cell_text(cell(cells, columns["ytd"])):
            ytd = ledger.amount(number, cells, "ytd", negative=False, blank_zero=False)
        ledger.imported.append(number)
        if fen is not None:
            data = {"account": account, "description": description}
            ledger.rows.append(Row(len(ledger.rows) + 1, section, data, fen, ytd))


def parse_finance(table: Table) -> FinanceSheet:
    """A quarterly ledger in any layout the bot knows, or every problem at once."""
    header = find_header(table, LEDGER_COLUMNS)
    ledger = LedgerRows(header)
    reader = _reader(header, ledger)
    for number, cells in data_rows(table, header):
        reader.read(number, cells)
    if not isinstance(reader, _Template):
        reader.finish()
    problems = [*table.problems, *ledger.problems, *_merged_on_rows(table, ledger.imported)]
    if ledger.opening is None:
        problems.append(Problem(None, None, "imp.no_opening"))
    if ledger.closing is None:
        problems.append(Problem(None, None, "imp.no_closing"))
    if not ledger.rows and not problems:
        problems.append(Problem(None, None, "imp.no_lines"))
    if problems:
        raise ImportRejected(problems)
    assert ledger.opening is not None and ledger.closing is not None
    plain = isinstance(reader, _Template) and header.first and not header.unit()
    reading = {} if plain else _reading(header, ledger, reader)
    ignored = reader.ignored() if isinstance(reader, SideBySide) else header.ignored
    # Parents (一级科目) left the list once their children showed: number the lines again.
    rows = [replace(r, position=i) for i, r in enumerate(ledger.rows, 1)]
    return FinanceSheet(ledger.opening, ledger.closing, rows, ignored, ledger.masked, reading)


def _reader(header: Header, ledger: LedgerRows) -> _Template | Accounts | SideBySide:
    """The layout the header shows: the template (类型), income and expense side by side under a
    two-row header, the itemised table (收入 and 支出 columns) or the summary table (项目 and
    本季金额), else the columns missing named."""
    if sides := halves(header):
        return SideBySide(ledger, sides)
    columns = header.columns
    labelled = "account" in columns or "description" in columns
    if "type" in columns and "account" in columns and "amount" in columns:
        return _Template(ledger)
    if "income" in columns and "expense" in columns and labelled:
        return Accounts(ledger, itemised=True)
    if "amount" in columns and labelled and "type" not in columns:
        return Accounts(ledger, itemised=False)
    missing = [c.key for c in FINANCE_COLUMNS if c.required and c.key not in columns]
    raise ImportRejected([missing_columns(header, missing or ["type"], FINANCE_COLUMNS)])


def _merged_on_rows(table: Table, imported: list[int]) -> list[Problem]:
    """Merged cells are fine in titles, totals and footers, never on a row read as data."""
    rows = set(imported)
    return [
        Problem(None, None, "imp.merged", {"cells": m.ref})
        for m in table.merged
        if any(r in rows for r in range(m.first_row, m.last_row + 1))
    ]


def _reading(header: Header, ledger: LedgerRows, reader: object) -> dict:
    """How the file was read, for the official to confirm (issue §1): the header's row, the
    amount columns and what they were taken for, the totals rows found right."""
    reading = {
        "header": header.row,
        "columns": reader.columns()
        if isinstance(reader, SideBySide)
        else [[header.title(k), k] for k in ROLE_KEYS if k in header.columns],
        "checked": [
            [number, label] for number, label in sorted(ledger.checked, key=lambda c: c[0])
        ],
    }
    return reading | header_reading(header)


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
