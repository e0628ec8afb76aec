"""The append-only audit trail (AUD-02): who changed what, when, with before and after."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import from_text, now_text


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: int
    at: datetime
    actor_id: int | None
    action: str
    subject: str
    village_code: str | None
    before: dict | None
    after: dict | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """An event from an `audit_events` row read by column name."""
        return cls(
            **pick(cls, row)
            | {
                "at": from_text(row["at"]),
                "before": json.loads(row["before"]) if row["before"] else None,
                "after": json.loads(row["after"]) if row["after"] else None,
            }
        )


def record(
    db: Database,
    actor_id: int | None,
    action: str,
    subject: str,
    *,
    village_code: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> int:
    """Append one event and return its id (the table's triggers refuse updates and deletes)."""
    cur = db.execute(
        "INSERT INTO audit_events (at, actor_id, action, subject, village_code, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            now_text(),
            actor_id,
            action,
            subject,
            village_code,
            None if before is None else json.dumps(before, ensure_ascii=False, default=str),
            None if after is None else json.dumps(after, ensure_ascii=False, default=str),
        ],
    )
    return cur.lastrowid


def for_subject(db: Database, subject: str) -> list[AuditEvent]:
    """The history of one thing, oldest first."""
    rows = db.query("SELECT * FROM audit_events WHERE subject = ? ORDER BY id", [subject])
    return [AuditEvent.from_row(r) for r in rows]


def recent(db: Database, limit: int = 50) -> list[str]:
    """The latest actions as 'action subject' strings, newest first (for status pages and tests)."""
    rows = db.query(
        "SELECT action || ' ' || subject AS line FROM audit_events ORDER BY id DESC LIMIT ?",
        [limit],
    )
    return [r["line"] for r in rows]
