"""Disclosures (公开事项) and their versions, with the review queue and sent reminders (DESIGN §3).

Rows, sign-offs, filing records, forms, subscriptions and search live in their own modules.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import from_text, now_text, to_text

OPEN_STATUSES = ("draft", "in_review", "approved")
PUBLIC_STATUSES = ("published", "superseded")


@dataclass(frozen=True, slots=True)
class Disclosure:
    id: int
    village_code: str
    kind: str
    category: str
    period: str
    title: str
    body: str
    major: bool
    status: str
    version: int
    root_id: int
    supersedes_id: int | None
    superseded_by_id: int | None
    opening_fen: int | None
    closing_fen: int | None
    source_name: str | None
    review_round: int
    reject_reason: str | None
    changes: list | None
    created_by: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    publish_due_at: datetime | None
    published_at: datetime | None

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A disclosure from a `disclosures` row read by column name."""
        times = ("created_at", "updated_at", "submitted_at", "approved_at", "publish_due_at")
        return cls(
            **pick(cls, row)
            | {name: from_text(row[name]) for name in (*times, "published_at")}
            | {
                "major": bool(row["major"]),
                # The first version is its own root.
                "root_id": row["root_id"] or row["id"],
                "changes": json.loads(row["changes"]) if row["changes"] else None,
            }
        )


def _select(db: Database, condition: str, params: list) -> list[Disclosure]:
    """Disclosures matching a WHERE condition (with its ORDER BY / LIMIT)."""
    rows = db.query(f"SELECT * FROM disclosures d WHERE {condition}", params)
    return [Disclosure.from_row(r) for r in rows]


# -- disclosures -----------------------------------------------------------------------------


def create(
    db: Database,
    *,
    village_code: str,
    kind: str,
    category: str,
    period: str,
    title: str,
    body: str,
    created_by: int,
    major: bool = False,
    version: int = 1,
    root_id: int | None = None,
    supersedes_id: int | None = None,
    opening_fen: int | None = None,
    closing_fen: int | None = None,
    source_name: str | None = None,
) -> int:
    """Insert a new draft and return its id."""
    now = now_text()
    cur = db.execute(
        "INSERT INTO disclosures (village_code, kind, category, period, title, body, major, "
        "version, root_id, supersedes_id, opening_fen, closing_fen, source_name, created_by, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            village_code,
            kind,
            category,
            period,
            title,
            body,
            int(major),
            version,
            root_id,
            supersedes_id,
            opening_fen,
            closing_fen,
            source_name,
            created_by,
            now,
            now,
        ],
    )
    disclosure_id = cur.lastrowid
    if root_id is None:
        db.execute("UPDATE disclosures SET root_id = id WHERE id = ?", [disclosure_id])
    return disclosure_id


def get(db: Database, disclosure_id: int) -> Disclosure | None:
    """One disclosure by id."""
    found = _select(db, "id = ?", [disclosure_id])
    return found[0] if found else None


def update_content(
    db: Database,
    disclosure_id: int,
    *,
    title: str | None = None,
    body: str | None = None,
    opening_fen: int | None = None,
    closing_fen: int | None = None,
    source_name: str | None = None,
) -> None:
    """Change a draft's text or balances (only drafts are ever changed: callers check)."""
    db.execute(
        "UPDATE disclosures SET title = coalesce(?, title), body = coalesce(?, body), "
        "opening_fen = coalesce(?, opening_fen), closing_fen = coalesce(?, closing_fen), "
        "source_name = coalesce(?, source_name), updated_at = ? WHERE id = ? AND status = 'draft'",
        [title, body, opening_fen, closing_fen, source_name, now_text(), disclosure_id],
    )


def set_major(db: Database, disclosure_id: int, major: bool) -> None:
    """Mark a draft as a major item (重大事项, published at once on approval)."""
    db.execute(
        "UPDATE disclosures SET major = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
        [int(major), now_text(), disclosure_id],
    )


def transition(
    db: Database, disclosure_id: int, from_status: str, to_status: str, **fields: object
) -> bool:
    """Move a disclosure from one status to the next; False when it was not in `from_status`.

    The guard in the WHERE clause makes every transition happen at most once, even when two
    ticks or two presses race (DESIGN §4, §7).
    """
    sets = ["status = ?", "updated_at = ?"]
    values: list[object] = [to_status, now_text()]
    for name, value in fields.items():
        sets.append(f"{name} = ?")
        if isinstance(value, datetime):
            value = to_text(value)
        elif isinstance(value, list | dict):
            value = json.dumps(value, ensure_ascii=False)
        values.append(value)
    cur = db.execute(
        f"UPDATE disclosures SET {', '.join(sets)} WHERE id = ? AND status = ?",
        [*values, disclosure_id, from_status],
    )
    return cur.rowcount == 1


