"""Requests to extend a point-topic's deadline and their decisions (`topic_extensions`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import day_from_text, from_text, to_text


@dataclass(frozen=True, slots=True)
class Extension:
    id: int
    topic_id: int
    requested_by: int
    days: int
    reason: str
    requested_at: datetime
    status: str
    decided_by: int | None
    new_due_date: date | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """An extension request from a `topic_extensions` row read by column name."""
        return cls(
            **pick(cls, row)
            | {
                "requested_at": from_text(row["requested_at"]),
                "new_due_date": day_from_text(row["new_due_date"]),
            }
        )


def request_extension(
    db: Database, topic_id: int, user_id: int, days: int, reason: str, at: datetime
) -> int:
    """Store a pending request for more days; returns its id."""
    cur = db.execute(
        "INSERT INTO topic_extensions (topic_id, requested_by, days, reason, requested_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [topic_id, user_id, days, reason, to_text(at)],
    )
    return cur.lastrowid


def extension(db: Database, extension_id: int) -> Extension | None:
    """One request by id."""
    row = next(db.query("SELECT * FROM topic_extensions WHERE id = ?", [extension_id]), None)
    return Extension.from_row(row) if row else None


def extensions_of(db: Database, topic_id: int) -> list[Extension]:
    """Every request made on one topic, oldest first."""
    rows = db.query("SELECT * FROM topic_extensions WHERE topic_id = ? ORDER BY id", [topic_id])
    return [Extension.from_row(r) for r in rows]


def decide_extension(
    db: Database,
    extension_id: int,
    status: str,
    user_id: int,
    at: datetime,
    new_due_date: date | None,
) -> bool:
    """Approve or refuse a pending request; False when someone decided it first."""
    cur = db.execute(
        "UPDATE topic_extensions SET status = ?, decided_by = ?, decided_at = ?, new_due_date = ? "
        "WHERE id = ? AND status = 'pending'",
        [status, user_id, to_text(at), new_due_date and new_due_date.isoformat(), extension_id],
    )
    return cur.rowcount == 1
