"""Keyset paging of newest-first listings: where a page stopped, and the condition for the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.times import to_text


@dataclass(frozen=True, slots=True)
class Position:
    """Where a newest-first listing stopped: the last entry's time and its id."""

    at: datetime
    id: int


def after(position: Position, time_column: str, id_column: str) -> tuple[str, list[object]]:
    """The WHERE condition (and its parameters) for entries older than a position."""
    stamp = to_text(position.at)
    condition = f"({time_column} < ? OR ({time_column} = ? AND {id_column} < ?))"
    return condition, [stamp, stamp, position.id]
