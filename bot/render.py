"""Small text helpers shared by everything that renders for Telegram."""

from __future__ import annotations

from collections.abc import Iterable

# Telegram allows 4096 UTF-16 units; leave room so markup and counting quirks never hit it.
MESSAGE_LIMIT = 3800


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def split_message(lines: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack lines into as few messages as fit Telegram's length limit, never splitting a line."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        length = utf16_len(line) + 1
        if current and size + length > limit:
            messages.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += length
    if current:
        messages.append("\n".join(current))
    return messages
