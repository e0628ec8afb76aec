"""Money is integer fen (分) everywhere (DESIGN §3): parsing what accountants type, and display.

Accepted: ``1,234.50``, ``1234.5``, ``¥1,234.50``, ``1234.50元``, ``RMB 12``, full-width digits,
``(1,200.00)`` and ``-1,200.00`` where negatives are allowed, and in a ledger's amount columns an
empty cell or a dash for zero.
Refused with a reason (a catalogue key under ``money.``): empty, more than two decimals, commas
that are not thousands separators (``1,23`` could be 1.23 or 123), negative amounts where they are
not allowed, and anything that is not a number. Never a float: text goes through ``Decimal``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = ["DASHES", "AmountError", "format_fen", "parse_amount", "parse_cell"]

_PREFIXES = ("人民币", "rmb", "cny", "¥", "￥")
_SUFFIXES = ("元整", "元", "rmb", "cny")
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
MAX_FEN = 10**15  # ten trillion yuan: anything larger is a typo, not a village ledger


class AmountError(ValueError):
    """Why an amount was refused: ``reason`` is a key under ``money.`` in the catalogues."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


def parse_amount(text: str, *, allow_negative: bool = False) -> int:
    """Parse an amount in yuan as written by people into integer fen."""
    raw = text
    s = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    s = s.replace("−", "-").replace("－", "-")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.startswith("-"):
        negative, s = True, s[1:]
    for prefix in _PREFIXES:
        if s.startswith(prefix):
            s = s[len(prefix) :]
            break
    if s.startswith("-"):  # ¥-12
        negative, s = True, s[1:]
    for suffix in _SUFFIXES:
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    if not s:
        raise AmountError("empty", raw)
    if "," in s:
        if not _GROUPED.fullmatch(s):
            raise AmountError("ambiguous", raw)
        s = s.replace(",", "")
    if not _PLAIN.fullmatch(s):
        raise AmountError("invalid", raw)
    if "." in s and len(s.split(".", 1)[1]) > 2:
        # 1.234 may be a thousands separator (European style) or a third decimal: ambiguous.
        raise AmountError("ambiguous", raw)
    fen = int(Decimal(s) * 100)
    if fen >= MAX_FEN:
        raise AmountError("too_large", raw)
    if negative and fen:
        if not allow_negative:
            raise AmountError("negative", raw)
        fen = -fen
    return fen


DASHES = frozenset({"-", "－", "—", "——", "–", "/"})  # what accountants write for "nothing"


def parse_cell(value: object, *, allow_negative: bool = False, blank_zero: bool = False) -> int:
    """An amount from a spreadsheet cell: text as typed, or a number openpyxl read.

    With ``blank_zero`` an empty cell or a lone dash is zero, as in a ledger's amount columns.
    """
    if blank_zero and (value is None or str(value).strip() in DASHES | {""}):
        return 0
    if isinstance(value, bool):
        raise AmountError("invalid", str(value))
    if isinstance(value, int):
        return parse_amount(str(value), allow_negative=allow_negative)
    if isinstance(value, float):
        # repr() is the shortest text that reads back as the same float: 1234.5 -> "1234.5"
        try:
            exact = Decimal(repr(value))
        except InvalidOperation:
            raise AmountError("invalid", repr(value)) from None
        if not exact.is_finite():
            raise AmountError("invalid", repr(value))
        text = format(exact, "f")
        return parse_amount(text, allow_negative=allow_negative)
    if value is None:
        raise AmountError("empty", "")
    return parse_amount(str(value), allow_negative=allow_negative)


def format_fen(fen: int, *, sign: bool = False) -> str:
    """Fen as yuan for people: ``123450`` → ``1,234.50``; ``sign=True`` always shows + or −."""
    prefix = "-" if fen < 0 else ("+" if sign and fen > 0 else "")
    yuan, cents = divmod(abs(fen), 100)
    return f"{prefix}{yuan:,}.{cents:02d}"
