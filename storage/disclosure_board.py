"""Read-only queries for the public web board: published disclosures only (DESIGN §8).

Nothing here writes. Every query is limited to the public states (published, superseded), so a
draft or an item in review can never reach a page, a feed or the API through these functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlite_utils import Database

from storage import keyset
from storage.disclosures import PUBLIC_STATUSES
from storage.keyset import Position
from storage.named_rows import field_names, pick
from storage.times import from_text

_PUBLIC = f"status IN ({', '.join(repr(s) for s in PUBLIC_STATUSES)})"
# The whole county newest first: the unary plus keeps SQLite off the status index (every public
# row) so it walks disclosures_published by time and stops at the LIMIT.
_PUBLIC_BY_TIME = f"+{_PUBLIC}"


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

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A public item from a `disclosures` row read by column name."""
        return cls(
            **pick(cls, row)
            | {
                # The first version is its own root.
                "root_id": row["root_id"] or row["id"],
                "major": bool(row["major"]),
                "published_at": from_text(row["published_at"]),
            }
        )


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


# Only what a public page may show: the item's own fields, never the body or who drafted it.
_ITEM_COLUMNS = ", ".join(field_names(PublicItem))


def item(db: Database, disclosure_id: int) -> PublicItem | None:
    """One public version by id (None for drafts, items in review, approved-not-yet-published)."""
    rows = db.query(
        f"SELECT {_ITEM_COLUMNS} FROM disclosures WHERE id = ? AND {_PUBLIC} "
        "AND published_at IS NOT NULL",
        [disclosure_id],
    )
    row = next(rows, None)
    return PublicItem.from_row(row) if row else None


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
    where = [_PUBLIC if village_code is not None else _PUBLIC_BY_TIME, "published_at IS NOT NULL"]
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
        condition, values = keyset.after(after, "published_at", "id")
        where.append(condition)
        params += values
    rows = db.query(
        f"SELECT {_ITEM_COLUMNS} FROM disclosures WHERE {' AND '.join(where)} "
        "ORDER BY published_at DESC, id DESC LIMIT ?",
        [*params, limit],
    )
    return [PublicItem.from_row(r) for r in rows]


def latest_by_category(db: Database, village_code: str, per_category: int = 3) -> list[PublicItem]:
    """A village's current versions, the newest few of each category (category order kept by
    the caller), newest first within a category."""
    rows = db.query(
        f"SELECT {_ITEM_COLUMNS} FROM ("
        f"SELECT *, row_number() OVER (PARTITION BY category "
        "ORDER BY published_at DESC, id DESC) AS n FROM disclosures "
        "WHERE village_code = ? AND status = 'published' AND published_at IS NOT NULL"
        ") WHERE n <= ? ORDER BY category, published_at DESC, id DESC",
        [village_code, per_category],
    )
    return [PublicItem.from_row(r) for r in rows]


def versions(db: Database, root_id: int) -> list[PublicItem]:
    """Every public version of one disclosure, oldest first: the first by its id, the later
    ones by disclosures_root (an expression over root_id and id would read the county)."""
    rows = db.query(
        f"SELECT {_ITEM_COLUMNS} FROM disclosures "
        f"WHERE ((id = ? AND root_id IS NULL) OR root_id = ?) AND {_PUBLIC} "
        "AND published_at IS NOT NULL ORDER BY version, id",
        [root_id, root_id],
    )
    return [PublicItem.from_row(r) for r in rows]


def period_publications(
    db: Database, period: str, village_codes: Sequence[str] | None = None
) -> list[PeriodPublication]:
    """Per village (of these, None: all): when anything for this period was first published,
    and how many items. One village's page reads only its own rows (disclosures_village)."""
    where, params = "", [period]
    if village_codes is not None:
        where = f" AND village_code IN ({', '.join('?' * len(village_codes))})"
        params += list(village_codes)
    rows = db.query(
        "SELECT village_code, min(published_at) AS first_published_at, "
        "count(DISTINCT coalesce(root_id, id)) AS items "
        f"FROM disclosures WHERE period = ? AND {_PUBLIC} AND published_at IS NOT NULL{where} "
        "GROUP BY village_code ORDER BY village_code",
        params,
    )
    return [
        PeriodPublication(**r | {"first_published_at": from_text(r["first_published_at"])})
        for r in rows
    ]


def counts(db: Database, village_codes: Sequence[str] | None = None) -> list[VillageCounts]:
    """Per village (of these, None: all): public versions by state and current versions by
    kind."""
    where, params = "", []
    if village_codes is not None:
        where = f" AND village_code IN ({', '.join('?' * len(village_codes))})"
        params = list(village_codes)
    rows = db.query(
        "SELECT village_code, "
        "sum(status = 'published') AS published, sum(status = 'superseded') AS superseded, "
        "sum(status = 'published' AND kind = 'finance') AS finance, "
        "sum(status = 'published' AND kind = 'subsidy') AS subsidy, "
        "sum(status = 'published' AND kind = 'notice') AS notice "
        f"FROM disclosures WHERE {_PUBLIC} AND published_at IS NOT NULL{where} "
        "GROUP BY village_code ORDER BY village_code",
        params,
    )
    return [VillageCounts(**r) for r in rows]


def last_published(db: Database, village_code: str | None = None) -> datetime | None:
    """The newest publication time (a feed's `updated`), of one village or all (the county's
    the first row of disclosures_published, not a read of every public row)."""
    if village_code is None:
        sql = (
            f"SELECT published_at FROM disclosures WHERE {_PUBLIC_BY_TIME} "
            "AND published_at IS NOT NULL ORDER BY published_at DESC LIMIT 1"
        )
        row = next(db.query(sql), None)
        return from_text(row["published_at"]) if row else None
    sql = f"SELECT max(published_at) AS published_at FROM disclosures WHERE {_PUBLIC} "
    sql += "AND village_code = ?"
    return from_text(next(db.query(sql, [village_code]))["published_at"])
