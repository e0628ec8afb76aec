"""The table rows of a finance or subsidy disclosure (`disclosure_rows`), in file order."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick


@dataclass(frozen=True, slots=True)
class Row:
    position: int
    section: str  # finance: income | expense; subsidy: subsidy
    data: dict
    amount_fen: int
    ytd_fen: int | None
    # The stored row's id (None before it is stored): a resident's question names its line by it.
    id: int | None = field(default=None, compare=False)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A disclosure row from a `disclosure_rows` row read by column name."""
        return cls(**pick(cls, row) | {"data": json.loads(row["data"])})


def replace_rows(db: Database, disclosure_id: int, rows: list[Row]) -> None:
    """Put a new set of rows on a draft (an import replaces the whole table)."""
    db.execute("DELETE FROM disclosure_rows WHERE disclosure_id = ?", [disclosure_id])
    db.conn.executemany(
        "INSERT INTO disclosure_rows (disclosure_id, position, section, data, amount_fen, "
        "ytd_fen) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                disclosure_id,
                r.position,
                r.section,
                json.dumps(r.data, ensure_ascii=False),
                r.amount_fen,
                r.ytd_fen,
            )
            for r in rows
        ],
    )


def rows_of(db: Database, disclosure_id: int) -> list[Row]:
    """A disclosure's rows in file order."""
    rows = db.query(
        "SELECT * FROM disclosure_rows WHERE disclosure_id = ? ORDER BY position", [disclosure_id]
    )
    return [Row.from_row(r) for r in rows]


@dataclass(frozen=True, slots=True)
class ListedName:
    """Who one line of a published subsidy list names: the household head and village group."""

    disclosure_id: int
    position: int
    head: str
    group: str
    published_at: str


def published_subsidy_names(db: Database, village_code: str) -> list[ListedName]:
    """Each line of a village's current (published, not superseded) subsidy lists, newest
    published first, in file order within a list."""
    rows = db.query(
        "SELECT r.disclosure_id, r.position, d.published_at, "
        "coalesce(json_extract(r.data, '$.head'), '') AS head, "
        "coalesce(json_extract(r.data, '$.group'), '') AS \"group\" "
        "FROM disclosure_rows r JOIN disclosures d ON d.id = r.disclosure_id "
        "WHERE d.village_code = ? AND d.kind = 'subsidy' AND d.status = 'published' "
        "ORDER BY d.published_at DESC, d.id DESC, r.position",
        [village_code],
    )
    return [ListedName(**pick(ListedName, r)) for r in rows]


def row_at(db: Database, disclosure_id: int, position: int) -> Row | None:
    """One row of a disclosure by its position."""
    found = db.query(
        "SELECT * FROM disclosure_rows WHERE disclosure_id = ? AND position = ?",
        [disclosure_id, position],
    )
    return next((Row.from_row(r) for r in found), None)


def row_of(db: Database, row_id: int) -> tuple[int, Row] | None:
    """One stored row by id, with the id of the disclosure it belongs to."""
    for found in db.query("SELECT * FROM disclosure_rows WHERE id = ?", [row_id]):
        return found["disclosure_id"], Row.from_row(found)
    return None
