"""Working-calendar overrides township staff enter (/holiday), and which uncovered years
the township has already been warned about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self

from sqlite_utils import Database

from storage import once_marks
from storage.times import to_text

_WARNED = "calendar.uncovered_warned."


@dataclass(frozen=True, slots=True)
class Override:
    day: date
    kind: str  # 'holiday' or 'workday'
    note: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """An override from a `calendar_overrides` row read by column name."""
        return cls(date.fromisoformat(row["day"]), row["kind"], row["note"])


def overrides(db: Database) -> dict[date, str]:
    """Every override: day → 'holiday' | 'workday'."""
    rows = db.query("SELECT day, kind FROM calendar_overrides")
    return {date.fromisoformat(r["day"]): r["kind"] for r in rows}


def upcoming(db: Database, since: date, limit: int = 60) -> list[Override]:
    """Overrides from a day on, in date order."""
    rows = db.query(
        "SELECT * FROM calendar_overrides WHERE day >= ? ORDER BY day LIMIT ?",
        [since.isoformat(), limit],
    )
    return [Override.from_row(r) for r in rows]


def has_year(db: Database, year: int) -> bool:
    """Whether staff have entered any override for a year."""
    first, last = date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()
    sql = "SELECT 1 FROM calendar_overrides WHERE day >= ? AND day <= ? LIMIT 1"
    return db.execute(sql, [first, last]).fetchone() is not None


def get(db: Database, day: date) -> Override | None:
    """The override of one day, if any."""
    row = next(db.query("SELECT * FROM calendar_overrides WHERE day = ?", [day.isoformat()]), None)
    return Override.from_row(row) if row else None


def put(db: Database, day: date, kind: str, note: str | None, user_id: int, at: datetime) -> None:
    """Set or replace the override of one day."""
    db.execute(
        "INSERT INTO calendar_overrides (day, kind, note, set_by, set_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(day) DO UPDATE SET kind = excluded.kind, note = excluded.note, "
        "set_by = excluded.set_by, set_at = excluded.set_at",
        [day.isoformat(), kind, note, user_id, to_text(at)],
    )


def delete(db: Database, day: date) -> bool:
    """Drop the override of one day; False when there was none."""
    cur = db.execute("DELETE FROM calendar_overrides WHERE day = ?", [day.isoformat()])
    return cur.rowcount == 1


def mark_warned(db: Database, year: int, at: datetime) -> bool:
    """Remember that staff were warned about an uncovered year; True only the first time."""
    return once_marks.mark(db, f"{_WARNED}{year}", at)
