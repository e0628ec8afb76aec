"""The first topics of a list and how many it holds (a township's digest and tracking lists):
a county has thousands open, and a list shows the oldest due or the first filed few."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlite_utils import Database

from storage.times import day_from_text, to_text
from storage.topics import Topic, _in_villages, _select


@dataclass(frozen=True, slots=True)
class Brief:
    """What a digest line shows of a topic: a digest lists sixty, the whole row is not needed."""

    receipt: str
    village_code: str
    due_date: date


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
    condition, params = _open(villages, category, due_from, due_before)
    count, first = _first(db, condition, params, "due_date, id")
    return _select(db, f"id IN ({first}) ORDER BY due_date, id", [*params, limit]), count


def open_briefs(
    db: Database,
    villages: Collection[str],
    limit: int,
    *,
    due_from: date | None = None,
    due_before: date | None = None,
) -> tuple[list[Brief], int]:
    """`open_listing` as a digest shows it."""
    condition, params = _open(villages, None, due_from, due_before)
    return _briefs(db, condition, params, "due_date, id", limit)


def filed_briefs(
    db: Database, start: datetime, end: datetime, villages: Collection[str], limit: int
) -> tuple[list[Brief], int]:
    """The first `limit` topics of these villages filed in [start, end), by id, and how many."""
    between = "filed_at >= ? AND filed_at < ?"
    condition, params = _in_villages(between, [to_text(start), to_text(end)], villages)
    return _briefs(db, condition, params, "id", limit)


def escalated_briefs(
    db: Database, since: datetime, villages: Collection[str], limit: int
) -> tuple[list[Brief], int]:
    """The first `limit` topics of these villages closed as escalations from a moment on, by
    id, and how many."""
    escalated = "close_reason = 'escalated' AND closed_at >= ?"
    condition, params = _in_villages(escalated, [to_text(since)], villages)
    return _briefs(db, condition, params, "id", limit)


def _open(
    villages: Collection[str] | None,
    category: str | None,
    due_from: date | None,
    due_before: date | None,
) -> tuple[str, list]:
    condition, params = _in_villages("status = 'assigned'", [], villages)
    if category is not None:
        condition, params = f"{condition} AND category = ?", [*params, category]
    if due_from is not None:
        condition, params = f"{condition} AND due_date >= ?", [*params, due_from.isoformat()]
    if due_before is not None:
        condition, params = f"{condition} AND due_date < ?", [*params, due_before.isoformat()]
    return condition, params


def _first(db: Database, condition: str, params: list, order: str) -> tuple[int, str]:
    """How many topics match, and the statement choosing the first of them (its last parameter
    the limit): ordered by their ids from the index first, so a township's thousands are not
    read row by row to show sixty."""
    count = db.execute(f"SELECT count(*) FROM topics WHERE {condition}", params).fetchone()[0]
    return count, f"SELECT id FROM topics WHERE {condition} ORDER BY {order} LIMIT ?"


def _briefs(
    db: Database, condition: str, params: list, order: str, limit: int
) -> tuple[list[Brief], int]:
    count, first = _first(db, condition, params, order)
    rows = db.execute(
        f"SELECT receipt, village_code, due_date FROM topics WHERE id IN ({first}) "
        f"ORDER BY {order}",
        [*params, limit],
    )
    return [Brief(receipt, code, day_from_text(due)) for receipt, code, due in rows], count
