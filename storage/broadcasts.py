"""Broadcasts in flight: a publication's notices to its subscribers, counted as they leave so the
official who published sees how far the sending has come (one message, edited)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import from_text, to_text


@dataclass(frozen=True, slots=True)
class Broadcast:
    key_prefix: str  # the outbox keys of its messages start with this
    chat_id: int  # who is told the progress
    language: str
    total: int
    started_at: datetime
    shown: bool
    edits: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Broadcast:
        values = pick(cls, row)
        values["started_at"] = from_text(values["started_at"])
        values["shown"] = bool(values["shown"])
        return cls(**values)


def start(
    db: Database, key_prefix: str, chat_id: int, language: str, total: int, at: datetime
) -> None:
    """Follow a broadcast just queued (once per key prefix)."""
    db.execute(
        "INSERT OR IGNORE INTO broadcasts (key_prefix, chat_id, language, total, started_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [key_prefix, chat_id, language, total, to_text(at)],
    )


def unfinished(db: Database) -> list[Broadcast]:
    """Broadcasts still being sent, oldest first."""
    rows = db.query(
        "SELECT * FROM broadcasts WHERE finished_at IS NULL ORDER BY started_at, key_prefix"
    )
    return [Broadcast.from_row(r) for r in rows]


def record_shown(db: Database, key_prefix: str) -> int:
    """Count one more progress message or edit; returns how many were shown before."""
    row = db.execute(
        "UPDATE broadcasts SET shown = 1, edits = edits + shown WHERE key_prefix = ? "
        "RETURNING edits",
        [key_prefix],
    ).fetchone()
    return row[0]


def finish(db: Database, key_prefix: str, at: datetime) -> None:
    """Stop following a broadcast: every message has been sent or given up."""
    db.execute(
        "UPDATE broadcasts SET finished_at = ? WHERE key_prefix = ?", [to_text(at), key_prefix]
    )
