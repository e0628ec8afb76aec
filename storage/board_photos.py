"""Photos of the paper board (张贴照片): proof that a published disclosure's poster was posted.

Every photo sent is kept (an official may send a better one later); pages show the newest.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import field_names, pick
from storage.times import from_text, to_text

# The largest photo stored, in bytes (the table checks it too).
MAX_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class BoardPhoto:
    """One photo's facts, without its bytes (`content` reads those)."""

    id: int
    disclosure_id: int
    village_code: str
    mime_type: str
    taken_at: datetime
    taken_from: str  # exif | received
    received_at: datetime
    sent_by: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A photo from a `board_photos` row read by column name."""
        times = {name: from_text(row[name]) for name in ("taken_at", "received_at")}
        return cls(**pick(cls, row) | times)


_COLUMNS = ", ".join(field_names(BoardPhoto))


def add(
    db: Database,
    *,
    disclosure_id: int,
    village_code: str,
    content: bytes,
    mime_type: str,
    taken_at: datetime,
    taken_from: str,
    received_at: datetime,
    sent_by: int,
) -> int:
    """Store a photo for a disclosure and return its id."""
    cur = db.execute(
        "INSERT INTO board_photos (disclosure_id, village_code, content, mime_type, taken_at, "
        "taken_from, received_at, sent_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            disclosure_id,
            village_code,
            content,
            mime_type,
            to_text(taken_at),
            taken_from,
            to_text(received_at),
            sent_by,
        ],
    )
    return cur.lastrowid


def newest(db: Database, disclosure_id: int) -> BoardPhoto | None:
    """The newest photo of a disclosure's posted poster, or None."""
    rows = db.query(
        f"SELECT {_COLUMNS} FROM board_photos WHERE disclosure_id = ? ORDER BY id DESC LIMIT 1",
        [disclosure_id],
    )
    row = next(iter(rows), None)
    return None if row is None else BoardPhoto.from_row(row)


def content(db: Database, photo_id: int) -> bytes | None:
    """A stored photo's bytes."""
    row = next(iter(db.query("SELECT content FROM board_photos WHERE id = ?", [photo_id])), None)
    return None if row is None else row["content"]


def _among(villages: Collection[str] | None) -> tuple[str, list[str]]:
    if villages is None:
        return "", []
    return f" AND d.village_code IN ({', '.join('?' * len(villages))})", list(villages)


_MISSING = (
    "FROM disclosures d JOIN villages v ON v.code = d.village_code AND v.active = 1 "
    "WHERE d.status = 'published' AND d.published_at < ?{among} "
    "AND NOT EXISTS (SELECT 1 FROM board_photos p WHERE p.disclosure_id = d.id) "
)


def without_photo(
    db: Database, published_before: datetime, villages: Collection[str] | None = None
) -> list[tuple[str, int]]:
    """(village code, disclosure id) of the current published items of active villages (of
    these villages, or all) published before a moment that have no photo yet, by village then
    number."""
    among, params = _among(villages)
    rows = db.execute(
        "SELECT d.village_code, d.id " + _MISSING.format(among=among) + "ORDER BY 1, 2",
        [to_text(published_before), *params],
    )
    return [(code, item_id) for code, item_id in rows]


def villages_without_photo(
    db: Database, published_before: datetime, villages: Collection[str] | None = None
) -> list[tuple[str, str]]:
    """(code, name) of the active villages (of these, or all) with such an item: what a digest
    names. Asked village by village, each stopping at its first such item (a township has
    thousands of published items, not one per village)."""
    among = "" if villages is None else f" AND v.code IN ({', '.join('?' * len(villages))})"
    rows = db.execute(
        f"SELECT v.code, v.name FROM villages v WHERE v.active = 1{among} AND EXISTS (SELECT 1 "
        "FROM disclosures d WHERE d.status = 'published' AND d.village_code = v.code "
        "AND d.published_at < ? "
        "AND NOT EXISTS (SELECT 1 FROM board_photos p WHERE p.disclosure_id = d.id)) ORDER BY 1",
        [*(villages or ()), to_text(published_before)],
    )
    return [(code, name) for code, name in rows]
