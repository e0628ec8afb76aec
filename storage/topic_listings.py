"""The first topics of a list and how many it holds (a township's digest and tracking lists):
a county has thousands open, and a list shows the oldest due or the first filed few."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlite_utils import Database

from storage.times import to_text
from storage.topics import Topic, _in_villages, _select


def open_listing(
    db: Database,
    villages: Collection[str] | None,
    limit: int,
    *,
    category: str | None = None,
    due_from: date | None = None,
    due_before: date | None = None,
) -> tuple[list[Topic], int]:
    """The first `limit` open topics (of these villages, or all; of one category; due in
    [due_from, due_before)), oldest due first, and how many there are: a county has thousands."""
    condition, params = _in_villages("status = 'assigned'", [], villages)
    if category is not None:
        condition, params = f"{condition} AND category = ?", [*params, category]
    if due_from is not None:
        condition, params = f"{condition} AND due_date >= ?", [*params, due_from.isoformat()]
    if due_before is not None:
        condition, params = f"{condition} AND due_date < ?", [*params, due_before.isoformat()]
    return _first(db, condition, params, "due_date, id", limit)


def _first(
    db: Database, condition: str, params: list, order: str, limit: int
) -> tuple[list[Topic], int]:
    """The first `limit` topics matching, in this order, and how many match: ordered by their
    ids from the index first, so a township's thousands are not read row by row to show 60."""
    count = db.execute(f"SELECT count(*) FROM topics WHERE {condition}", params).fetchone()[0]
    first = f"SELECT id FROM topics WHERE {condition} ORDER BY {order} LIMIT ?"
    return _select(db, f"id IN ({first}) ORDER BY {order}", [*params, limit]), count


def first_filed_between(
    db: Database, start: datetime, end: datetime, villages: Collection[str], limit: int
) -> tuple[list[Topic], int]:
    """The first `limit` topics of these villages filed in [start, end), by id, and how many."""
    between = "filed_at >= ? AND filed_at < ?"
    condition, params = _in_villages(between, [to_text(start), to_text(end)], villages)
    return _first(db, condition, params, "id", limit)


def first_escalated_since(
    db: Database, since: datetime, villages: Collection[str], limit: int
) -> tuple[list[Topic], int]:
    """The first `limit` topics of these villages closed as escalations from a moment on, by
    id, and how many."""
    escalated = "close_reason = 'escalated' AND closed_at >= ?"
    condition, params = _in_villages(escalated, [to_text(since)], villages)
    return _first(db, condition, params, "id", limit)
