"""Items nested under items (一级科目 / 二级科目): "一、经营收入" over "1. 发包收入" over
"（1）鱼塘承包", an indented name, a level column or account codes (501 over 501001).

The detail lines are kept; a parent with an amount is a subtotal of its children, checked like
小计 and never counted twice; a parent left blank is a heading; a parent without children stays
a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.services.disclosures.sheet_columns import normal
from storage.disclosure_rows import Row

# Ranks of the usual numbering, outermost first: 一、 (一) 1. (1) ①.
_RANKS = (
    re.compile(r"^[一二三四五六七八九十]+[、.]"),
    re.compile(r"^\([一二三四五六七八九十]+\)"),
    re.compile(r"^\d+[、.]"),
    re.compile(r"^\(\d+\)|^\d+\)"),
    re.compile(r"^[①-⑳]"),
)
_INDENT = {" ": 1, "\u3000": 2, "\t": 4}  # a full-width space is two narrow ones


def rank(label: str) -> int | None:
    """How deep a label's numbering sits (``一、`` 1 … ``①`` 5), else None."""
    key = normal(label)
    return next((i + 1 for i, r in enumerate(_RANKS) if r.match(key)), None)


def indent(raw: object) -> int:
    """The blanks a label is indented by, as written in its cell."""
    text = raw if isinstance(raw, str) else ""
    width = 0
    for char in text:
        if char not in _INDENT:
            break
        width += _INDENT[char]
    return width


@dataclass(slots=True)
class Item:
    """One ledger line as the hierarchy sees it."""

    number: int  # spreadsheet row
    label: str
    key: str  # the amount column its figure stands in
    stated: int | None  # None: the amount was left blank
    row: Row | None
    rank: int | None = None
    indent: int = 0
    level: int | None = None  # from a level column
    code: str = ""  # from an account code column
    children: int = 0
    children_fen: int = 0
    parent: Item | None = None

    def holds(self, other: Item) -> bool:
        """Whether `other` sits under this item."""
        if self.level is not None and other.level is not None:
            return other.level > self.level
        if self.code and other.code:
            return other.code.startswith(self.code) and len(other.code) > len(self.code)
        if other.indent != self.indent:
            return other.indent > self.indent
        return self.rank is not None and other.rank is not None and other.rank > self.rank

    @property
    def value(self) -> int:
        """Its figure: as stated, or the sum of its children when left blank."""
        return self.stated if self.stated is not None else self.children_fen


@dataclass(slots=True)
class Levels:
    """The open items, outermost first; closing an item checks it against its children."""

    open: list[Item] = field(default_factory=list)
    closed: list[Item] = field(default_factory=list)  # parents, checked by the caller

    def add(self, item: Item) -> Item | None:
        """Place a line under the item holding it; the parent it makes of that item, if new."""
        while self.open and not self.open[-1].holds(item):
            self._close(self.open.pop())
        parent = self.open[-1] if self.open else None
        item.parent = parent
        self.open.append(item)
        if parent is None:
            return None
        parent.children += 1
        return parent if parent.children == 1 else None

    def close_all(self) -> list[Item]:
        """Close every open item (a heading, a total or the end); the parents among them."""
        while self.open:
            self._close(self.open.pop())
        return self.finished()

    def finished(self) -> list[Item]:
        """The parents closed since last asked, each to be checked once."""
        parents, self.closed = self.closed, []
        return parents

    def _close(self, item: Item) -> None:
        if item.parent is not None:
            item.parent.children_fen += item.value
        if item.children:
            self.closed.append(item)