def of_village(
    db: Database,
    village_code: str | None,
    statuses: tuple[str, ...],
    *,
    category: str | None = None,
    period: str | None = None,
    limit: int = 30,
    among: Collection[str] | None = None,
) -> list[Disclosure]:
    """A village's disclosures in these states (all villages when None, or those `among`),
    newest first."""
    where = [f"status IN ({','.join('?' * len(statuses))})"]
    params: list[object] = list(statuses)
    if village_code is not None:
        where.append("village_code = ?")
        params.append(village_code)
    elif among is not None:
        where.append(f"village_code IN ({','.join('?' * len(among))})")
        params.extend(sorted(among))
    if category is not None:
        where.append("category = ?")
        params.append(category)
    if period is not None:
        where.append("period LIKE ?")
        params.append(f"{period}%")
    return _select(
        db,
        f"{' AND '.join(where)} ORDER BY coalesce(published_at, updated_at) DESC, id DESC LIMIT ?",
        [*params, limit],
    )


def due_for_publication(db: Database, now: datetime) -> list[Disclosure]:
    """Approved items whose publication time has come (or passed while the bot was down)."""
    return _select(
        db,
        "status = 'approved' AND publish_due_at <= ? ORDER BY publish_due_at, id",
        [to_text(now)],
    )


def has_item_for_period(
    db: Database, village_code: str, period: str, statuses: tuple[str, ...]
) -> bool:
    """Whether the village has anything for this period in one of these states."""
    row = db.execute(
        f"SELECT 1 FROM disclosures WHERE village_code = ? AND period = ? "
        f"AND status IN ({','.join('?' * len(statuses))}) LIMIT 1",
        [village_code, period, *statuses],
    ).fetchone()
    return row is not None


def villages_with_item_for_period(
    db: Database, codes: Collection[str], period: str, statuses: tuple[str, ...]
) -> set[str]:
    """Which of these villages have anything for this period in one of these states."""
    rows = db.execute(
        f"SELECT DISTINCT village_code FROM disclosures WHERE village_code IN "
        f"({','.join('?' * len(codes))}) AND period = ? "
        f"AND status IN ({','.join('?' * len(statuses))})",
        [*codes, period, *statuses],
    )
    return {code for (code,) in rows}


def open_correction(db: Database, disclosure_id: int) -> Disclosure | None:
    """A correction of this published version that is still being worked on."""
    found = _select(
        db,
        "supersedes_id = ? AND status IN ('draft', 'in_review', 'approved') "
        "ORDER BY id DESC LIMIT 1",
        [disclosure_id],
    )
    return found[0] if found else None


def published_in_year(db: Database, year: int, village_code: str | None) -> list[Disclosure]:
    """Every published (or later superseded) version of a year's periods, for the archive."""
    params: list[object] = [f"{year}%"]
    village = ""
    if village_code is not None:
        village = "AND village_code = ? "
        params.append(village_code)
    return _select(
        db,
        "status IN ('published', 'superseded') "
        f"AND period LIKE ? {village}ORDER BY village_code, period, root_id, version",
        params,
    )


def awaiting(db: Database, village_code: str, user_id: int) -> list[Disclosure]:
    """Items in review in a village that this supervisor has not decided on yet."""
    return _select(
        db,
        "village_code = ? AND status = 'in_review' "
        "AND NOT EXISTS (SELECT 1 FROM disclosure_signoffs s WHERE s.disclosure_id = d.id "
        "AND s.round = d.review_round AND s.user_id = ?) ORDER BY submitted_at, id",
        [village_code, user_id],
    )


# -- reminders and alerts sent (idempotency of scheduled notices) ----------------------------


def claim_reminder(db: Database, key: str) -> bool:
    """Record that a scheduled notice was queued; False when it already was."""
    cur = db.execute(
        "INSERT OR IGNORE INTO disclosure_reminders (key, at) VALUES (?, ?)", [key, now_text()]
    )
    return cur.rowcount == 1
