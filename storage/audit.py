"""The append-only audit trail (AUD-02): who changed what, when, with before and after."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

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
    rows = db.execute(
        "SELECT id, at, actor_id, action, subject, village_code, before, after "
        "FROM audit_events WHERE subject = ? ORDER BY id",
        [subject],
    ).fetchall()
    return [
        AuditEvent(
            r[0],
            from_text(r[1]),
            r[2],
            r[3],
            r[4],
            r[5],
            json.loads(r[6]) if r[6] else None,
            json.loads(r[7]) if r[7] else None,
        )
        for r in rows
    ]


def recent(db: Database, limit: int = 50) -> list[str]:
    """The latest actions as 'action subject' strings, newest first (for status pages and tests)."""
    rows = db.execute(
        "SELECT action || ' ' || subject FROM audit_events ORDER BY id DESC LIMIT ?", [limit]
    ).fetchall()
    return [r[0] for r in rows]
