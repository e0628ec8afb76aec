"""Point-topic requests (点题): the topics table, receipt counters, supports (附议), urges (督办).

Dates of deadlines are local calendar dates (`YYYY-MM-DD`); moments are aware UTC text.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import day_from_text, from_text, to_text

OPEN = "assigned"
RESPONDED = ("answered", "declined")


@dataclass(frozen=True, slots=True)
class Topic:
    id: int
    receipt: str
    village_code: str
    requester_id: int
    category: str
    text: str
    media_kind: str | None
    media_file_id: str | None
    status: str
    routed_to: str
    assignee_id: int | None
    first_owner_id: int | None
    filed_at: datetime
    cycle_start: datetime
    due_date: date
    due_provisional: bool
    extended: bool
    reopened: int
    joint: bool
    answer_id: int | None
    responded_at: datetime | None
    first_responded_at: datetime | None
    rating: str | None
    rated_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    # The official who filed it for a resident without a phone (代办), then also the requester;
    # the resident's name is read only through `storage.topic_proxies`.
    filed_by: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def is_proxy(self) -> bool:
        return self.filed_by is not None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A topic from a `topics` row read by column name."""
        return cls(
            **pick(cls, row)
            | {
                "filed_at": from_text(row["filed_at"]),
                "cycle_start": from_text(row["cycle_start"]),
                "due_date": day_from_text(row["due_date"]),
                "due_provisional": bool(row["due_provisional"]),
                "extended": bool(row["extended"]),
                "joint": bool(row["joint"]),
                "responded_at": from_text(row["responded_at"]),
                "first_responded_at": from_text(row["first_responded_at"]),
                "rated_at": from_text(row["rated_at"]),
                "closed_at": from_text(row["closed_at"]),
            }
        )


def _select(db: Database, condition: str, params: list | None = None) -> list[Topic]:
    """Topics matching a WHERE condition (with its ORDER BY / LIMIT)."""
    rows = db.query(f"SELECT * FROM topics WHERE {condition}", params or [])
    return [Topic.from_row(r) for r in rows]


# -- receipt numbers ---------------------------------------------------------------------------


def next_number(db: Database, year: int) -> int:
    """The next receipt sequence number of a year (unique per township = per database)."""
    db.execute(
        "INSERT INTO topic_counters (year, last) VALUES (?, 1) "
        "ON CONFLICT(year) DO UPDATE SET last = last + 1",
        [year],
    )
    return db.execute("SELECT last FROM topic_counters WHERE year = ?", [year]).fetchone()[0]


# -- topics ------------------------------------------------------------------------------------


def create(
    db: Database,
    *,
    receipt: str,
    village_code: str,
    requester_id: int,
    category: str,
    text: str,
    media_kind: str | None,
    media_file_id: str | None,
    routed_to: str,
    assignee_id: int | None,
    at: datetime,
    due_date: date,
    due_provisional: bool,
) -> int:
    """Store a new topic, already routed; returns its id."""
    cur = db.execute(
        "INSERT INTO topics (receipt, village_code, requester_id, category, text, media_kind, "
        "media_file_id, routed_to, assignee_id, first_owner_id, filed_at, cycle_start, due_date, "
        "due_provisional, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            receipt,
            village_code,
            requester_id,
            category,
            text,
            media_kind,
            media_file_id,
            routed_to,
            assignee_id,
            assignee_id,
            to_text(at),
            to_text(at),
            due_date.isoformat(),
            int(due_provisional),
            to_text(at),
        ],
    )
    return cur.lastrowid


def get(db: Database, topic_id: int) -> Topic | None:
    """One topic by id."""
    found = _select(db, "id = ?", [topic_id])
    return found[0] if found else None


def by_receipt(db: Database, receipt: str) -> Topic | None:
    """One topic by its receipt number (canonical form)."""
    found = _select(db, "receipt = ?", [receipt])
    return found[0] if found else None


def of_requester(db: Database, user_id: int, limit: int = 30) -> list[Topic]:
    """A resident's own topics, newest first."""
    return _select(db, "requester_id = ? ORDER BY id DESC LIMIT ?", [user_id, limit])


