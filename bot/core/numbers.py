"""Numbers as people type them into commands: `12`, `#12`, full-width `１２`.

Anything else — superscripts (`²`), signs, spaces inside, or a number too large to name a row
(`99999999999999999999`) — is not a number, so the command answers with its usage instead of
failing (SQLite keys stop at 2^63 − 1).
"""

from __future__ import annotations

LARGEST = 2**63 - 1
# Full-width digits and number sign, as Chinese input methods type them. Not NFKC: it would
# read a superscript ² as 2.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＃", "0123456789#")


def parse_number(text: str | None, *, largest: int = LARGEST) -> int | None:
    """The whole number typed, or None when the text is not one person-readable number."""
    if text is None:
        return None
    digits = text.translate(_FULL_WIDTH).strip().removeprefix("#")
    # isdecimal, not isdigit: '²'.isdigit() is true, yet int('²') fails.
    if not digits or not digits.isascii() or not digits.isdecimal():
        return None
    number = int(digits)
    return number if number <= largest else None
