"""The tables of a published disclosure as the public sees them: a finance ledger and a subsidy
list, every free-text value masked once more and beneficiaries' names masked (§6)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.masking import mask_name, mask_text
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure


@dataclass(frozen=True, slots=True)
class LedgerLine:
    account: str
    description: str
    amount_fen: int
    ytd_fen: int | None
    row_id: int | None = None  # the page's anchor and the line a question names


@dataclass(frozen=True, slots=True)
class Ledger:
    """A finance disclosure's table: opening, income and expense lines, totals, closing."""

    opening_fen: int
    income: tuple[LedgerLine, ...]
    expense: tuple[LedgerLine, ...]
    income_fen: int
    expense_fen: int
    closing_fen: int

    @property
    def computed_closing_fen(self) -> int:
        return self.opening_fen + self.income_fen - self.expense_fen

    @property
    def difference_fen(self) -> int:
        """Stated minus computed closing balance: 0 when the ledger balances."""
        return self.closing_fen - self.computed_closing_fen

    @property
    def balanced(self) -> bool:
        return self.difference_fen == 0


@dataclass(frozen=True, slots=True)
class Beneficiary:
    """One line of a subsidy list; `name` is always masked here (§6)."""

    n: int
    group: str
    name: str
    item: str
    quantity: str
    standard: str
    amount_fen: int
    paid: str
    note: str
    row_id: int | None = None


@dataclass(frozen=True, slots=True)
class SubsidyList:
    lines: tuple[Beneficiary, ...]
    total_fen: int


def public_text(value: object) -> str:
    """A stored free-text value as public text: a string, numbers masked (§6)."""
    if value is None:
        return ""
    return mask_text(str(value))


def ledger_of(d: Disclosure, rows: list[Row]) -> Ledger:
    def lines(section: str) -> tuple[LedgerLine, ...]:
        return tuple(
            LedgerLine(
                public_text(r.data.get("account", "")),
                public_text(r.data.get("description", "")),
                r.amount_fen,
                r.ytd_fen,
                r.id,
            )
            for r in rows
            if r.section == section
        )

    income, expense = lines("income"), lines("expense")
    return Ledger(
        d.opening_fen or 0,
        income,
        expense,
        sum(line.amount_fen for line in income),
        sum(line.amount_fen for line in expense),
        d.closing_fen or 0,
    )


def subsidy_of(rows: list[Row]) -> SubsidyList:
    lines = tuple(
        Beneficiary(
            n=r.position,
            group=public_text(r.data.get("group", "")),
            name=mask_name(str(r.data.get("head", "") or "")),
            item=public_text(r.data.get("item", "")),
            quantity=public_text(r.data.get("quantity", "")),
            standard=public_text(r.data.get("standard", "")),
            amount_fen=r.amount_fen,
            paid=public_text(r.data.get("paid", "")),
            note=public_text(r.data.get("note", "")),
            row_id=r.id,
        )
        for r in rows
        if r.section != "attachment"
    )
    return SubsidyList(lines, sum(line.amount_fen for line in lines))