def count_filed_since(db: Database, user_id: int, since: datetime) -> int:
    """How many topics a resident filed from a moment on (the daily limit)."""
    return db.execute(
        "SELECT count(*) FROM topics WHERE requester_id = ? AND filed_at >= ?",
        [user_id, to_text(since)],
    ).fetchone()[0]


def open_for_official(db: Database, user_id: int, village_code: str) -> list[Topic]:
    """Open topics an official must act on: theirs, and their village's unowned ones."""
    return _select(
        db,
        "status = 'assigned' AND (assignee_id = ? OR (assignee_id IS NULL "
        "AND routed_to = 'officials' AND village_code = ?)) ORDER BY due_date, id",
        [user_id, village_code],
    )


def held_by(db: Database, user_id: int, village_code: str) -> list[Topic]:
    """Topics of a village not yet closed whose assignee is this person."""
    return _select(
        db,
        "status != 'closed' AND assignee_id = ? AND village_code = ? ORDER BY id",
        [user_id, village_code],
    )


def open_for_township(db: Database) -> list[Topic]:
    """Open topics routed to the township because their village has no official."""
    return _select(
        db,
        "status = 'assigned' AND routed_to = 'township' AND assignee_id IS NULL "
        "ORDER BY due_date, id",
    )


def _in_village(condition: str, params: list, village_code: str | None) -> tuple[str, list]:
    """A condition narrowed to one village when a code is given."""
    return _in_villages(condition, params, [village_code] if village_code else None)


def _in_villages(condition: str, params: list, villages: Collection[str] | None) -> tuple:
    """A condition narrowed to these villages when given (a township's, of a county)."""
    if villages is None:
        return condition, params
    marks = ", ".join("?" * len(villages))
    return f"{condition} AND village_code IN ({marks})", [*params, *villages]


def open_topics(db: Database, village_code: str | None = None) -> list[Topic]:
    """Every open topic (of one village), oldest due first."""
    condition, params = _in_village("status = 'assigned'", [], village_code)
    return _select(db, condition + " ORDER BY due_date, id", params)


def filed_between(
    db: Database,
    start: datetime,
    end: datetime,
    village_code: str | None = None,
    villages: Collection[str] | None = None,
) -> list[Topic]:
    """Topics filed in [start, end) (of one village, or of these villages)."""
    villages = [village_code] if village_code else villages
    between = "filed_at >= ? AND filed_at < ?"
    condition, params = _in_villages(between, [to_text(start), to_text(end)], villages)
    return _select(db, condition + " ORDER BY id", params)


def escalated_since(db: Database, since: datetime, villages: Collection[str] | None = None) -> list:
    """Topics closed as escalations from a moment on (of these villages, or all)."""
    escalated = "close_reason = 'escalated' AND closed_at >= ?"
    condition, params = _in_villages(escalated, [to_text(since)], villages)
    return _select(db, condition + " ORDER BY id", params)


def set_category(db: Database, topic_id: int, category: str, at: datetime) -> None:
    db.execute(
        "UPDATE topics SET category = ?, updated_at = ? WHERE id = ?",
        [category, to_text(at), topic_id],
    )


def assign(db: Database, topic_id: int, user_id: int, at: datetime) -> None:
    """Give the topic an owner; the first owner of record never changes (FCR-01)."""
    db.execute(
        "UPDATE topics SET assignee_id = ?, first_owner_id = coalesce(first_owner_id, ?), "
        "updated_at = ? WHERE id = ?",
        [user_id, user_id, to_text(at), topic_id],
    )


def reroute(
    db: Database, topic_id: int, routed_to: str, assignee_id: int | None, at: datetime
) -> None:
    """Hand a topic back to its village's routing (its assignee's role ended); the first owner
    of record stays (FCR-01)."""
    db.execute(
        "UPDATE topics SET routed_to = ?, assignee_id = ?, updated_at = ? WHERE id = ?",
        [routed_to, assignee_id, to_text(at), topic_id],
    )


def set_due(
    db: Database, topic_id: int, due: date, provisional: bool, at: datetime, *, extended: bool
) -> None:
    """A new due date (an extension, or a recount on the official calendar)."""
    db.execute(
        "UPDATE topics SET due_date = ?, due_provisional = ?, extended = max(extended, ?), "
        "updated_at = ? WHERE id = ?",
        [due.isoformat(), int(provisional), int(extended), to_text(at), topic_id],
    )


