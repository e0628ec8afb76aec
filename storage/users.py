"""People the bot has met, with their language choice and whether they can be reached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import now_text


@dataclass(frozen=True, slots=True)
class User:
    user_id: int
    first_name: str
    last_name: str | None
    username: str | None
    telegram_language: str | None
    language: str | None
    active: bool

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or str(self.user_id)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A person from a `users` row read by column name."""
        return cls(**pick(cls, row) | {"active": bool(row["active"])})


def seen(
    db: Database,
    user_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    telegram_language: str | None,
) -> None:
    """Record or refresh a person from an update; writing to us means they can be reached again."""
    now = now_text()
    db.execute(
        "INSERT INTO users (user_id, first_name, last_name, username, telegram_language, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(user_id) DO UPDATE SET first_name = excluded.first_name, "
        "last_name = excluded.last_name, username = excluded.username, "
        "telegram_language = excluded.telegram_language, active = 1, "
        "updated_at = excluded.updated_at",
        [user_id, first_name, last_name, username, telegram_language, now, now],
    )


def ensure(db: Database, user_id: int) -> None:
    """Make sure a row exists for a person known only by id (township staff from the config)."""
    now = now_text()
    db.execute(
        "INSERT OR IGNORE INTO users (user_id, created_at, updated_at) VALUES (?, ?, ?)",
        [user_id, now, now],
    )


def get(db: Database, user_id: int) -> User | None:
    """One person by Telegram user id."""
    row = next(db.query("SELECT * FROM users WHERE user_id = ?", [user_id]), None)
    return User.from_row(row) if row else None


def set_language(db: Database, user_id: int, language: str | None) -> None:
    """Store the person's own language choice (None = follow Telegram's)."""
    db.execute(
        "UPDATE users SET language = ?, updated_at = ? WHERE user_id = ?",
        [language, now_text(), user_id],
    )


def set_active(db: Database, user_id: int, active: bool) -> None:
    """Mark whether the person can receive messages (False after they blocked the bot)."""
    db.execute(
        "UPDATE users SET active = ?, updated_at = ? WHERE user_id = ?",
        [int(active), now_text(), user_id],
    )
