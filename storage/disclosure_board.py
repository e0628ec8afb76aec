"""Read-only queries for the public web board: published disclosures only (DESIGN §8).

Nothing here writes. Every query is limited to the public states (published, superseded), so a
draft or an item in review can never reach a page, a feed or the API through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.disclosures import PUBLIC_STATUSES
from storage.times import from_text, to_text

_PUBLIC = f"status IN ({', '.join(repr(s) for s in PUBLIC_STATUSES)})"
_ITEM_COLUMNS = (
    "id, village_code, kind, category, period, title, status, version, root_id, major, "
    "supersedes_id, superseded_by_id, published_at"
)


@dataclass(frozen=True, slots=True)
class PublicItem:
    """One published (or later superseded) version, as lists, feeds and the API show it."""

    id: int
    village_code: str
    kind: str
    category: str
    period: str
    title: str
    status: str
    version: int
    root_id: int
    major: bool
    supersedes_id: int | None
    superseded_by_id: int | None
    published_at: datetime


@dataclass(frozen=True, slots=True)
class Position:
    """Where a newest-first listing stopped: the last item's publication time and id."""

    published_at: datetime
    id: int


@dataclass(frozen=True, slots=True)
class PeriodPublication:
    """A village's first publication of anything for a period, and how many items it has."""

    village_code: str
    first_published_at: datetime
    items: int


@dataclass(frozen=True, slots=True)
class VillageCounts:
    village_code: str
    published: int  # current versions
    superseded: int  # corrected, older versions
    finance: int
    subsidy: int
    notice: int


def _item(r: tuple) -> PublicItem:
    return PublicItem(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        r[7],
        r[8] or r[0],
        bool(r[9]),
        r[10],
        r[11],
        from_text(r[12]),
    )


def item(db: Database, disclosure_id: int) -> PublicItem | None:
    """One public version by id (None for drafts, items in review, approved-not-yet-published)."""
    row = db.execute(
        f"SELECT {_ITEM_COLUMNS} FROM disclosures WHERE id = ? AND {_PUBLIC} "
        "AND published_at IS NOT NULL",
        [disclosure_id],
    ).fetchone()
    return _item(row) if row else None


def listing(
    db: Database,
    *,
    village_code: str | None = None,
    category: str | None = None,
    current_only: bool = False,
    after: Position | None = None,
    limit: int = 20,
) -> list[PublicItem]:
    """Public versions newest first (by publication time, then id), after a position."""
    where = [_PUBLIC, "published_at IS NOT NULL"]
    params: list[object] = []
    if current_only:
        where.append("status = 'published'")
    if village_code is not None:
        where.append("village_code = ?")
        params.append(village_code)
    if category is not None:
        where.append("category = ?")
        params.append(category)
    if after is not None:
        where.append("(published_at < ? OR (published_at = ? AND id < ?))")
        stamp = to_text(after.published_at)
        params += [stamp, stamp, after.id]
    rows = db.execute(
        f"SELECT {_ITEM_COLUMNS} FROM disclosures WHERE {' AND '.join(where)} "
        "ORDER BY published_at DESC, id DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [_item(r) for r in rows]


def latest_by_category(db: Database, village_code: str, per_category: int = 3) -> list[PublicItem]:
    """A village's current versions, the newest few of each category (category order kept by
    the caller), newest first within a category."""
    rows = db.execute(
        f"SELECT {_ITEM_COLUMNS} FROM ("
        f"SELECT *, row_number() OVER (PARTITION BY category "
        "ORDER BY published_at DESC, id DESC) AS n FROM disclosures "
        "WHERE village_code = ? AND status = 'published' AND published_at IS NOT NULL"
        ") WHERE n <= ? ORDER BY category, published_at DESC, id DESC",
        [village_code, per_category],
    ).fetchall()
    return [_item(r) for r in rows]


def versions(db: Database, root_id: int) -> list[PublicItem]:
    """Every public version of one disclosure, oldest first."""
    rows = db.execute(
        f"SELECT {_ITEM_COLUMNS} FROM disclosures WHERE coalesce(root_id, id) = ? AND {_PUBLIC} "
        "AND published_at IS NOT NULL ORDER BY version, id",
        [root_id],
    ).fetchall()
    return [_item(r) for r in rows]


def period_publications(db: Database, period: str) -> list[PeriodPublication]:
    """Per village: when anything for this period was first published, and how many items."""
    rows = db.execute(
        f"SELECT village_code, min(published_at), count(DISTINCT coalesce(root_id, id)) "
        f"FROM disclosures WHERE period = ? AND {_PUBLIC} AND published_at IS NOT NULL "
        "GROUP BY village_code ORDER BY village_code",
        [period],
    ).fetchall()
    return [PeriodPublication(r[0], from_text(r[1]), r[2]) for r in rows]


def counts(db: Database) -> list[VillageCounts]:
    """Per village: public versions by state and current versions by kind."""
    rows = db.execute(
        "SELECT village_code, "
        "sum(status = 'published'), sum(status = 'superseded'), "
        "sum(status = 'published' AND kind = 'finance'), "
        "sum(status = 'published' AND kind = 'subsidy'), "
        "sum(status = 'published' AND kind = 'notice') "
        f"FROM disclosures WHERE {_PUBLIC} AND published_at IS NOT NULL "
        "GROUP BY village_code ORDER BY village_code"
    ).fetchall()
    return [VillageCounts(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


def last_published(db: Database, village_code: str | None = None) -> datetime | None:
    """The newest publication time (a feed's `updated`), of one village or all."""
    sql = f"SELECT max(published_at) FROM disclosures WHERE {_PUBLIC}"
    params: list[object] = []
    if village_code is not None:
        sql += " AND village_code = ?"
        params.append(village_code)
    row = db.execute(sql, params).fetchone()
    return from_text(row[0]) if row and row[0] else None
