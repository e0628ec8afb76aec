"""Pages of a long listing and the opaque cursors that fetch the next one (§8: web and API).

A cursor is the URL-safe base64 of ``|``-joined parts; it is opaque to clients and checked on the
way in, so anything not handed out here is a `BadCursor`, never a crash or a different page.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from storage.times import from_text, to_text

CURSOR_MAX = 100
_ID_DIGITS = 12

T = TypeVar("T")


class BadCursor(ValueError):
    """A cursor that was not handed out here."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing and the cursor of the next (None on the last page)."""

    items: tuple[T, ...]
    next_cursor: str | None

    @classmethod
    def of(cls, found: Sequence[T], limit: int, cursor_of: Callable[[T], str]) -> Page[T]:
        """The first ``limit`` of up to ``limit + 1`` items fetched; the one beyond tells that
        another page follows, whose cursor is that of this page's last item."""
        items = tuple(found[:limit])
        more = len(found) > limit and items
        return cls(items, cursor_of(items[-1]) if more else None)


def encode_cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode("|".join(parts).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, count: int) -> list[str]:
    """The ``count`` parts a cursor was made of; BadCursor for anything else."""
    if not cursor or len(cursor) > CURSOR_MAX:
        raise BadCursor(cursor)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc
    parts = raw.split("|", count - 1)
    if len(parts) != count:
        raise BadCursor(cursor)
    return parts


def encode_keyset(at: datetime, ident: int, *, tag: str | None = None) -> str:
    """The cursor of a newest-first listing that stopped at (time, id)."""
    parts = (to_text(at), str(ident))
    return encode_cursor(*((tag, *parts) if tag else parts))


def decode_keyset(cursor: str, *, tag: str | None = None) -> tuple[datetime, int]:
    """(time, id) of a cursor made by `encode_keyset` with the same tag; BadCursor otherwise."""
    parts = decode_cursor(cursor, 3 if tag else 2)
    if tag and parts.pop(0) != tag:
        raise BadCursor(cursor)
    stamp, ident = parts
    try:
        moment = from_text(stamp)
    except ValueError as exc:
        raise BadCursor(cursor) from exc
    if moment is None or moment.tzinfo is None:
        raise BadCursor(cursor)
    if not ident.isascii() or not ident.isdigit() or len(ident) > _ID_DIGITS:
        raise BadCursor(cursor)
    return moment, int(ident)
