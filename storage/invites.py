"""Single-use invite links; only a hash of each code is kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import from_text, now_text, to_text


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    role: str
    village_code: str | None
    title: str | None
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None
    cancelled_by: int | None
    cancelled_at: datetime | None
    township_code: str | None = None  # the township a township-staff invite grants

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """An invite from an `invites` row read by column name (the code's hash stays behind)."""
        times = ("created_at", "expires_at", "used_at", "cancelled_at")
        return cls(**pick(cls, row) | {name: from_text(row[name]) for name in times})


def create(
    db: Database,
    code_hash: str,
    role: str,
    village_code: str | None,
    title: str | None,
    created_by: int,
    expires_at: datetime,
    township_code: str | None = None,
) -> int:
    """Store a new invite by the hash of its code; returns its id."""
    cur = db.execute(
        "INSERT INTO invites (code_hash, role, village_code, title, created_by, created_at, "
        "expires_at, township_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            *(code_hash, role, village_code, title, created_by),
            *(now_text(), to_text(expires_at), township_code),
        ],
    )
    return cur.lastrowid


def by_hash(db: Database, code_hash: str) -> Invite | None:
    """Look an invite up by the hash of its code."""
    row = next(db.query("SELECT * FROM invites WHERE code_hash = ?", [code_hash]), None)
    return Invite.from_row(row) if row else None


def mark_used(db: Database, invite_id: int, user_id: int) -> bool:
    """Spend an invite; False when someone else spent it first."""
    cur = db.execute(
        "UPDATE invites SET used_by = ?, used_at = ? "
        "WHERE id = ? AND used_by IS NULL AND cancelled_at IS NULL",
        [user_id, now_text(), invite_id],
    )
    return cur.rowcount == 1


def get(db: Database, invite_id: int) -> Invite | None:
    """One invite by its number."""
    row = next(db.query("SELECT * FROM invites WHERE id = ?", [invite_id]), None)
    return Invite.from_row(row) if row else None


def open_invites(db: Database, now: datetime) -> list[Invite]:
    """Invites not yet used, cancelled or expired, oldest first."""
    rows = db.query(
        "SELECT * FROM invites WHERE used_by IS NULL AND cancelled_at IS NULL "
        "AND expires_at > ? ORDER BY id",
        [to_text(now)],
    )
    return [Invite.from_row(r) for r in rows]


def cancel(db: Database, invite_id: int, user_id: int) -> bool:
    """Void an unused invite; False when it was already used or cancelled."""
    cur = db.execute(
        "UPDATE invites SET cancelled_by = ?, cancelled_at = ? "
        "WHERE id = ? AND used_by IS NULL AND cancelled_at IS NULL",
        [user_id, now_text(), invite_id],
    )
    return cur.rowcount == 1
