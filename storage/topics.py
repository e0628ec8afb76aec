"""Point-topic requests (点题) and their answers: the topic aggregate's rows.

Dates of deadlines are local calendar dates (`YYYY-MM-DD`); moments are aware UTC text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlite_utils import Database

from storage.times import from_text, to_text

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

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


@dataclass(frozen=True, slots=True)
class Answer:
    id: int
    topic_id: int
    kind: str
    reason: str | None
    text: str
    link: str | None
    attachment_kind: str | None
    attachment_file_id: str | None
    by_user_id: int
    by_post: str
    at: datetime
    due_date: date
    on_time: bool


@dataclass(frozen=True, slots=True)
class Extension:
    id: int
    topic_id: int
    requested_by: int
    days: int
    reason: str
    requested_at: datetime
    status: str
    decided_by: int | None
    new_due_date: date | None


_COLUMNS = (
    "id, receipt, village_code, requester_id, category, text, media_kind, media_file_id, status, "
    "routed_to, assignee_id, first_owner_id, filed_at, cycle_start, due_date, extended, "
    "reopened, joint, answer_id, responded_at, first_responded_at, rating, rated_at, closed_at, "
    "close_reason"
)
_ANSWER_COLUMNS = (
    "id, topic_id, kind, reason, text, link, attachment_kind, attachment_file_id, by_user_id, "
    "by_post, at, due_date, on_time"
)
_EXTENSION_COLUMNS = (
    "id, topic_id, requested_by, days, reason, requested_at, status, decided_by, new_due_date"
)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _row(r: tuple) -> Topic:
    return Topic(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        r[7],
        r[8],
        r[9],
        r[10],
        r[11],
        from_text(r[12]),
        from_text(r[13]),
        _day(r[14]),
        bool(r[15]),
        r[16],
        bool(r[17]),
        r[18],
        from_text(r[19]),
        from_text(r[20]),
        r[21],
        from_text(r[22]),
        from_text(r[23]),
        r[24],
    )


def _answer(r: tuple) -> Answer:
    return Answer(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], from_text(r[10]),
        _day(r[11]), bool(r[12]),
    )  # fmt: skip


def _extension(r: tuple) -> Extension:
    return Extension(
        r[0], r[1], r[2], r[3], r[4], from_text(r[5]), r[6], r[7], _day(r[8])
    )  # fmt: skip


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
) -> int:
    """Store a new topic, already routed; returns its id."""
    cur = db.execute(
        "INSERT INTO topics (receipt, village_code, requester_id, category, text, media_kind, "
        "media_file_id, routed_to, assignee_id, first_owner_id, filed_at, cycle_start, due_date, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            to_text(at),
        ],
    )
    return cur.lastrowid


def get(db: Database, topic_id: int) -> Topic | None:
    """One topic by id."""
    row = db.execute(f"SELECT {_COLUMNS} FROM topics WHERE id = ?", [topic_id]).fetchone()
    return _row(row) if row else None


def by_receipt(db: Database, receipt: str) -> Topic | None:
    """One topic by its receipt number (canonical form)."""
    row = db.execute(f"SELECT {_COLUMNS} FROM topics WHERE receipt = ?", [receipt]).fetchone()
    return _row(row) if row else None


def of_requester(db: Database, user_id: int, limit: int = 30) -> list[Topic]:
    """A resident's own topics, newest first."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM topics WHERE requester_id = ? ORDER BY id DESC LIMIT ?",
        [user_id, limit],
    ).fetchall()
    return [_row(r) for r in rows]


def count_filed_since(db: Database, user_id: int, since: datetime) -> int:
    """How many topics a resident filed from a moment on (the daily limit)."""
    return db.execute(
        "SELECT count(*) FROM topics WHERE requester_id = ? AND filed_at >= ?",
        [user_id, to_text(since)],
    ).fetchone()[0]


def open_for_official(db: Database, user_id: int, village_code: str) -> list[Topic]:
    """Open topics an official must act on: theirs, and their village's unowned ones."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM topics WHERE status = 'assigned' AND ("
        "assignee_id = ? OR (assignee_id IS NULL AND routed_to = 'officials' "
        "AND village_code = ?)) ORDER BY due_date, id",
        [user_id, village_code],
    ).fetchall()
    return [_row(r) for r in rows]


def open_for_township(db: Database) -> list[Topic]:
    """Open topics routed to the township because their village has no official."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM topics WHERE status = 'assigned' AND routed_to = 'township' "
        "AND assignee_id IS NULL ORDER BY due_date, id"
    ).fetchall()
    return [_row(r) for r in rows]


