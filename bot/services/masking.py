"""Masking personal data by fixed rules (DESIGN §6, SEC-03, cn-practice §2.3).

Formats: ID card ``35*************123`` (first 2 + last 3), mobile ``138****1234`` (3 + 4),
bank / social-security card ``**** 1234`` (last 4 only). Names: ``张*三`` / ``张*``.
``mask_text`` finds such numbers anywhere in free text, in any spelling (full-width digits,
full-width spaces, dots or dashes between groups), so a file's cells are masked on import and
nothing unmasked is ever stored (the raw file is never kept).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["contains_sensitive", "mask_card", "mask_id", "mask_name", "mask_phone", "mask_text"]

_ID18 = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]")
_ID15 = re.compile(r"[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}")
_PHONE = re.compile(r"(?:86)?(1[3-9]\d)(\d{4})(\d{4})")
# What may stand between the digit groups of one number, once normalised (see _fold).
_SEPARATORS = frozenset(" -.")
_CONTINUES = re.compile(r"[ .-]{1,2}\d")
# A contiguous run this long that is no known number is an account number of some kind.
LONG_DIGITS = 12
# No personal number has more digits than this (a 19-digit card after a +86-style prefix).
_MAX_DIGITS = 21
# Texts whose masked form is remembered: the pages mask what they show at every request (stored
# text from before masking at import included), and a county's search hits are the same few
# hundred texts again and again; the count bounds the memory (a text is a few kilobytes).
MASKED_KEPT = 2048


def mask_id(number: str) -> str:
    """``350102199001011234`` → ``35*************234``: two first, three last characters."""
    return number[:2] + "*" * (len(number) - 5) + number[-3:]


def mask_phone(first: str, last: str) -> str:
    """``13812341234`` → ``138****1234``."""
    return f"{first}****{last}"


def mask_card(number: str) -> str:
    """Any card number → ``**** 1234`` (only the last four digits)."""
    digits = re.sub(r"\D", "", _fold(number))
    return f"**** {digits[-4:]}"


@lru_cache(maxsize=MASKED_KEPT)
def mask_text(text: str) -> str:
    """Mask every ID, card and mobile number in a piece of text; other text is unchanged."""
    if not text or not any(c.isdigit() for c in text):
        return text
    folded = _fold(text)
    out: list[str] = []
    at = 0
    for start, end, masked in _findings(folded):
        out.append(text[at:start])
        out.append(masked)
        at = end
    out.append(text[at:])
    return "".join(out)


def contains_sensitive(text: str) -> bool:
    """Whether masking would change the text (an unmasked number is present)."""
    return mask_text(text) != text


def mask_name(name: str) -> str:
    """Beneficiary names outside the office and verified residents' private chats: 张*三, 张*."""
    name = name.strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# -- detection on a folded copy ---------------------------------------------------------------


def _fold(text: str) -> str:
    """The text with each character normalised on its own, so positions stay those of the text.

    NFKC turns full-width digits, spaces, dots and dashes into ASCII; every other decimal digit
    becomes its ASCII value, every space a blank and every dash a hyphen.
    """
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    if char.isascii():
        return char.upper() if char == "x" else char
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    if char.isspace():
        return " "
    if unicodedata.category(char) == "Pd":
        return "-"
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1 and folded.isascii():
        return folded.upper() if folded == "x" else folded
    return char


@dataclass(frozen=True, slots=True)
class _Group:
    """Digits standing together in the folded text."""

    start: int
    end: int
    digits: str


# Digit groups, with an ID's check letter kept on the group it ends and a "+" on the one it starts.
_GROUP = re.compile(r"\+?\d+X?")


def _runs(folded: str) -> Iterator[list[_Group]]:
    """Digit groups joined by one separator each (two for blanks), as one possible number."""
    run: list[_Group] = []
    dotted = False  # a dot already joined this run's groups: more dots are separators too
    for match in _GROUP.finditer(folded):
        group = _Group(match.start(), match.end(), match.group().lstrip("+"))
        if run and not _joined(folded, run[-1], group, dotted):
            yield run
            run, dotted = [], False
        if run:
            dotted = dotted or "." in folded[run[-1].end : group.start]
        run.append(group)
    if run:
        yield run


def _joined(folded: str, before: _Group, after: _Group, dotted: bool) -> bool:
    between = folded[before.end : after.start]
    if before.digits.endswith("X") or not between or len(between) > 2:
        return False
    if set(between) - _SEPARATORS or (len(between) == 2 and between != "  "):
        return False
    # "1,200.00" or "138000000.50": a lone dot before one or two digits that end the number is
    # a decimal point; "138.1 2345678" goes on, so it is one number cut in an odd place.
    if "." in between and len(after.digits) < 3 and not dotted:
        return _CONTINUES.match(folded, after.end) is not None
    return True


def _findings(folded: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, replacement) of each personal number, in order."""
    for run in _runs(folded):
        i = 0
        while i < len(run):
            found = _longest_number(run, i)
            if found is None:
                group = run[i]
                if len(group.digits) >= LONG_DIGITS and group.digits.isdigit():
                    yield group.start, group.end, mask_card(group.digits)
                i += 1
                continue
            j, masked = found
            yield run[i].start, run[j].end, masked
            i = j + 1


def _longest_number(run: list[_Group], i: int) -> tuple[int, str] | None:
    """The longest stretch of groups from i that spells a personal number, and its mask."""
    best: tuple[int, str] | None = None
    digits = ""
    for j in range(i, len(run)):
        digits += run[j].digits
        if len(digits) > _MAX_DIGITS:
            break
        masked = _classify(digits, [len(g.digits) for g in run[i : j + 1]])
        if masked is not None:
            best = (j, masked)
    return best


def _classify(digits: str, sizes: list[int]) -> str | None:
    """The mask of a number spelt by these digits, or None when it is no personal number."""
    # Written in groups of four (6222 0202 … 123) it is a card, even when the digits could also
    # read as an ID number; an ID is written whole, as 6-8-4, or cut anywhere else.
    card_groups = len(sizes) > 2 and all(size == 4 for size in sizes[:-1]) and sizes[-1] <= 4
    if (_ID18.fullmatch(digits) or _ID15.fullmatch(digits)) and not card_groups:
        return mask_id(digits)
    if "X" in digits:
        return None
    phone = _PHONE.fullmatch(digits)
    if phone:
        return mask_phone(phone.group(1), phone.group(3))
    # A card: 16-19 digits, in one piece or in groups of (at least) four.
    if 16 <= len(digits) <= 19 and all(size >= 4 for size in sizes[:-1]):
        return mask_card(digits)
    return None
