"""Masking personal data by fixed rules (DESIGN §6, SEC-03, cn-practice §2.3).

Formats: ID card ``35*************123`` (first 2 + last 3), mobile ``138****1234`` (3 + 4),
bank / social-security card ``**** 1234`` (last 4 only). Names: ``张*三`` / ``张*``.
``mask_text`` finds such numbers anywhere in free text, so a file's cells are masked on import and
nothing unmasked is ever stored (the raw file is never kept).
"""

from __future__ import annotations

import re

__all__ = ["contains_sensitive", "mask_card", "mask_id", "mask_name", "mask_phone", "mask_text"]

# Order matters: an 18-character ID first, then long card numbers, then 11-digit mobiles.
_ID18 = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx])(?![0-9A-Za-z])"
)
_ID15 = re.compile(r"(?<!\d)([1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?!\d)")
# 16-19 digits, optionally written in groups of four with spaces or dashes.
_CARD = re.compile(r"(?<!\d)(\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?)(?!\d)")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
_LONG_DIGITS = re.compile(r"(?<!\d)\d{12,}(?!\d)")


def mask_id(number: str) -> str:
    """``350102199001011234`` → ``35*************234``: two first, three last characters."""
    return number[:2] + "*" * (len(number) - 5) + number[-3:]


def mask_phone(first: str, last: str) -> str:
    """``13812341234`` → ``138****1234``."""
    return f"{first}****{last}"


def mask_card(number: str) -> str:
    """Any card number → ``**** 1234`` (only the last four digits)."""
    digits = re.sub(r"\D", "", number)
    return f"**** {digits[-4:]}"


def mask_text(text: str) -> str:
    """Mask every ID, card and mobile number in a piece of text; other text is unchanged."""
    if not text or not any(c.isdigit() for c in text):
        return text
    out = _ID18.sub(lambda m: mask_id(m.group(1)), text)
    out = _ID15.sub(lambda m: mask_id(m.group(1)), out)
    out = _CARD.sub(lambda m: mask_card(m.group(1)), out)
    out = _PHONE.sub(lambda m: mask_phone(m.group(1), m.group(3)), out)
    # Anything else this long is an account number of some kind: keep the last four at most.
    return _LONG_DIGITS.sub(lambda m: mask_card(m.group(0)), out)


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
