"""Read-only queries for the public web board's topic side: the feedback wall (回音壁), current
open/overdue counts and candidates for search (DESIGN §6, §8).

Nothing here writes. The wall holds only topics that have been answered or declined at least once
(`answer_id IS NOT NULL`), paired with their current answer; a topic never answered is not on it.
The requester's identity is never selected. Masking is the service's job (`bot/services/
topics/board.py`): these rows carry the stored text as it is.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self

from sqlite_utils import Database

from storage import keyset, search_index
from storage.keyset import Position
from storage.named_rows import aliased, field_names, pick, unprefixed
from storage.times import from_text
from storage.topic_answers import Answer


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
    due_provisional: bool
    extended: bool
    reopened: int
    joint: bool
    first_responded_at: datetime | None
    rating: str | None
    closed_at: datetime | None
    close_reason: str | None
    supports: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A board topic from a row of `_TOPIC` columns read by name."""
        return cls(
            **pick(cls, row)
            | {
                "filed_at": from_text(row["filed_at"]),
                "due_date": date.fromisoformat(row["due_date"]),
                "due_provisional": bool(row["due_provisional"]),
                "extended": bool(row["extended"]),
                "joint": bool(row["joint"]),
                "first_responded_at": from_text(row["first_responded_at"]),
                "closed_at": from_text(row["closed_at"]),
            }
        )


@dataclass(frozen=True, slots=True)
class WallRow:
    topic: BoardTopic
    answer: Answer

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A wall row from a row of `_TOPIC` and `_ANSWER` columns read by name."""
        return cls(BoardTopic.from_row(row), Answer.from_row(unprefixed(row, _ANSWER_PREFIX)))


@dataclass(frozen=True, slots=True)
class OpenCounts:
    village_code: str
    open: int
    overdue: int


# Never the requester: the board topic's fields hold no requester_id and no media file ids.
_TOPIC = (
    ", ".join(f"t.{name}" for name in field_names(BoardTopic) if name != "supports")
    + ", (SELECT count(*) FROM topic_supports s WHERE s.topic_id = t.id) AS supports"
)
_ANSWER_PREFIX = "answer__"
_ANSWER = aliased("a", Answer, _ANSWER_PREFIX)
_WALL_FROM = "FROM topics t JOIN topic_answers a ON a.id = t.answer_id"
# The whole township's wall, newest first: walk the answers by time and stop at the page's end
# (CROSS JOIN keeps that order) instead of sorting every topic of the county; a current answer
# always belongs to its topic, so the rows are the same.
_WALL_BY_TIME = (
    "FROM topic_answers a CROSS JOIN topics t ON t.id = a.topic_id AND t.answer_id = a.id"
)


def wall(
    db: Database,
    *,
    village_code: str | None = None,
    category: str | None = None,
    kind: str | None = None,
    after: Position | None = None,
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
        condition, values = keyset.after(after, "a.at", "a.id")
        where.append(condition)
        params += values
    order, chosen = "ORDER BY a.at DESC, a.id DESC", " AND ".join(where)
    if village_code is None:
        sql = f"SELECT {_TOPIC}, {_ANSWER} {_WALL_BY_TIME} WHERE {chosen} {order} LIMIT ?"
    else:
        # The page's topics chosen from topics_village_answer and the answers' times first, then
        # only those rows read whole: a village's topics lie scattered among the county's pages.
        sql = (
            f"SELECT {_TOPIC}, {_ANSWER} {_WALL_FROM} WHERE t.id IN (SELECT t.id {_WALL_FROM} "
            f"WHERE {chosen} {order} LIMIT ?) {order}"
        )
    return [WallRow.from_row(r) for r in db.query(sql, [*params, limit])]


def topic(db: Database, receipt: str) -> BoardTopic | None:
    """One topic by its canonical receipt number."""
    row = next(db.query(f"SELECT {_TOPIC} FROM topics t WHERE t.receipt = ?", [receipt]), None)
    return BoardTopic.from_row(row) if row else None


def open_counts(
    db: Database, today: date, among: Collection[str] | None = None
) -> dict[str, OpenCounts]:
    """Per village (all, or those `among`: each read by its own index range): topics being
    handled now, and those past their due date."""
    where, params = "status = 'assigned'", [today.isoformat()]
    if among is not None:
        where += f" AND village_code IN ({','.join('?' * len(among))})"
        params.extend(sorted(among))
    rows = db.query(
        "SELECT village_code, count(*) AS open, coalesce(sum(due_date < ?), 0) AS overdue "
        f"FROM topics WHERE {where} GROUP BY village_code",
        params,
    )
    return {r["village_code"]: OpenCounts(**r) for r in rows}


_WALL_JOIN = "JOIN topics t ON t.id = wall_search.rowid JOIN topic_answers a ON a.id = t.answer_id"


def search_candidates(
    db: Database,
    words: list[str],
    village_code: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[WallRow]:
    """Wall rows whose question or current answer holds every word, best match first among the
    newest RANK_WINDOW county-wide (stored text: the caller checks the masked text again, so a
    hidden number is never a search oracle)."""
    expression = search_index.match_expression(words)
    if expression is None:
        return []
    where, params = "wall_search MATCH ?", [expression]
    if village_code is not None:
        where += " AND t.village_code = ?"
        params.append(village_code)
    window, params = search_index.newest_first("wall_search.rowid", village_code, params)
    newest, shown = search_index.NEWEST, search_index.SHOWN
    rows = db.query(
        f"WITH {newest} AS (SELECT wall_search.rowid AS id, {search_index.WALL_RANK} AS score, "
        f"a.at AS answered_at, a.id AS answer FROM wall_search {_WALL_JOIN} WHERE {where} "
        f"{window}), {shown} AS (SELECT * FROM {newest} "
        "ORDER BY score, answered_at DESC, answer DESC LIMIT ? OFFSET ?) "
        f"SELECT {_TOPIC}, {_ANSWER} FROM {shown} JOIN topics t ON t.id = {shown}.id "
        "JOIN topic_answers a ON a.id = t.answer_id ORDER BY score, answered_at DESC, answer DESC",
        [*params, limit, offset],
    )
    return [WallRow.from_row(r) for r in rows]


def last_answered(db: Database, village_code: str | None = None) -> datetime | None:
    """The newest current answer's time (a feed's `updated`), of one village or all (the
    county's the first current answer walking the answers by time, as its wall does)."""
    if village_code is None:
        row = next(
            db.query(f"SELECT a.at {_WALL_BY_TIME} ORDER BY a.at DESC, a.id DESC LIMIT 1"), None
        )
        return from_text(row["at"]) if row else None
    sql = f"SELECT max(a.at) AS at {_WALL_FROM} WHERE t.village_code = ?"
    return from_text(next(db.query(sql, [village_code]))["at"])