def open_topics(db: Database, village_code: str | None = None) -> list[Topic]:
    """Every open topic (of one village), oldest due first."""
    sql = f"SELECT {_COLUMNS} FROM topics WHERE status = 'assigned'"
    params: list = []
    if village_code:
        sql += " AND village_code = ?"
        params.append(village_code)
    rows = db.execute(sql + " ORDER BY due_date, id", params).fetchall()
    return [_row(r) for r in rows]


def overdue(db: Database, today: date, village_code: str | None = None) -> list[Topic]:
    """Open topics whose due date has passed."""
    return [t for t in open_topics(db, village_code) if t.due_date < today]


def responded_before(db: Database, moment: datetime) -> list[Topic]:
    """Answered or declined topics still waiting for a rating since before a moment."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM topics WHERE status IN ('answered', 'declined') "
        "AND responded_at <= ? ORDER BY id",
        [to_text(moment)],
    ).fetchall()
    return [_row(r) for r in rows]


def filed_between(
    db: Database, start: datetime, end: datetime, village_code: str | None = None
) -> list[Topic]:
    """Topics filed in [start, end)."""
    sql = f"SELECT {_COLUMNS} FROM topics WHERE filed_at >= ? AND filed_at < ?"
    params: list = [to_text(start), to_text(end)]
    if village_code:
        sql += " AND village_code = ?"
        params.append(village_code)
    rows = db.execute(sql + " ORDER BY id", params).fetchall()
    return [_row(r) for r in rows]


def due_between(
    db: Database, first: date, last: date, village_code: str | None = None
) -> list[Topic]:
    """Topics whose current due date lies in [first, last]."""
    sql = f"SELECT {_COLUMNS} FROM topics WHERE due_date >= ? AND due_date <= ?"
    params: list = [first.isoformat(), last.isoformat()]
    if village_code:
        sql += " AND village_code = ?"
        params.append(village_code)
    rows = db.execute(sql + " ORDER BY id", params).fetchall()
    return [_row(r) for r in rows]


def escalated_since(db: Database, since: datetime) -> list[Topic]:
    """Topics closed as escalations from a moment on."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM topics WHERE close_reason = 'escalated' AND closed_at >= ? "
        "ORDER BY id",
        [to_text(since)],
    ).fetchall()
    return [_row(r) for r in rows]


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


def set_due(db: Database, topic_id: int, due_date: date, at: datetime, *, extended: bool) -> None:
    db.execute(
        "UPDATE topics SET due_date = ?, extended = max(extended, ?), updated_at = ? WHERE id = ?",
        [due_date.isoformat(), int(extended), to_text(at), topic_id],
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


def reopen(db: Database, topic_id: int, due_date: date, at: datetime) -> None:
    """Back to the assignee with a new due date (once, on 不满意: SAT-01, cn-practice §4.5)."""
    db.execute(
        "UPDATE topics SET status = 'assigned', reopened = reopened + 1, cycle_start = ?, "
        "due_date = ?, extended = 0, responded_at = NULL, updated_at = ? WHERE id = ?",
        [to_text(at), due_date.isoformat(), to_text(at), topic_id],
    )


def close(db: Database, topic_id: int, reason: str, at: datetime) -> bool:
    """Close a topic (rated, not rated or escalated); False when it was already closed."""
    cur = db.execute(
        "UPDATE topics SET status = 'closed', closed_at = ?, close_reason = ?, updated_at = ? "
        "WHERE id = ? AND status != 'closed'",
        [to_text(at), reason, to_text(at), topic_id],
    )
    return cur.rowcount == 1


# -- answers -----------------------------------------------------------------------------------


def add_answer(
    db: Database,
    *,
    topic_id: int,
    kind: str,
    reason: str | None,
    text: str,
    link: str | None,
    attachment_kind: str | None,
    attachment_file_id: str | None,
    by_user_id: int,
    by_post: str,
    at: datetime,
    due_date: date,
    on_time: bool,
) -> int:
    cur = db.execute(
        f"INSERT INTO topic_answers ({_ANSWER_COLUMNS.split(', ', 1)[1]}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            topic_id,
            kind,
            reason,
            text,
            link,
            attachment_kind,
            attachment_file_id,
            by_user_id,
            by_post,
            to_text(at),
            due_date.isoformat(),
            int(on_time),
        ],
    )
    return cur.lastrowid


def answer(db: Database, answer_id: int) -> Answer | None:
    row = db.execute(
        f"SELECT {_ANSWER_COLUMNS} FROM topic_answers WHERE id = ?", [answer_id]
    ).fetchone()
    return _answer(row) if row else None


def answers_of(db: Database, topic_id: int) -> list[Answer]:
    rows = db.execute(
        f"SELECT {_ANSWER_COLUMNS} FROM topic_answers WHERE topic_id = ? ORDER BY id", [topic_id]
    ).fetchall()
    return [_answer(r) for r in rows]


