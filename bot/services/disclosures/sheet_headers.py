"""A header written in two rows: titles on top, merged over the columns they head ("金额" over
"本期" | "本年累计", "收入" over "科目" | "金额"), and the titles under them. Each column is read
as its top title and its bottom title together."""

from __future__ import annotations

import re

from bot.services.disclosures.sheet_reading import Merge, cell_text
from bot.services.money import AmountError, parse_amount

_REF = re.compile(r"([A-Z]+)(\d+):([A-Z]+)(\d+)")


def header_like(cells: list[object]) -> bool:
    """Whether a row could be a header: only words, no amount and no number in it."""
    texts = [cell_text(c) for c in cells]
    if not any(texts) or any(isinstance(c, int | float) for c in cells if c is not None):
        return False
    for text in texts:
        try:
            parse_amount(text, allow_negative=True)
        except AmountError:
            continue
        return False
    return True


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _spans(merged: tuple[Merge, ...], row: int) -> list[tuple[int, int]]:
    """The columns (first, last; 0-based) of each range merged across `row`."""
    spans = []
    for merge in merged:
        found = _REF.fullmatch(merge.ref)
        if found and merge.first_row <= row <= merge.last_row:
            first, last = _column(found.group(1)), _column(found.group(3))
            if last > first:
                spans.append((first, last))
    return spans


def top_titles(cells: list[object], below: list[object], merged: tuple[Merge, ...], row: int):
    """The top row's title over each column: a merged title over every column it spans; in a
    file without merges (CSV), a title over the blank cells to its right that have a title below."""
    width = max(len(cells), len(below))
    tops = [cell_text(cells[i]) if i < len(cells) else "" for i in range(width)]
    spans = _spans(merged, row)
    if spans:
        for first, last in spans:
            for index in range(first + 1, min(last + 1, width)):
                tops[index] = tops[first]
        return tops
    for index in range(1, width):
        under = cell_text(below[index]) if index < len(below) else ""
        if not tops[index] and under and tops[index - 1]:
            tops[index] = tops[index - 1]
    return tops


def combined(top: str, bottom: str) -> str:
    """A column's title as shown: ``金额/本期``, or the one title it has."""
    if top and bottom and top != bottom:
        return f"{top}/{bottom}"
    return top or bottom
