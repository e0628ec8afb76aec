"""Working-calendar overrides township staff enter (/holiday), and which uncovered years
the township has already been warned about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlite_utils import Database

from storage.times import to_text

_WARNED = "calendar.uncovered_warned."


@dataclass(frozen=True, slots=True)
class Override:
    day: date
    kind: str  # 'holiday' or 'workday'
    note: str | None


def overrides(db: Database) -> dict[date, str]:
    """Every override: day → 'holiday' | 'workday'."""
    rows = db.execute("SELECT day, kind FROM calendar_overrides").fetchall()
    return {date.fromisoformat(d): k for d, k in rows}


def upcoming(db: Database, since: date, limit: int = 60) -> list[Override]:
    rows = db.execute(
        "SELECT day, kind, note FROM calendar_overrides WHERE day >= ? ORDER BY day LIMIT ?",
        [since.isoformat(), limit],
    ).fetchall()
    return [Override(date.fromisoformat(d), k, n) for d, k, n in rows]


def get(db: Database, day: date) -> Override | None:
    row = db.execute(
        "SELECT day, kind, note FROM calendar_overrides WHERE day = ?", [day.isoformat()]
    ).fetchone()
    return Override(date.fromisoformat(row[0]), row[1], row[2]) if row else None


def put(db: Database, day: date, kind: str, note: str | None, user_id: int, at: datetime) -> None:
    db.execute(
        "INSERT INTO calendar_overrides (day, kind, note, set_by, set_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(day) DO UPDATE SET kind = excluded.kind, note = excluded.note, "
        "set_by = excluded.set_by, set_at = excluded.set_at",
        [day.isoformat(), kind, note, user_id, to_text(at)],
    )


def delete(db: Database, day: date) -> bool:
    cur = db.execute("DELETE FROM calendar_overrides WHERE day = ?", [day.isoformat()])
    return cur.rowcount == 1


def mark_warned(db: Database, year: int, at: datetime) -> bool:
    """Remember that staff were warned about an uncovered year; True only the first time."""
    cur = db.execute(
        "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
        [f"{_WARNED}{year}", to_text(at)],
    )
    return cur.rowcount == 1
