"""The outbox: every message the bot owes someone, written in the transaction that caused it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.named_rows import field_names, pick
from storage.times import from_text, now_text, to_text

# Lower sends first: a person waiting on a reply is never queued behind a broadcast (DESIGN §7).
INTERACTIVE = 0
NORMAL = 5
BULK = 9


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    idempotency_key: str
    chat_id: int
    kind: str
    payload: dict  # the message's fields; its kind and fields are the delivery layer's business
    file: bytes | None
    priority: int
    status: str
    attempts: int
    next_attempt_at: datetime
    message_id: int | None
    last_error: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> OutboxMessage:
        values = pick(cls, row)
        values["payload"] = json.loads(values["payload"])
        values["next_attempt_at"] = from_text(values["next_attempt_at"])
        return cls(**values)


_COLUMNS = ", ".join(field_names(OutboxMessage))


def enqueue(
    db: Database,
    key: str,
    chat_id: int,
    kind: str,
    payload: dict,
    *,
    file: bytes | None = None,
    priority: int = NORMAL,
    not_before: datetime | None = None,
) -> bool:
    """Queue one message (its kind, fields and file bytes); a second call with the same key is
    ignored. True when it was new."""
    now = now_text()
    cur = db.execute(
        "INSERT OR IGNORE INTO outbox (idempotency_key, chat_id, kind, payload, file, priority, "
        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            key,
            chat_id,
            kind,
            json.dumps(payload, ensure_ascii=False),
            file,
            priority,
            to_text(not_before) if not_before else now,
            now,
        ],
    )
    return cur.rowcount == 1


def due(
    db: Database, now: datetime, limit: int = 200, *, in_order: tuple[str, ...] = ()
) -> list[OutboxMessage]:
    """Pending messages whose time has come, most urgent first, then oldest first. Of the kinds
    `in_order`, one waiting for a retry holds back the later ones to its chat that are no more
    urgent, so a person reads them in order."""
    at = to_text(now)
    marks = ",".join("?" * len(in_order))
    rows = db.query(
        f"SELECT {_COLUMNS} FROM outbox o WHERE status = 'pending' AND next_attempt_at <= ? "
        f"AND NOT (o.kind IN ({marks}) AND EXISTS (SELECT 1 FROM outbox e "
        "WHERE e.status = 'pending' AND e.chat_id = o.chat_id AND e.id < o.id "
        f"AND e.priority <= o.priority AND e.kind IN ({marks}) "
        "AND e.last_error IS NOT NULL AND e.next_attempt_at > ?)) "
        "ORDER BY priority, id LIMIT ?",
        [at, *in_order, *in_order, at, limit],
    )
    return [OutboxMessage.from_row(r) for r in rows]


def next_due_at(db: Database) -> datetime | None:
    """When the earliest pending message becomes due, if any is pending."""
    row = db.execute("SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending'").fetchone()
    return from_text(row[0])


def mark_sent(db: Database, message_id: int, telegram_message_id: int | None) -> None:
    """Record a successful send."""
    db.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, message_id = ? "
        "WHERE id = ?",
        [now_text(), telegram_message_id, message_id],
    )


def retry_later(db: Database, message_id: int, at: datetime, error: str) -> None:
    """Count a failed attempt and try again at the given time."""
    db.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
        "WHERE id = ?",
        [to_text(at), error[:1000], message_id],
    )


def mark_failed(db: Database, message_id: int, error: str) -> None:
    """Give up on a message for good (recipient blocked the bot, or a permanent API error)."""
    db.execute(
        "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
        [error[:1000], message_id],
    )


def fail_pending_for_chat(db: Database, chat_id: int, error: str) -> int:
    """Stop sending to a chat that blocked the bot; returns how many messages were dropped."""
    cur = db.execute(
        "UPDATE outbox SET status = 'failed', last_error = ? "
        "WHERE chat_id = ? AND status = 'pending'",
        [error, chat_id],
    )
    return cur.rowcount


def get(db: Database, key: str) -> OutboxMessage | None:
    """One message by its idempotency key."""
    rows = db.query(f"SELECT {_COLUMNS} FROM outbox WHERE idempotency_key = ?", [key])
    row = next(rows, None)
    return OutboxMessage.from_row(row) if row else None


def for_chat(db: Database, chat_id: int) -> list[OutboxMessage]:
    """Every message queued for one chat, in order."""
    rows = db.query(f"SELECT {_COLUMNS} FROM outbox WHERE chat_id = ? ORDER BY id", [chat_id])
    return [OutboxMessage.from_row(r) for r in rows]


def counts(db: Database) -> dict[str, int]:
    """How many messages are in each state."""
    return dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())


def postpone(db: Database, message_id: int, at: datetime, error: str) -> None:
    """Move a message later without counting a failed attempt (Telegram asked us to slow down)."""
    db.execute(
        "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?",
        [to_text(at), error[:1000], message_id],
    )
