"""Immutable filing records (备案, ARC-01) of published disclosure versions, chained by hash.

Each record's `hash` covers its own fields, the content checksum of the version it files and
the previous record's hash, so changing or removing any record breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import from_text, to_text

# The "previous hash" of the first record in the chain.
GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Filing:
    disclosure_id: int
    village_code: str
    drafted_by: int
    drafted_by_name: str
    signed_by: list
    published_at: datetime
    checksum: str
    prev_hash: str
    hash: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A filing record from a `disclosure_filings` row read by column name."""
        return cls(
            **pick(cls, row)
            | {
                "signed_by": json.loads(row["signed_by"]),
                "published_at": from_text(row["published_at"]),
            }
        )


def chain_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """SHA-256 of a record's stored fields and the previous record's hash (canonical JSON)."""
    fields = {
        "prev_hash": prev_hash,
        "disclosure_id": row["disclosure_id"],
        "village_code": row["village_code"],
        "drafted_by": row["drafted_by"],
        "drafted_by_name": row["drafted_by_name"],
        "signed_by": row["signed_by"],
        "published_at": row["published_at"],
        "checksum": row["checksum"],
    }
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def add_filing(
    db: Database,
    disclosure_id: int,
    village_code: str,
    drafted_by: int,
    drafted_by_name: str,
    signed_by: list,
    published_at: datetime,
    checksum: str,
) -> None:
    """Write the immutable filing record of one published version at the head of the chain."""
    row = {
        "disclosure_id": disclosure_id,
        "village_code": village_code,
        "drafted_by": drafted_by,
        "drafted_by_name": drafted_by_name,
        "signed_by": json.dumps(signed_by, ensure_ascii=False),
        "published_at": to_text(published_at),
        "checksum": checksum,
    }
    prev_hash = head(db) or GENESIS
    db.execute(
        "INSERT INTO disclosure_filings (disclosure_id, village_code, drafted_by, "
        "drafted_by_name, signed_by, published_at, checksum, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [*row.values(), prev_hash, chain_hash(prev_hash, row)],
    )


def filing(db: Database, disclosure_id: int) -> Filing | None:
    """The filing record of a published version."""
    row = next(
        db.query("SELECT * FROM disclosure_filings WHERE disclosure_id = ?", [disclosure_id]),
        None,
    )
    return Filing.from_row(row) if row else None


def head(db: Database) -> str | None:
    """The hash of the newest record: the chain head anyone may note down; None when empty."""
    row = next(db.query("SELECT hash FROM disclosure_filings ORDER BY id DESC LIMIT 1"), None)
    return row["hash"] if row else None


def chain(db: Database) -> Iterator[tuple[Filing, str]]:
    """Every record in filing order, with the hash its stored fields give when re-hashed."""
    for row in db.query("SELECT * FROM disclosure_filings ORDER BY id"):
        yield Filing.from_row(row), chain_hash(row["prev_hash"], row)


def unfiled(db: Database) -> list[int]:
    """Published or superseded versions that have no filing record, oldest first."""
    return [
        row["id"]
        for row in db.query(
            "SELECT d.id FROM disclosures d LEFT JOIN disclosure_filings f "
            "ON f.disclosure_id = d.id WHERE d.status IN ('published', 'superseded') "
            "AND f.id IS NULL ORDER BY d.id"
        )
    ]
