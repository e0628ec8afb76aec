"""Disclosures (公开事项) with their versions, rows, sign-offs and filing records (DESIGN §3)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

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


@dataclass(frozen=True, slots=True)
class Row:
    position: int
    section: str  # finance: income | expense; subsidy: subsidy
    data: dict
    amount_fen: int
    ytd_fen: int | None


@dataclass(frozen=True, slots=True)
class Signoff:
    round: int
    user_id: int
    name: str
    decision: str
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Filing:
    disclosure_id: int
    village_code: str
    drafted_by: int
    drafted_by_name: str
    signed_by: list
    published_at: datetime
    checksum: str


_COLUMNS = (
    "id, village_code, kind, category, period, title, body, major, status, version, root_id, "
    "supersedes_id, superseded_by_id, opening_fen, closing_fen, source_name, review_round, "
    "reject_reason, changes, created_by, created_at, updated_at, submitted_at, approved_at, "
    "publish_due_at, published_at"
)


def _row(r: tuple) -> Disclosure:
    return Disclosure(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        bool(r[7]),
        r[8],
        r[9],
        r[10] or r[0],
        r[11],
        r[12],
        r[13],
        r[14],
        r[15],
        r[16],
        r[17],
        json.loads(r[18]) if r[18] else None,
        r[19],
        from_text(r[20]),
        from_text(r[21]),
        from_text(r[22]),
        from_text(r[23]),
        from_text(r[24]),
        from_text(r[25]),
    )


def _select(db: Database, condition: str, params: list) -> list[Disclosure]:
    """Disclosures matching a WHERE condition (with its ORDER BY / LIMIT)."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM disclosures d WHERE {condition}", params)
    return [_row(r) for r in rows.fetchall()]


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
) -> list[Disclosure]:
    """A village's disclosures in these states (all villages when None), newest first."""
    where = [f"status IN ({','.join('?' * len(statuses))})"]
    params: list[object] = list(statuses)
    if village_code is not None:
        where.append("village_code = ?")
        params.append(village_code)
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


