"""Marks of once-only scheduled work (one day's digest, one year's warning) in `settings`."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from storage.times import to_text


def marked(db: Database, key: str) -> bool:
    """Whether a once-only piece of scheduled work was done."""
    return db.execute("SELECT 1 FROM settings WHERE key = ?", [key]).fetchone() is not None


def mark(db: Database, key: str, at: datetime) -> bool:
    """Record once-only work as done; True only the first time."""
    cur = db.execute(
        "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", [key, to_text(at)]
    )
    return cur.rowcount == 1
