"""The outbox: every message the bot owes someone, written in the transaction that caused it."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
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


@dataclass(frozen=True, slots=True)
class Due:
    """The next message that may go, named by id and chat; its payload is read once chosen.

    With `waiting_until` set, the message named is waiting for a retry and nothing may go now:
    the later messages it holds back in its chat are to wait until then (hold_behind).
    """

    id: int
    chat_id: int
    waiting_until: datetime | None = None
    priority: int = NORMAL


# Picking walks the index outbox_due (status, priority, next_attempt_at, then id) one priority at
# a time, so it reads a few index entries however long the queue is; chats held back by pacing
# are pushed later (hold_chat) instead of being read again on every pick.
_NEXT_PRIORITY = "SELECT min(priority) FROM outbox WHERE status = 'pending' AND priority > ?"
_FIRST_DUE = (
    "SELECT id, chat_id, kind FROM outbox WHERE status = 'pending' AND priority = ? "
    "AND next_attempt_at <= ?{busy} ORDER BY next_attempt_at, id LIMIT 1"
)
_EARLIEST = (
    "SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending' AND priority = ?{busy}"
)
# A message that failed and is still pending holds back the later ones to its chat that are no
# more urgent (of the kinds a person reads in order): its chat's pending rows are few.
_FAILED_AHEAD = (
    "SELECT id, next_attempt_at FROM outbox WHERE chat_id = ? AND status = 'pending' "
    "AND id < ? AND priority <= ? AND last_error IS NOT NULL AND kind IN ({kinds}) "
    "ORDER BY id LIMIT 1"
)
_HOLD_BEHIND = (
    "UPDATE outbox SET next_attempt_at = ? WHERE chat_id = ? AND status = 'pending' "
    "AND id > ? AND priority >= ? AND kind IN ({kinds}) AND next_attempt_at < ?"
)
_HOLD_CHAT = (
    "UPDATE outbox SET next_attempt_at = ? "
    "WHERE chat_id = ? AND status = 'pending' AND next_attempt_at < ?"
)


def _pending_priorities(db: Database) -> Iterator[int]:
    """Each priority that has pending messages, most urgent first."""
    level = db.execute(_NEXT_PRIORITY, [float("-inf")]).fetchone()[0]
    while level is not None:
        yield level
        level = db.execute(_NEXT_PRIORITY, [level]).fetchone()[0]


def _not_busy(busy: Collection[int]) -> str:
    """The condition leaving out the chats named (those with a send in flight: a few)."""
    return f" AND chat_id NOT IN ({','.join('?' * len(busy))})" if busy else ""


def next_due(
    db: Database,
    now: datetime,
    *,
    in_order: tuple[str, ...] = (),
    busy: Collection[int] = (),
) -> Due | None:
    """The pending message whose time has come, most urgent first, then the one due longest;
    none to the chats `busy` (a send to them is in flight: the next waits for its answer).

    Of the kinds `in_order`, a message that failed and is still pending goes before the later
    ones to its chat that are no more urgent, so a person reads them in the order queued: while
    it waits for its retry, the answer names it with `waiting_until` instead.
    """
    at = to_text(now)
    sql = _FIRST_DUE.format(busy=_not_busy(busy))
    for level in _pending_priorities(db):
        row = db.execute(sql, [level, at, *busy]).fetchone()
        if row:
            message_id, chat_id, kind = row
            if kind in in_order:
                due = Due(message_id, chat_id, priority=level)
                return _first_in_order(db, due, level, now, in_order)
            return Due(message_id, chat_id, priority=level)
    return None


def _first_in_order(
    db: Database, due: Due, priority: int, now: datetime, in_order: tuple[str, ...]
) -> Due:
    """The due message, or the failed one ahead of it in its chat that it must not overtake."""
    sql = _FAILED_AHEAD.format(kinds=",".join("?" * len(in_order)))
    ahead = db.execute(sql, [due.chat_id, due.id, priority, *in_order]).fetchone()
    if ahead is None:
        return due
    waiting_until = from_text(ahead[1])
    return Due(ahead[0], due.chat_id, waiting_until if waiting_until > now else None, priority)


def hold_behind(db: Database, waiting: OutboxMessage, kinds: tuple[str, ...]) -> int:
    """Keep the later messages of the kinds to a chat, no more urgent than one waiting for its
    retry, until that retry; returns how many were moved."""
    sql = _HOLD_BEHIND.format(kinds=",".join("?" * len(kinds)))
    at = to_text(waiting.next_attempt_at)
    params = [at, waiting.chat_id, waiting.id, waiting.priority, *kinds, at]
    return db.execute(sql, params).rowcount


def next_due_at(db: Database, *, busy: Collection[int] = ()) -> datetime | None:
    """When the earliest pending message not to the chats `busy` becomes due, if any."""
    sql = _EARLIEST.format(busy=_not_busy(busy))
    found = (db.execute(sql, [level, *busy]).fetchone()[0] for level in _pending_priorities(db))
    times = [at for at in found if at is not None]
    return from_text(min(times)) if times else None


def hold_chat(db: Database, chat_id: int, until: datetime) -> int:
    """Keep a chat's pending messages until the given time (its sending limit is reached);
    returns how many were moved."""
    at = to_text(until)
    return db.execute(_HOLD_CHAT, [at, chat_id, at]).rowcount


def by_id(db: Database, message_id: int) -> OutboxMessage:
    """One message by its row id, decoded."""
    row = next(db.query(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", [message_id]))
    return OutboxMessage.from_row(row)


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
    # Naming every state (the CHECK allows no other) makes it an index search, not a scan.
    return dict(
        db.execute(
            "SELECT status, count(*) FROM outbox "
            "WHERE status IN ('pending', 'sent', 'failed') GROUP BY status"
        ).fetchall()
    )


def postpone(db: Database, message_id: int, at: datetime, error: str) -> None:
    """Move a message later without counting a failed attempt (Telegram asked us to slow down)."""
    db.execute(
        "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?",
        [to_text(at), error[:1000], message_id],
    )


def prune(db: Database, older_than: datetime) -> int:
    """Forget messages sent, or given up on, before the given time: their text is no longer
    owed to anyone; pending ones always stay."""
    cur = db.execute(
        "DELETE FROM outbox WHERE status IN ('sent', 'failed') "  # never a pending one
        "AND coalesce(sent_at, created_at) < ?",
        [to_text(older_than)],
    )
    return cur.rowcount


def drop_pending(db: Database, key_prefix: str) -> int:
    """Forget the pending messages whose key starts with the prefix (edits a newer one replaces:
    only the latest progress matters)."""
    cur = db.execute(
        "DELETE FROM outbox WHERE status = 'pending' AND idempotency_key >= ? "
        "AND idempotency_key < ?",
        _key_range(key_prefix),
    )
    return cur.rowcount


def count_left(db: Database, key_prefix: str) -> int:
    """How many messages whose key starts with the prefix are still to be sent."""
    row = db.execute(
        "SELECT count(*) FROM outbox WHERE idempotency_key >= ? AND idempotency_key < ? "
        "AND status = 'pending'",
        _key_range(key_prefix),
    ).fetchone()
    return row[0]


def _key_range(key_prefix: str) -> list[str]:
    """The keys starting with a prefix, as a range the unique key index answers (no scan)."""
    return [key_prefix, key_prefix + "\U0010ffff"]