# -- rows ------------------------------------------------------------------------------------


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
    rows = db.execute(
        "SELECT position, section, data, amount_fen, ytd_fen FROM disclosure_rows "
        "WHERE disclosure_id = ? ORDER BY position",
        [disclosure_id],
    ).fetchall()
    return [Row(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows]


# -- sign-offs (REV-01) ----------------------------------------------------------------------


def add_signoff(
    db: Database,
    disclosure_id: int,
    round_: int,
    user_id: int,
    name: str,
    decision: str,
    reason: str | None,
) -> bool:
    """Record one supervisor's decision for a review round; False when they already decided."""
    cur = db.execute(
        "INSERT OR IGNORE INTO disclosure_signoffs (disclosure_id, round, user_id, name, "
        "decision, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [disclosure_id, round_, user_id, name, decision, reason, now_text()],
    )
    return cur.rowcount == 1


def signoffs(db: Database, disclosure_id: int, round_: int | None = None) -> list[Signoff]:
    """Decisions on a disclosure (one round, or all), in order."""
    sql = (
        "SELECT round, user_id, name, decision, reason, at FROM disclosure_signoffs "
        "WHERE disclosure_id = ?"
    )
    params: list[object] = [disclosure_id]
    if round_ is not None:
        sql += " AND round = ?"
        params.append(round_)
    rows = db.execute(sql + " ORDER BY id", params).fetchall()
    return [Signoff(r[0], r[1], r[2], r[3], r[4], from_text(r[5])) for r in rows]


def awaiting(db: Database, village_code: str, user_id: int) -> list[Disclosure]:
    """Items in review in a village that this supervisor has not decided on yet."""
    return _select(
        db,
        "village_code = ? AND status = 'in_review' "
        "AND NOT EXISTS (SELECT 1 FROM disclosure_signoffs s WHERE s.disclosure_id = d.id "
        "AND s.round = d.review_round AND s.user_id = ?) ORDER BY submitted_at, id",
        [village_code, user_id],
    )


# -- filing records (备案, ARC-01) -----------------------------------------------------------


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
    r = db.execute(
        "SELECT disclosure_id, village_code, drafted_by, drafted_by_name, signed_by, "
        "published_at, checksum FROM disclosure_filings WHERE disclosure_id = ?",
        [disclosure_id],
    ).fetchone()
    return Filing(r[0], r[1], r[2], r[3], json.loads(r[4]), from_text(r[5]), r[6]) if r else None


# -- subscriptions ---------------------------------------------------------------------------


def subscribe(db: Database, user_id: int, village_code: str, category: str) -> bool:
    """Subscribe to a village's category ('*' = everything); True when new."""
    cur = db.execute(
        "INSERT OR IGNORE INTO disclosure_subscriptions (user_id, village_code, category, "
        "created_at) VALUES (?, ?, ?, ?)",
        [user_id, village_code, category, now_text()],
    )
    return cur.rowcount == 1


def unsubscribe(db: Database, user_id: int, village_code: str, category: str | None) -> int:
    """Drop one subscription, or all of a person's when category is None."""
    if category is None:
        sql, params = "DELETE FROM disclosure_subscriptions WHERE user_id = ?", [user_id]
    else:
        sql = (
            "DELETE FROM disclosure_subscriptions WHERE user_id = ? AND village_code = ? "
            "AND category = ?"
        )
        params = [user_id, village_code, category]
    return db.execute(sql, params).rowcount


def subscriptions_of(db: Database, user_id: int) -> list[str]:
    """The categories a person follows."""
    rows = db.execute(
        "SELECT category FROM disclosure_subscriptions WHERE user_id = ? ORDER BY created_at",
        [user_id],
    ).fetchall()
    return [r[0] for r in rows]


def subscribers(db: Database, village_code: str, category: str) -> list[int]:
    """Active people following this village's category (or all of its categories)."""
    rows = db.execute(
        "SELECT DISTINCT s.user_id FROM disclosure_subscriptions s "
        "JOIN users u ON u.user_id = s.user_id "
        "WHERE s.village_code = ? AND s.category IN (?, '*') AND u.active = 1 ORDER BY s.user_id",
        [village_code, category],
    ).fetchall()
    return [r[0] for r in rows]


# -- reminders and alerts sent (idempotency of scheduled notices) ----------------------------


def claim_reminder(db: Database, key: str) -> bool:
    """Record that a scheduled notice was queued; False when it already was."""
    cur = db.execute(
        "INSERT OR IGNORE INTO disclosure_reminders (key, at) VALUES (?, ?)", [key, now_text()]
    )
    return cur.rowcount == 1


# -- search (FTS5, trigram tokenizer: Chinese matches without spaces) ------------------------


def index(db: Database, disclosure_id: int, title: str, body: str, rows_text: str) -> None:
    """Make a published version findable."""
    db.execute("DELETE FROM disclosure_search WHERE rowid = ?", [disclosure_id])
    db.execute(
        "INSERT INTO disclosure_search (rowid, title, body, rows) VALUES (?, ?, ?, ?)",
        [disclosure_id, title, body, rows_text],
    )


def search(db: Database, terms: list[str], village_code: str | None, limit: int) -> list[int]:
    """Ids of indexed versions matching every term, best first.

    Terms of three or more characters use the trigram index; shorter ones (e.g. 修路) fall back
    to LIKE over the same table, which the trigram tokenizer also answers.
    """
    where: list[str] = []
    params: list[object] = []
    long_terms = [t for t in terms if len(t) >= 3]
    if long_terms:
        where.append("disclosure_search MATCH ?")
        params.append(" AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
    for term in (t for t in terms if len(t) < 3):
        where.append(
            "(disclosure_search.title LIKE ? OR disclosure_search.body LIKE ? "
            "OR disclosure_search.rows LIKE ?)"
        )
        params += [f"%{term}%"] * 3
    if not where:
        return []
    sql = (
        "SELECT disclosure_search.rowid FROM disclosure_search "
        "JOIN disclosures d ON d.id = disclosure_search.rowid "
        f"WHERE {' AND '.join(where)}"
    )
    if village_code is not None:
        sql += " AND d.village_code = ?"
        params.append(village_code)
    sql += " ORDER BY d.published_at DESC LIMIT ?"
    params.append(limit)
    return [r[0] for r in db.execute(sql, params).fetchall()]