def set_joint(db: Database, topic_id: int, at: datetime) -> None:
    db.execute("UPDATE topics SET joint = 1, updated_at = ? WHERE id = ?", [to_text(at), topic_id])


def respond(db: Database, topic_id: int, answer_id: int, status: str, at: datetime) -> bool:
    """Record an answer or refusal on an open topic; False when it was no longer open."""
    cur = db.execute(
        "UPDATE topics SET status = ?, answer_id = ?, responded_at = ?, "
        "first_responded_at = coalesce(first_responded_at, ?), updated_at = ? "
        "WHERE id = ? AND status = 'assigned'",
        [status, answer_id, to_text(at), to_text(at), to_text(at), topic_id],
    )
    return cur.rowcount == 1


def rate(db: Database, topic_id: int, rating: str, at: datetime) -> None:
    db.execute(
        "UPDATE topics SET rating = ?, rated_at = ?, updated_at = ? WHERE id = ?",
        [rating, to_text(at), to_text(at), topic_id],
    )


def reopen(db: Database, topic_id: int, due: date, provisional: bool, at: datetime) -> None:
    """Back to the assignee with a new due date (once, on 不满意: SAT-01, cn-practice §4.5)."""
    db.execute(
        "UPDATE topics SET status = 'assigned', reopened = reopened + 1, cycle_start = ?, "
        "due_date = ?, due_provisional = ?, extended = 0, responded_at = NULL, updated_at = ? "
        "WHERE id = ?",
        [to_text(at), due.isoformat(), int(provisional), to_text(at), topic_id],
    )


def close(db: Database, topic_id: int, reason: str, at: datetime) -> bool:
    """Close a topic (rated, not rated or escalated); False when it was already closed."""
    cur = db.execute(
        "UPDATE topics SET status = 'closed', closed_at = ?, close_reason = ?, updated_at = ? "
        "WHERE id = ? AND status != 'closed'",
        [to_text(at), reason, to_text(at), topic_id],
    )
    return cur.rowcount == 1


# -- supports ----------------------------------------------------------------------------------


def add_support(db: Database, topic_id: int, user_id: int, at: datetime) -> bool:
    """One support per person (附议); False when they had already supported it."""
    cur = db.execute(
        "INSERT OR IGNORE INTO topic_supports (topic_id, user_id, at) VALUES (?, ?, ?)",
        [topic_id, user_id, to_text(at)],
    )
    return cur.rowcount == 1


def supports(db: Database, topic_id: int) -> int:
    return db.execute(
        "SELECT count(*) FROM topic_supports WHERE topic_id = ?", [topic_id]
    ).fetchone()[0]


def supports_of(db: Database, topic_ids: list[int]) -> dict[int, int]:
    """How many supports each of these topics has (none: left out), in one query."""
    rows = db.execute(
        "SELECT topic_id, count(*) FROM topic_supports "
        "WHERE topic_id IN (SELECT value FROM json_each(?)) GROUP BY topic_id",
        [json.dumps(topic_ids)],
    )
    return dict(rows.fetchall())


# -- urges -------------------------------------------------------------------------------------


def add_urge(
    db: Database,
    topic_id: int,
    user_id: int | None,
    note: str | None,
    at: datetime,
    auto_day: date | None = None,
) -> int | None:
    """Record an urge (督办); an automatic one at most once per topic and day (None if dup)."""
    cur = db.execute(
        "INSERT OR IGNORE INTO topic_urges (topic_id, by_user_id, note, at, auto_day) "
        "VALUES (?, ?, ?, ?, ?)",
        [topic_id, user_id, note, to_text(at), auto_day and auto_day.isoformat()],
    )
    return cur.lastrowid if cur.rowcount == 1 else None


def auto_urged_on(db: Database, day: date) -> set[int]:
    """Topics already urged automatically on a local day."""
    rows = db.query("SELECT topic_id FROM topic_urges WHERE auto_day = ?", [day.isoformat()])
    return {r["topic_id"] for r in rows}
