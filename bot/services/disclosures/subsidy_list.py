"""A beneficiary list (惠农补贴, 低保) read from a spreadsheet: the kept columns, masked (SEC-03).

Title rows above the header, a 序号 column, a 合计 row (checked against the lines, not imported)
and the signatures under the table are read as accountants write them (cn-practice §3.3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.services.disclosures import ledger_labels as words
from bot.services.disclosures.household_names import group_key
from bot.services.disclosures.sheet_columns import (
    MAX_CELL,
    SUBSIDY_COLUMNS,
    SUBSIDY_EXTRA_COLUMNS,
    Header,
    amount_in,
    cell,
    data_rows,
    find_header,
    header_reading,
    missing_columns,
    where,
)
from bot.services.disclosures.sheet_reading import ImportRejected, Problem, Table, cell_text
from bot.services.money import format_fen
from bot.services.redaction import redact
from storage.disclosure_rows import Row

_GROUP = r"第?[0-9０-９一二两三四五六七八九十]{1,4}(?:村民小组|村民组|小组|组|生产队|队|社)"
# The group written in the 户主 cell: "三组 王秀英", "王秀英（3组）", "王秀英 第三村民小组".
_HEAD_WITH_GROUP = (
    re.compile(rf"^(?P<group>{_GROUP})[\s:：、]*(?P<name>\S.*)$"),
    re.compile(rf"^(?P<name>.*\S)\s*[(（]\s*(?P<group>{_GROUP})\s*[)）]$"),
    re.compile(rf"^(?P<name>.*\S)\s+(?P<group>{_GROUP})$"),
)


def split_head(text: str) -> tuple[str, str]:
    """A 户主 cell as (name, group): the group when written with the name, else ""."""
    for pattern in _HEAD_WITH_GROUP:
        if found := pattern.match(text.strip()):
            return found["name"].strip(), found["group"]
    return text, ""


@dataclass(frozen=True, slots=True)
class SubsidySheet:
    rows: list[Row]
    masked: int
    ignored_columns: list[str]
    reading: dict = field(default_factory=dict)  # how the file was read, when it was guessed

    @property
    def total_fen(self) -> int:
        return sum(r.amount_fen for r in self.rows)


def parse_subsidy(table: Table) -> SubsidySheet:
    """A beneficiary list; ID, phone and card numbers in any kept cell are masked here (SEC-03).

    Columns the bot does not know (ID number, bank card, address, reasons…) are not kept at all.
    """
    header = find_header(table, SUBSIDY_COLUMNS + SUBSIDY_EXTRA_COLUMNS)
    missing = [c.key for c in SUBSIDY_COLUMNS if c.required and c.key not in header.columns]
    if missing:
        raise ImportRejected([missing_columns(header, missing, SUBSIDY_COLUMNS)])
    reading = _Beneficiaries(header)
    for number, cells in data_rows(table, header):
        reading.read(number, cells)
    problems = [*table.problems, *reading.problems] + [
        Problem(None, None, "imp.merged", {"cells": m.ref})
        for m in table.merged
        if any(r in reading.imported for r in range(m.first_row, m.last_row + 1))
    ]
    if problems:
        raise ImportRejected(problems)
    return SubsidySheet(reading.rows, reading.masked, header.ignored, reading.summary())


@dataclass(slots=True)
class _Beneficiaries:
    """A beneficiary list gathered row by row, with every problem found on the way."""

    header: Header
    problems: list[Problem] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    imported: set[int] = field(default_factory=set)
    checked: list[tuple[int, str]] = field(default_factory=list)
    masked: int = 0
    split: int = 0  # 户主 cells that also held the group

    def read(self, number: int, cells: list[object]) -> None:
        """One row below the header: a totals row (checked), a footer (passed over) or a line."""
        texts = [cell_text(c) for c in cells if cell_text(c)]
        if not texts or words.is_footer(texts[0]):
            return
        amount_cell = cell(cells, self.header.columns["amount"])
        for text in texts:
            if words.total_kind(words.label_key(text)):
                self._total(number, text, amount_cell)
                return
        if not cell_text(amount_cell) and not cell_text(cell(cells, self.header.columns["head"])):
            return  # a remark under the table (公示期：…), neither a name nor an amount
        self._line(number, cells, amount_cell)

    def _total(self, number: int, text: str, value: object) -> None:
        if not cell_text(value):
            return
        index = self.header.columns["amount"]
        stated = amount_in(self.problems, self.header, number, index, value, negative=False)
        computed = sum(r.amount_fen for r in self.rows)
        label = words.without_number(text)[:20]
        if stated is None:
            return
        if stated == computed:
            self.checked.append((number, label))
            return
        figures = {"label": label, "stated": format_fen(stated), "computed": format_fen(computed)}
        self.problems.append(
            Problem(number, where(self.header, index), "imp.total_differs", figures)
        )

    def _line(self, number: int, cells: list[object], amount_cell: object) -> None:
        data: dict[str, str] = {}
        for column in SUBSIDY_COLUMNS:
            if column.key == "amount":
                continue
            # Masked before cut to size, so a cut cannot leave half a number unmasked.
            safe = redact(cell_text(cell(cells, self.header.columns.get(column.key))))
            self.masked += safe.count  # numbers, not cells: "已自动遮盖 N 处"
            data[column.key] = safe.text[:MAX_CELL]
        self._group_from_head(number, data)
        for key in ("head", "item"):
            if not data[key]:
                self.problems.append(
                    Problem(number, where(self.header, self.header.columns[key]), "imp.required")
                )
        index = self.header.columns["amount"]
        fen = amount_in(self.problems, self.header, number, index, amount_cell, negative=False)
        self.imported.add(number)
        if fen is not None:
            self.rows.append(Row(len(self.rows) + 1, "subsidy", data, fen, None))

    def _group_from_head(self, number: int, data: dict[str, str]) -> None:
        """Split "三组 王秀英" into name and group: look-ups match a household by both (issue 13
        §5); a group that disagrees with the 村民小组 column is refused."""
        name, group = split_head(data["head"])
        if not group:
            return
        self.split += 1
        if data["group"] and group_key(data["group"]) != group_key(group):
            figures = {"head": data["head"][:40], "group": data["group"][:20]}
            column = where(self.header, self.header.columns["head"])
            self.problems.append(Problem(number, column, "imp.group_differs", figures))
        data["head"], data["group"] = name, data["group"] or group

    def summary(self) -> dict:
        """How the file was read, when anything had to be guessed (issue §1)."""
        said = header_reading(self.header)
        if self.header.first and not self.checked and not said and not self.split:
            return {}
        reading = {
            "header": self.header.row,
            "columns": [[self.header.title("amount"), "amount"]],
            "checked": [[number, label] for number, label in self.checked],
        }
        return reading | said | ({"groups": self.split} if self.split else {})
