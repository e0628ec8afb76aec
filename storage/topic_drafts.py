"""Guided forms in progress (topic filing, answers, refusals…): one draft per person.

Progress lives here rather than in memory, so a restart in the middle of a form loses nothing
and every step is one transaction (DESIGN §7).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import from_text, to_text


@dataclass(frozen=True, slots=True)
class Draft:
    user_id: int
    kind: str
    topic_id: int | None
    step: str
    data: dict
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A draft from a `topic_drafts` row read by column name."""
        return cls(
            **pick(cls, row)
            | {"data": json.loads(row["data"]), "updated_at": from_text(row["updated_at"])}
        )


def get(db: Database, user_id: int) -> Draft | None:
    """A person's draft in progress, if any."""
    row = next(db.query("SELECT * FROM topic_drafts WHERE user_id = ?", [user_id]), None)
    return Draft.from_row(row) if row else None


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
