"""Guided forms in progress (topic filing, answers, refusals…): one draft per person.

Progress lives here rather than in memory, so a restart in the middle of a form loses nothing
and every step is one transaction (DESIGN §7).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.times import from_text, to_text


@dataclass(frozen=True, slots=True)
class Draft:
    user_id: int
    kind: str
    topic_id: int | None
    step: str
    data: dict
    updated_at: datetime


def get(db: Database, user_id: int) -> Draft | None:
    row = db.execute(
        "SELECT user_id, kind, topic_id, step, data, updated_at FROM topic_drafts "
        "WHERE user_id = ?",
        [user_id],
    ).fetchone()
    if row is None:
        return None
    return Draft(row[0], row[1], row[2], row[3], json.loads(row[4]), from_text(row[5]))


def put(
    db: Database,
    user_id: int,
    kind: str,
    topic_id: int | None,
    step: str,
    data: dict,
    at: datetime,
) -> None:
    """Start or replace the person's draft."""
    db.execute(
        "INSERT INTO topic_drafts (user_id, kind, topic_id, step, data, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET kind = excluded.kind, "
        "topic_id = excluded.topic_id, step = excluded.step, data = excluded.data, "
        "updated_at = excluded.updated_at",
        [user_id, kind, topic_id, step, json.dumps(data, ensure_ascii=False), to_text(at)],
    )


def delete(db: Database, user_id: int) -> bool:
    cur = db.execute("DELETE FROM topic_drafts WHERE user_id = ?", [user_id])
    return cur.rowcount == 1


def exists(db: Database, user_id: int) -> bool:
    return (
        db.execute("SELECT 1 FROM topic_drafts WHERE user_id = ?", [user_id]).fetchone() is not None
    )
