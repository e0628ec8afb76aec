"""The inbox: every incoming Telegram update, stored before it is confirmed (DESIGN §7)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import now_text, to_text


@dataclass(frozen=True, slots=True)
class InboxItem:
    update_id: int
    payload: dict
    attempts: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """An update from an `inbox` row read by column name."""
        return cls(**pick(cls, row) | {"payload": json.loads(row["payload"])})


# The largest update_id a row can hold (SQLite integers are signed 64-bit).
MAX_UPDATE_ID = 2**63 - 1


def store(db: Database, updates: list[dict]) -> int:
    """Insert updates not seen before (keyed by update_id); return how many were new."""
    before = db.conn.total_changes
    db.conn.executemany(
        "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
        [(u["update_id"], _payload_text(u), now_text()) for u in updates],
    )
    return db.conn.total_changes - before


def park(db: Database, update_id: int, payload: dict, error: str) -> int:
    """Store an update that cannot be handled straight away as failed; 1 when it was new."""
    cur = db.execute(
        "INSERT OR IGNORE INTO inbox (update_id, payload, received_at, status, done_at, error) "
        "VALUES (?, ?, ?, 'failed', ?, ?)",
        [update_id, _payload_text(payload), now_text(), now_text(), error[:2000]],
    )
    return cur.rowcount


def _payload_text(update: dict) -> str:
    text = json.dumps(update, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (Telegram passes on what clients send) is kept as its \u escape.
        return json.dumps(update)
    return text


def pending(db: Database, limit: int = 100) -> list[InboxItem]:
    """Updates not yet handled, oldest first."""
    rows = db.query(
        "SELECT * FROM inbox WHERE status = 'pending' ORDER BY update_id LIMIT ?", [limit]
    )
    return [InboxItem.from_row(r) for r in rows]


def begin_attempt(db: Database, update_id: int) -> None:
    """Count an attempt first, so an update that kills the process is not retried forever."""
    db.execute("UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ?", [update_id])


def end_attempt(db: Database, update_id: int) -> None:
    """Uncount an attempt that failed for want of disk space, not because of the update."""
    db.execute("UPDATE inbox SET attempts = max(attempts - 1, 0) WHERE update_id = ?", [update_id])


def _handled_payload(update_id: int) -> str:
    # Once handled, an update is kept only to recognise a redelivery: its id is all that needs,
    # and the text a resident typed (an ID or phone number, say) is not kept (DESIGN §6).
    return json.dumps({"update_id": update_id})


def mark_done(db: Database, update_id: int) -> None:
    """Mark an update handled and forget its content; harmless when it already is handled."""
    db.execute(
        "UPDATE inbox SET status = 'done', done_at = ?, payload = ? "
        "WHERE update_id = ? AND status = 'pending'",
        [now_text(), _handled_payload(update_id), update_id],
    )


def mark_failed(db: Database, update_id: int, error: str) -> None:
    """Park an update whose handling failed, with the error but not its content, so it does not
    block the rest."""
    db.execute(
        "UPDATE inbox SET status = 'failed', done_at = ?, error = ?, payload = ? "
        "WHERE update_id = ? AND status = 'pending'",
        [now_text(), error[:2000], _handled_payload(update_id), update_id],
    )


def status(db: Database, update_id: int) -> str | None:
    """The state of one update, or None when it was never stored."""
    row = next(db.query("SELECT status FROM inbox WHERE update_id = ?", [update_id]), None)
    return row["status"] if row else None


def counts(db: Database) -> dict[str, int]:
    """How many updates are in each state."""
    # Naming every state (the CHECK allows no other) makes it an index search, not a scan.
    rows = db.query(
        "SELECT status, count(*) AS n FROM inbox "
        "WHERE status IN ('pending', 'done', 'failed') GROUP BY status"
    )
    return {r["status"]: r["n"] for r in rows}


def prune(db: Database, older_than: datetime) -> int:
    """Forget handled updates older than the given time (they only guard against redelivery)."""
    cur = db.execute(
        "DELETE FROM inbox WHERE status IN ('done', 'failed') AND done_at < ?",  # not pending
        [to_text(older_than)],
    )
    return cur.rowcount
