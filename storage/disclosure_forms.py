"""Guided disclosure forms in progress, one per person (`disclosure_forms`).

Progress is kept in the database, not in memory, so a restart mid-form loses nothing.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from storage.times import now_text


def form(db: Database, user_id: int) -> tuple[str, dict] | None:
    """The step and data of a person's form in progress."""
    row = next(
        db.query("SELECT step, data FROM disclosure_forms WHERE user_id = ?", [user_id]), None
    )
    return (row["step"], json.loads(row["data"])) if row else None


def set_form(db: Database, user_id: int, step: str, data: dict) -> None:
    """Save a person's form progress."""
    db.execute(
        "INSERT INTO disclosure_forms (user_id, step, data, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(user_id) DO UPDATE SET step = excluded.step, data = excluded.data, "
        "updated_at = excluded.updated_at",
        [user_id, step, json.dumps(data, ensure_ascii=False), now_text()],
    )


def clear_form(db: Database, user_id: int) -> bool:
    """Drop a person's form; True when there was one."""
    return db.execute("DELETE FROM disclosure_forms WHERE user_id = ?", [user_id]).rowcount == 1
