"""Residents who follow a topic another resident filed ("a neighbour already asked this"), and
a village's recent topics, read to find a similar one at filing.

The recent topics are read through the village's filing-time index: a check reads the village's
last `days` of topics, never the county's texts. The words are looked for in those few texts
(`search_index.holds`): `topic_words`, the FTS5 table m017 made for the check, cost a lookup per
character pair of every word, and m028 drops it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.times import to_text


@dataclass(frozen=True, slots=True)
class RecentTopic:
    """A recent topic as the similarity check reads it: who filed it and what it asks."""

    id: int
    requester_id: int
    text: str


def recent(db: Database, village_code: str, since: datetime) -> list[RecentTopic]:
    """A village's topics filed since `since` that are open, or answered and not closed."""
    rows = db.execute(
        "SELECT id, requester_id, text FROM topics WHERE village_code = ? AND filed_at >= ? "
        "AND status IN ('assigned', 'answered')",
        [village_code, to_text(since)],
    ).fetchall()
    return [RecentTopic(*row) for row in rows]


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
