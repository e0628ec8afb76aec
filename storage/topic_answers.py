"""Answers and refusals given on point-topics (the `topic_answers` table)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import day_from_text, from_text, to_text


@dataclass(frozen=True, slots=True)
class Answer:
    id: int
    topic_id: int
    kind: str
    reason: str | None
    text: str
    link: str | None
    attachment_kind: str | None
    attachment_file_id: str | None
    by_user_id: int
    by_post: str
    at: datetime
    due_date: date
    on_time: bool

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """An answer from a `topic_answers` row read by column name."""
        return cls(
            **pick(cls, row)
            | {
                "at": from_text(row["at"]),
                "due_date": day_from_text(row["due_date"]),
                "on_time": bool(row["on_time"]),
            }
        )


def add_answer(
    db: Database,
    *,
    topic_id: int,
    kind: str,
    reason: str | None,
    text: str,
    link: str | None,
    attachment_kind: str | None,
    attachment_file_id: str | None,
    by_user_id: int,
    by_post: str,
    at: datetime,
    due_date: date,
    on_time: bool,
) -> int:
    """Store an answer or refusal; returns its id."""
    record = {
        "topic_id": topic_id,
        "kind": kind,
        "reason": reason,
        "text": text,
        "link": link,
        "attachment_kind": attachment_kind,
        "attachment_file_id": attachment_file_id,
        "by_user_id": by_user_id,
        "by_post": by_post,
        "at": to_text(at),
        "due_date": due_date.isoformat(),
        "on_time": int(on_time),
    }
    cur = db.execute(
        f"INSERT INTO topic_answers ({', '.join(record)}) VALUES ({', '.join('?' * len(record))})",
        list(record.values()),
    )
    return cur.lastrowid


def answer(db: Database, answer_id: int) -> Answer | None:
    """One answer by id."""
    row = next(db.query("SELECT * FROM topic_answers WHERE id = ?", [answer_id]), None)
    return Answer.from_row(row) if row else None


def kinds(db: Database, answer_ids: list[int]) -> dict[int, str]:
    """Each answer's kind (answer or decline), read in one query for many answers."""
    rows = db.execute(
        "SELECT id, kind FROM topic_answers WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(answer_ids)],
    )
    return dict(rows.fetchall())


def times_of(db: Database, answer_ids: list[int]) -> dict[int, tuple[datetime, bool]]:
    """Each answer's moment and whether it was on time, read in one query for many answers."""
    rows = db.execute(
        "SELECT id, at, on_time FROM topic_answers WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(answer_ids)],
    )
    return {answer_id: (from_text(at), bool(on_time)) for answer_id, at, on_time in rows}


def answers_of(db: Database, topic_id: int) -> list[Answer]:
    """Every answer or refusal of one topic, oldest first."""
    rows = db.query("SELECT * FROM topic_answers WHERE topic_id = ? ORDER BY id", [topic_id])
    return [Answer.from_row(r) for r in rows]
