"""Money is integer fen (分) everywhere (DESIGN §3): parsing what accountants type, and display.

Accepted: ``1,234.50``, ``1234.5``, ``¥1,234.50``, ``1234.50元``, ``RMB 12``, full-width digits,
``(1,200.00)`` and ``-1,200.00`` where negatives are allowed, and in a ledger's amount columns an
empty cell or a dash for zero.
Refused with a reason (a catalogue key under ``money.``): empty, more than two decimals, commas
that are not thousands separators (``1,23`` could be 1.23 or 123), negative amounts where they are
not allowed, and anything that is not a number. Never a float: text goes through ``Decimal``.
An amount written in 千元 or 万元 (``unit`` 3 or 4, the power of ten) is scaled exactly: it may
carry as many more decimals as the unit has zeros, never a part of a fen.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = ["DASHES", "UNIT_NAMES", "AmountError", "format_fen", "parse_amount", "parse_cell"]

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


UNIT_NAMES = {0: "元", 3: "千元", 4: "万元"}  # the units ledgers are written in, by power of ten


def parse_amount(text: str, *, allow_negative: bool = False, unit: int = 0) -> int:
    """Parse an amount as written by people into integer fen: in yuan, or in 千元/万元 when
    ``unit`` (the power of ten) says so."""
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
    if not unit and "." in s and len(s.split(".", 1)[1]) > 2:
        # 1.234 may be a thousands separator (European style) or a third decimal: ambiguous.
        raise AmountError("ambiguous", raw)
    exact = Decimal(s).scaleb(unit + 2)  # moves the point only: no rounding, ever
    if exact != exact.to_integral_value():  # 1.2345678 万元 = 12,345.678 元: part of a fen
        raise AmountError("too_precise", f"{raw}{UNIT_NAMES[unit]}")
    fen = int(exact)
    if fen >= MAX_FEN:
        raise AmountError("too_large", raw)
    if negative and fen:
        if not allow_negative:
            raise AmountError("negative", raw)
        fen = -fen
    return fen


DASHES = frozenset({"-", "－", "—", "——", "–", "/"})  # what accountants write for "nothing"


def parse_cell(
    value: object, *, allow_negative: bool = False, blank_zero: bool = False, unit: int = 0
) -> int:
    """An amount from a spreadsheet cell: text as typed, or a number openpyxl read; in yuan,
    or in 千元/万元 when ``unit`` says so.

    With ``blank_zero`` an empty cell or a lone dash is zero, as in a ledger's amount columns.
    """
    if blank_zero and (value is None or str(value).strip() in DASHES | {""}):
        return 0
    if isinstance(value, bool):
        raise AmountError("invalid", str(value))
    if isinstance(value, int):
        return parse_amount(str(value), allow_negative=allow_negative, unit=unit)
    if isinstance(value, float):
        # repr() is the shortest text that reads back as the same float: 1234.5 -> "1234.5"
        try:
            exact = Decimal(repr(value))
        except InvalidOperation:
            raise AmountError("invalid", repr(value)) from None
        if not exact.is_finite():
            raise AmountError("invalid", repr(value))
        text = format(exact, "f")
        return parse_amount(text, allow_negative=allow_negative, unit=unit)
    if value is None:
        raise AmountError("empty", "")
    return parse_amount(str(value), allow_negative=allow_negative, unit=unit)


def format_fen(fen: int, *, sign: bool = False) -> str:
    """Fen as yuan for people: ``123450`` → ``1,234.50``; ``sign=True`` always shows + or −."""
    prefix = "-" if fen < 0 else ("+" if sign and fen > 0 else "")
    yuan, cents = divmod(abs(fen), 100)
    return f"{prefix}{yuan:,}.{cents:02d}"
