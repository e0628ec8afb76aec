"""Immutable filing records (备案, ARC-01) of published disclosure versions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import from_text, to_text


@dataclass(frozen=True, slots=True)
class Filing:
    disclosure_id: int
    village_code: str
    drafted_by: int
    drafted_by_name: str
    signed_by: list
    published_at: datetime
    checksum: str

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
    """Write the immutable filing record of one published version."""
    db.execute(
        "INSERT INTO disclosure_filings (disclosure_id, village_code, drafted_by, "
        "drafted_by_name, signed_by, published_at, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            disclosure_id,
            village_code,
            drafted_by,
            drafted_by_name,
            json.dumps(signed_by, ensure_ascii=False),
            to_text(published_at),
            checksum,
        ],
    )


def filing(db: Database, disclosure_id: int) -> Filing | None:
    """The filing record of a published version."""
    row = next(
        db.query("SELECT * FROM disclosure_filings WHERE disclosure_id = ?", [disclosure_id]),
        None,
    )
    return Filing.from_row(row) if row else None
