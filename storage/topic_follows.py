"""Residents who follow a topic another resident filed ("a neighbour already asked this"), and
the words index of every topic used to find a similar one at filing.

`topic_words` is an FTS5 table of character pairs (the same cutting as the search index), so the
candidates for a new text come from an index lookup, never a scan of the texts.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from storage import search_index
from storage.times import to_text
from storage.topics import Topic


def index_topic(db: Database, topic_id: int, text: str) -> None:
    """Make a topic's (already masked) text findable for the similarity check."""
    db.execute("DELETE FROM topic_words WHERE rowid = ?", [topic_id])
    db.execute(
        "INSERT INTO topic_words (rowid, words) VALUES (?, ?)",
        [topic_id, search_index.index_words(text)],
    )


def _any_of(words: list[str]) -> str | None:
    """An FTS5 query matching a text holding any of the words."""
    parts = [search_index.match_expression([w]) for w in words]
    kept = [f"({p})" for p in parts if p]
    return " OR ".join(kept) or None


# A village's recent topics a new one may be matched against: open, or answered and not closed.
_RECENT = (
    "FROM topic_words JOIN topics t ON t.id = topic_words.rowid "
    "WHERE t.village_code = ? AND t.filed_at >= ? AND t.status IN ('assigned', 'answered')"
)


def candidates(
    db: Database, words: list[str], village_code: str, since: datetime, not_by: int, limit: int
) -> list[Topic]:
    """A village's recent open or answered topics (not filed by `not_by`) holding any of the
    words, best match first."""
    expression = _any_of(words)
    if expression is None:
        return []
    rows = db.query(
        f"SELECT t.* {_RECENT} AND topic_words MATCH ? AND t.requester_id != ? "
        "ORDER BY bm25(topic_words), t.id DESC LIMIT ?",
        [village_code, to_text(since), expression, not_by, limit],
    )
    return [Topic.from_row(r) for r in rows]


def recent_count(db: Database, village_code: str, since: datetime) -> int:
    """How many of a village's topics since `since` are open or answered."""
    sql = f"SELECT count(*) {_RECENT}"
    return db.execute(sql, [village_code, to_text(since)]).fetchone()[0]


def recent_holding(
    db: Database, words: list[str], village_code: str, since: datetime
) -> dict[str, int]:
    """How many of those topics hold each of the words (its document frequency), asked in one
    statement."""
    held = dict.fromkeys(words, 0)
    asked = [(w, e) for w in held if (e := search_index.match_expression([w])) is not None]
    if not asked:
        return held
    counts = [f"(SELECT count(*) {_RECENT} AND topic_words MATCH ?)" for _ in asked]
    params: list[str] = []
    for _, expression in asked:
        params += [village_code, to_text(since), expression]
    row = db.execute(f"SELECT {', '.join(counts)}", params).fetchone()
    return held | {word: n for (word, _), n in zip(asked, row, strict=True)}


def follow(db: Database, topic_id: int, user_id: int, at: datetime) -> bool:
    """Subscribe a resident to a topic's answer; False when they already followed it."""
    cur = db.execute(
        "INSERT OR IGNORE INTO topic_followers (topic_id, user_id, at) VALUES (?, ?, ?)",
        [topic_id, user_id, to_text(at)],
    )
    return cur.rowcount == 1


def followers(db: Database, topic_id: int) -> list[int]:
    """Who follows a topic, in the order they did."""
    sql = "SELECT user_id FROM topic_followers WHERE topic_id = ? ORDER BY at, user_id"
    return [r[0] for r in db.execute(sql, [topic_id]).fetchall()]


def asked_same(db: Database, topic_id: int) -> int:
    """Residents who asked the same as the topic: its supporters and followers, each once."""
    sql = (
        "SELECT count(*) FROM (SELECT user_id FROM topic_supports WHERE topic_id = :id "
        "UNION SELECT user_id FROM topic_followers WHERE topic_id = :id)"
    )
    return db.execute(sql, {"id": topic_id}).fetchone()[0]
