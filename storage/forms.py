"""Guided forms in progress (filing a topic, drafting a disclosure, answering, refusing…).

One form per person and wing (``topics``, ``disclosures``). Progress lives here rather than in
memory, so a restart in the middle of a form loses nothing and every step is one transaction
(DESIGN §7).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.times import from_text, to_text


@dataclass(frozen=True, slots=True)
class Form:
    user_id: int
    wing: str
    kind: str
    subject_id: int | None  # the topic or disclosure the form works on, if any
    step: str
    data: dict
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Form:
        return cls(
            row["user_id"],
            row["wing"],
            row["kind"],
            row["subject_id"],
            row["step"],
            json.loads(row["data"]),
            from_text(row["updated_at"]),
        )


def get(db: Database, user_id: int, wing: str) -> Form | None:
    """The person's form in progress in one wing."""
    rows = db.query(
        "SELECT * FROM forms WHERE user_id = :user_id AND wing = :wing",
        {"user_id": user_id, "wing": wing},
    )
    row = next(rows, None)
    return None if row is None else Form.from_row(row)


def put(
    db: Database,
    user_id: int,
    wing: str,
    kind: str,
    step: str,
    data: dict,
    at: datetime,
    *,
    subject_id: int | None = None,
) -> None:
    """Start or replace the person's form in one wing."""
    db.execute(
        "INSERT INTO forms (user_id, wing, kind, subject_id, step, data, updated_at) "
        "VALUES (:user_id, :wing, :kind, :subject_id, :step, :data, :at) "
        "ON CONFLICT(user_id, wing) DO UPDATE SET kind = excluded.kind, "
        "subject_id = excluded.subject_id, step = excluded.step, data = excluded.data, "
        "updated_at = excluded.updated_at",
        {
            "user_id": user_id,
            "wing": wing,
            "kind": kind,
            "subject_id": subject_id,
            "step": step,
            "data": json.dumps(data, ensure_ascii=False),
            "at": to_text(at),
        },
    )


def delete(db: Database, user_id: int, wing: str) -> bool:
    """Drop the person's form in one wing; True when there was one."""
    cur = db.execute("DELETE FROM forms WHERE user_id = ? AND wing = ?", [user_id, wing])
    return cur.rowcount == 1


def exists(db: Database, user_id: int, wing: str) -> bool:
    """Whether the person has a form open in one wing."""
    sql = "SELECT 1 FROM forms WHERE user_id = ? AND wing = ?"
    return db.execute(sql, [user_id, wing]).fetchone() is not None
