"""A beneficiary list (惠农补贴) read from a spreadsheet: the kept columns, masked (SEC-03)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.disclosures.sheet_columns import (
    MAX_CELL,
    SUBSIDY_COLUMNS,
    amount_in,
    cell,
    find_columns,
    where,
)
from bot.services.disclosures.sheet_reading import ImportRejected, Problem, Table, cell_text
from bot.services.redaction import redact
from storage.disclosure_rows import Row


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
    columns, ignored = find_columns(table, SUBSIDY_COLUMNS)
    problems: list[Problem] = []
    rows: list[Row] = []
    masked = 0
    for number, cells in table.rows:
        data: dict[str, str] = {}
        for column in SUBSIDY_COLUMNS:
            if column.key == "amount":
                continue
            # Masked before cut to size, so a cut cannot leave half a number unmasked.
            safe = redact(cell_text(cell(cells, columns.get(column.key))))
            masked += safe.count  # numbers, not cells: "已自动遮盖 N 处"
            data[column.key] = safe.text[:MAX_CELL]
        for key in ("head", "item"):
            if not data[key]:
                problems.append(Problem(number, where(table, columns[key]), "imp.required"))
        fen = amount_in(
            problems,
            table,
            number,
            columns["amount"],
            cell(cells, columns["amount"]),
            negative=False,
        )
        if fen is not None:
            rows.append(Row(len(rows) + 1, "subsidy", data, fen, None))
    if problems:
        raise ImportRejected(problems)
    return SubsidySheet(rows, masked, ignored)