def wall(db: Database, village_code: str | None = None, limit: int = 50) -> list[tuple]:
    """(topic, answer) pairs for the feedback wall, newest first: the web board reads this."""
    sql = (
        f"SELECT {', '.join('t.' + c for c in _COLUMNS.split(', '))}, "
        f"{', '.join('a.' + c for c in _ANSWER_COLUMNS.split(', '))} "
        "FROM topic_answers a JOIN topics t ON t.id = a.topic_id"
    )
    params: list = []
    if village_code:
        sql += " WHERE t.village_code = ?"
        params.append(village_code)
    rows = db.execute(sql + " ORDER BY a.id DESC LIMIT ?", [*params, limit]).fetchall()
    width = len(_COLUMNS.split(", "))
    return [(_row(r[:width]), _answer(r[width:])) for r in rows]


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


# -- extensions --------------------------------------------------------------------------------


def request_extension(
    db: Database, topic_id: int, user_id: int, days: int, reason: str, at: datetime
) -> int:
    cur = db.execute(
        "INSERT INTO topic_extensions (topic_id, requested_by, days, reason, requested_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [topic_id, user_id, days, reason, to_text(at)],
    )
    return cur.lastrowid


def extension(db: Database, extension_id: int) -> Extension | None:
    row = db.execute(
        f"SELECT {_EXTENSION_COLUMNS} FROM topic_extensions WHERE id = ?", [extension_id]
    ).fetchone()
    return _extension(row) if row else None


def extensions_of(db: Database, topic_id: int) -> list[Extension]:
    rows = db.execute(
        f"SELECT {_EXTENSION_COLUMNS} FROM topic_extensions WHERE topic_id = ? ORDER BY id",
        [topic_id],
    ).fetchall()
    return [_extension(r) for r in rows]


def decide_extension(
    db: Database,
    extension_id: int,
    status: str,
    user_id: int,
    at: datetime,
    new_due_date: date | None,
) -> bool:
    """Approve or refuse a pending request; False when someone decided it first."""
    cur = db.execute(
        "UPDATE topic_extensions SET status = ?, decided_by = ?, decided_at = ?, new_due_date = ? "
        "WHERE id = ? AND status = 'pending'",
        [status, user_id, to_text(at), new_due_date and new_due_date.isoformat(), extension_id],
    )
    return cur.rowcount == 1


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
    rows = db.execute(
        "SELECT topic_id FROM topic_urges WHERE auto_day = ?", [day.isoformat()]
    ).fetchall()
    return {r[0] for r in rows}


def urges_between(
    db: Database, start: datetime, end: datetime, village_code: str | None = None
) -> tuple[int, int]:
    """(manual, automatic) urges recorded in [start, end) (STAT-12)."""
    sql = (
        "SELECT sum(u.auto_day IS NULL), sum(u.auto_day IS NOT NULL) FROM topic_urges u "
        "JOIN topics t ON t.id = u.topic_id WHERE u.at >= ? AND u.at < ?"
    )
    params: list = [to_text(start), to_text(end)]
    if village_code:
        sql += " AND t.village_code = ?"
        params.append(village_code)
    manual, auto = db.execute(sql, params).fetchone()
    return manual or 0, auto or 0


# -- routes ------------------------------------------------------------------------------------


def set_route(
    db: Database, village_code: str, category: str, user_id: int, set_by: int, at: datetime
) -> None:
    db.execute(
        "INSERT INTO topic_routes (village_code, category, user_id, set_by, set_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(village_code, category) DO UPDATE SET "
        "user_id = excluded.user_id, set_by = excluded.set_by, set_at = excluded.set_at",
        [village_code, category, user_id, set_by, to_text(at)],
    )


def clear_route(db: Database, village_code: str, category: str) -> bool:
    cur = db.execute(
        "DELETE FROM topic_routes WHERE village_code = ? AND category = ?",
        [village_code, category],
    )
    return cur.rowcount == 1


def routes(db: Database, village_code: str) -> dict[str, int]:
    """category (or 'head') → official's user id, as township staff set it with /route."""
    rows = db.execute(
        "SELECT category, user_id FROM topic_routes WHERE village_code = ?", [village_code]
    ).fetchall()
    return dict(rows)


# -- once-a-day marks --------------------------------------------------------------------------


def marked(db: Database, key: str) -> bool:
    """Whether a once-only piece of scheduled work (e.g. one day's digest) was done."""
    return db.execute("SELECT 1 FROM settings WHERE key = ?", [key]).fetchone() is not None


def mark(db: Database, key: str, at: datetime) -> bool:
    """Record once-only work as done; True only the first time."""
    cur = db.execute(
        "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", [key, to_text(at)]
    )
    return cur.rowcount == 1
