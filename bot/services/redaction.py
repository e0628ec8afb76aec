"""Text as it may be stored: personal numbers masked, and how many were (SEC-03, DESIGN §6)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.services.masking import mask_text

# Every mask format (ID ``35*****…123``, phone ``138****1234``, card ``**** 1234``) is one run
# of asterisks, so the runs masking adds count the numbers it hid.
_STARS = re.compile(r"\*+")


@dataclass(frozen=True, slots=True)
class Redacted:
    """Text with every ID, phone and card number masked; `count` says how many there were."""

    text: str
    count: int


def redact(text: str) -> Redacted:
    """Mask the personal numbers in `text` and count them."""
    masked = mask_text(text)
    if masked == text:
        return Redacted(text, 0)
    added = len(_STARS.findall(masked)) - len(_STARS.findall(text))
    return Redacted(masked, max(added, 1))
