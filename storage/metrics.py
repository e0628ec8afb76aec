"""Read-only figures for /healthz and /metrics: queue ages, open and overdue topics, delays."""

from __future__ import annotations

from datetime import date, datetime

from sqlite_utils import Database

from storage.times import from_text, to_text


def outbox_lag_seconds(db: Database, now: datetime) -> float:
    """How long the oldest message that is due has been waiting to be sent (0 when none)."""
    row = db.execute(
        "SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?",
        [to_text(now)],
    ).fetchone()
    if row is None or row[0] is None:
        return 0.0
    return max(0.0, (now - from_text(row[0])).total_seconds())


def topic_counts(db: Database, today: date) -> tuple[int, int]:
    """(open, overdue) topics: not closed; and awaiting an answer past their due date."""
    row = db.execute(
        "SELECT count(*), coalesce(sum(status = 'assigned' AND due_date < ?), 0) "
        "FROM topics WHERE status IN ('assigned', 'answered', 'declined')",  # not closed
        [today.isoformat()],
    ).fetchone()
    return row[0], row[1]


def publication_delays(db: Database) -> list[float]:
    """Seconds each published disclosure went out after it was due (negative when early)."""
    rows = db.execute(
        "SELECT publish_due_at, published_at FROM disclosures "
        # Only published versions (and those since superseded) have a publication time.
        "WHERE status IN ('published', 'superseded') "
        "AND published_at IS NOT NULL AND publish_due_at IS NOT NULL"
    ).fetchall()
    return [(from_text(published) - from_text(due)).total_seconds() for due, published in rows]


def overdue_publications(db: Database, now: datetime) -> int:
    """Approved disclosures whose publication time has passed without being published."""
    row = db.execute(
        "SELECT count(*) FROM disclosures WHERE status = 'approved' AND publish_due_at < ?",
        [to_text(now)],
    ).fetchone()
    return row[0]
