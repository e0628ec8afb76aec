"""What a village's transparency score is counted from, per quarter: its public disclosures'
publication, sign-off, board photo and corrections, and its topics' due dates and ratings.

Read-only, one village at a time, every query led by an index on `village_code`
(`disclosures_village`, `topics_village`) with the per-item look-ups on their own indexes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.times import day_from_text, from_text, to_text

_PUBLIC = "status IN ('published', 'superseded')"


@dataclass(frozen=True, slots=True)
class PublishedItem:
    """One public version of a disclosure of the quarter, with its sign-off round's decisions
    and the first board photo received for it."""

    id: int
    chain: int  # the first version's id: every version of one item shares it
    kind: str
    status: str  # published (current) or superseded (a correction replaced it)
    published_at: datetime
    approvals: int
    rejections: int
    first_photo_at: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        return cls(
            id=row["id"],
            chain=row["chain"],
            kind=row["kind"],
            status=row["status"],
            published_at=from_text(row["published_at"]),
            approvals=row["approvals"],
            rejections=row["rejections"],
            first_photo_at=from_text(row["first_photo_at"]),
        )


@dataclass(frozen=True, slots=True)
class DueTopic:
    """A topic whose current due date lies in the quarter: when it was first answered."""

    due_date: date
    responded_at: datetime | None


def first_finance_publication(db: Database, village_code: str, period: str) -> datetime | None:
    """When the village's finance disclosure of this quarter was first published, or None."""
    row = db.execute(
        f"SELECT min(published_at) FROM disclosures WHERE village_code = ? AND {_PUBLIC} "
        "AND period = ? AND kind = 'finance'",
        [village_code, period],
    ).fetchone()
    return from_text(row[0])


def quarter_items(
    db: Database, village_code: str, quarter: str, first: date, last: date
) -> list[PublishedItem]:
    """Public versions of the quarter's items: the quarter itself, its months and its days
    (`2026-07` … `2026-09-30` sort between the quarter's first month and last day)."""
    rows = db.query(
        "SELECT d.id, coalesce(d.root_id, d.id) AS chain, d.kind, d.status, d.published_at, "
        "(SELECT count(*) FROM disclosure_signoffs s WHERE s.disclosure_id = d.id "
        " AND s.round = d.review_round AND s.decision = 'approve') AS approvals, "
        "(SELECT count(*) FROM disclosure_signoffs s WHERE s.disclosure_id = d.id "
        " AND s.round = d.review_round AND s.decision = 'reject') AS rejections, "
        "(SELECT min(p.received_at) FROM board_photos p WHERE p.disclosure_id = d.id) "
        " AS first_photo_at "
        f"FROM disclosures d WHERE d.village_code = ? AND d.{_PUBLIC} "
        "AND d.published_at IS NOT NULL "
        "AND (d.period = ? OR (d.period >= ? AND d.period <= ?)) ORDER BY d.id",
        [village_code, quarter, first.isoformat()[:7], last.isoformat()],
    )
    return [PublishedItem.from_row(r) for r in rows]


def due_topics(db: Database, village_code: str, first: date, last: date) -> list[DueTopic]:
    """The village's topics whose current due date lies in [first, last] (STAT-01)."""
    rows = db.execute(
        "SELECT due_date, responded_at FROM topics WHERE village_code = ? "
        "AND due_date >= ? AND due_date <= ? ORDER BY id",
        [village_code, first.isoformat(), last.isoformat()],
    ).fetchall()
    return [DueTopic(day_from_text(due), from_text(responded)) for due, responded in rows]


def ratings(db: Database, village_code: str, start: datetime, end: datetime) -> dict[str, int]:
    """How the village's topics filed in [start, end) were rated, by rating; topics filed for a
    resident without a phone (代办) are left out: only the resident could say (SAT-03)."""
    rows = db.execute(
        "SELECT rating, count(*) FROM topics WHERE village_code = ? AND filed_at >= ? "
        "AND filed_at < ? AND rating IS NOT NULL AND filed_by IS NULL GROUP BY rating",
        [village_code, to_text(start), to_text(end)],
    ).fetchall()
    return dict(rows)
