"""Read-only queries for the public web board's topic side: the feedback wall (回音壁), current
open/overdue counts and candidates for search (DESIGN §6, §8).

Nothing here writes. The wall holds only topics that have been answered or declined at least once
(`answer_id IS NOT NULL`), paired with their current answer; a topic never answered is not on it.
The requester's identity is never selected. Masking is the service's job (`bot/services/
topics/board.py`): these rows carry the stored text as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlite_utils import Database

from storage.times import from_text, to_text
from storage.topics import _ANSWER_COLUMNS, Answer, _answer

# Never the requester: no requester_id, no media file ids.
_TOPIC = (
    "t.id, t.receipt, t.village_code, t.category, t.text, t.status, t.filed_at, t.due_date, "
    "t.extended, t.reopened, t.joint, t.first_responded_at, t.rating, t.closed_at, t.close_reason"
)
_ANSWER = ", ".join("a." + c for c in _ANSWER_COLUMNS.split(", "))
_WALL_FROM = "FROM topics t JOIN topic_answers a ON a.id = t.answer_id"
_SUPPORTS = "(SELECT count(*) FROM topic_supports s WHERE s.topic_id = t.id)"


@dataclass(frozen=True, slots=True)
class BoardTopic:
    """A topic as the public side may read it: no requester, no media."""

    id: int
    receipt: str
    village_code: str
    category: str
    text: str
    status: str
    filed_at: datetime
    due_date: date
    extended: bool
    reopened: int
    joint: bool
    first_responded_at: datetime | None
    rating: str | None
    closed_at: datetime | None
    close_reason: str | None
    supports: int


@dataclass(frozen=True, slots=True)
class WallRow:
    topic: BoardTopic
    answer: Answer


@dataclass(frozen=True, slots=True)
class WallPosition:
    """Where a newest-first wall listing stopped: the answer's time and its id."""

    at: datetime
    answer_id: int


@dataclass(frozen=True, slots=True)
class OpenCounts:
    village_code: str
    open: int
    overdue: int


_TOPIC_WIDTH = len(_TOPIC.split(", "))


def _topic(r: tuple) -> BoardTopic:
    return BoardTopic(
        r[0], r[1], r[2], r[3], r[4], r[5], from_text(r[6]), date.fromisoformat(r[7]),
        bool(r[8]), r[9], bool(r[10]), from_text(r[11]), r[12], from_text(r[13]), r[14], r[15],
    )  # fmt: skip


def _wall_row(r: tuple) -> WallRow:
    width = _TOPIC_WIDTH + 1  # the topic's columns and its supports count
    return WallRow(_topic(r[:width]), _answer(r[width:]))


def wall(
    db: Database,
    *,
    village_code: str | None = None,
    category: str | None = None,
    kind: str | None = None,
    after: WallPosition | None = None,
    limit: int = 20,
) -> list[WallRow]:
    """Topics with a current answer or refusal, newest answer first (then answer id)."""
    where, params = ["1 = 1"], []
    if village_code is not None:
        where.append("t.village_code = ?")
        params.append(village_code)
    if category is not None:
        where.append("t.category = ?")
        params.append(category)
    if kind is not None:
        where.append("a.kind = ?")
        params.append(kind)
    if after is not None:
        stamp = to_text(after.at)
        where.append("(a.at < ? OR (a.at = ? AND a.id < ?))")
        params += [stamp, stamp, after.answer_id]
    rows = db.execute(
        f"SELECT {_TOPIC}, {_SUPPORTS}, {_ANSWER} {_WALL_FROM} WHERE {' AND '.join(where)} "
        "ORDER BY a.at DESC, a.id DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [_wall_row(r) for r in rows]


def topic(db: Database, receipt: str) -> BoardTopic | None:
    """One topic by its canonical receipt number."""
    row = db.execute(
        f"SELECT {_TOPIC}, {_SUPPORTS} FROM topics t WHERE t.receipt = ?", [receipt]
    ).fetchone()
    return _topic(row) if row else None


def answers(db: Database, topic_id: int) -> list[Answer]:
    """Every answer or refusal of one topic, oldest first."""
    rows = db.execute(
        f"SELECT {_ANSWER} FROM topic_answers a WHERE a.topic_id = ? ORDER BY a.id", [topic_id]
    ).fetchall()
    return [_answer(r) for r in rows]


def open_counts(db: Database, today: date) -> dict[str, OpenCounts]:
    """Per village: topics being handled now, and those past their due date."""
    rows = db.execute(
        "SELECT village_code, count(*), sum(due_date < ?) FROM topics WHERE status = 'assigned' "
        "GROUP BY village_code",
        [today.isoformat()],
    ).fetchall()
    return {r[0]: OpenCounts(r[0], r[1], r[2] or 0) for r in rows}


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_candidates(
    db: Database, terms: list[str], village_code: str | None = None, limit: int = 200
) -> list[WallRow]:
    """Wall rows whose question or current answer contains every term (stored text: the caller
    checks the masked text again, so a hidden number is never a search oracle)."""
    where, params = [], []
    for term in terms:
        where.append("(t.text LIKE ? ESCAPE '\\' OR a.text LIKE ? ESCAPE '\\')")
        params += [_like(term), _like(term)]
    if village_code is not None:
        where.append("t.village_code = ?")
        params.append(village_code)
    condition = " AND ".join(where) or "1 = 1"
    rows = db.execute(
        f"SELECT {_TOPIC}, {_SUPPORTS}, {_ANSWER} {_WALL_FROM} WHERE {condition} "
        "ORDER BY a.at DESC, a.id DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [_wall_row(r) for r in rows]


def last_answered(db: Database, village_code: str | None = None) -> datetime | None:
    """The newest current answer's time (a feed's `updated`), of one village or all."""
    sql = f"SELECT max(a.at) {_WALL_FROM}"
    params: list[object] = []
    if village_code is not None:
        sql += " WHERE t.village_code = ?"
        params.append(village_code)
    row = db.execute(sql, params).fetchone()
    return from_text(row[0]) if row and row[0] else None
