"""The scheduler's daily sweeps over topics: which to urge and which to close unrated, read as
ids so each is then handled, and checked again, in its own transaction (URG-01)."""

from __future__ import annotations

from datetime import date, datetime

from sqlite_utils import Database

from storage.times import to_text


def overdue_ids(db: Database, today: date) -> list[int]:
    """Ids of open topics past due, oldest due first."""
    sql = "SELECT id FROM topics WHERE status = 'assigned' AND due_date < ? ORDER BY due_date, id"
    return [row[0] for row in db.execute(sql, [today.isoformat()])]


def awaiting_rating_ids(db: Database, moment: datetime) -> list[int]:
    """Ids of answered or declined topics waiting for a rating since before a moment."""
    sql = "SELECT id FROM topics WHERE status IN ('answered', 'declined') AND responded_at <= ?"
    return [row[0] for row in db.execute(sql + " ORDER BY id", [to_text(moment)])]


def close_unrated(db: Database, topic_id: int, moment: datetime, at: datetime) -> bool:
    """Close a topic as not rated if it still waits for a rating since before `moment`."""
    cur = db.execute(
        "UPDATE topics SET status = 'closed', closed_at = ?, close_reason = 'not_rated', "
        "updated_at = ? WHERE id = ? AND status IN ('answered', 'declined') AND responded_at <= ?",
        [to_text(at), to_text(at), topic_id, to_text(moment)],
    )
    return cur.rowcount == 1
