"""storage.topic_follows: the words index of topics (candidates from an index lookup, limited to
a village's recent open or answered topics) and the followers of a topic."""

from __future__ import annotations

from datetime import timedelta

import sqlite_utils

from storage import topic_follows, topics, users, villages
from storage.migrations import migrations
from tests.storage.factories import FILED, NEIGHBOUR, OFFICIAL, RESIDENT, topic


def _indexed(db, receipt: str, text: str, **fields) -> int:
    number = topic(db, receipt, text=text, **fields)
    topic_follows.index_topic(db, number, text)
    return number


def test_candidates_hold_any_word_of_the_village_since_the_moment(db):
    road = _indexed(db, "2026-0001", "村里修路的钱怎么花的")
    _indexed(db, "2026-0002", "请公开低保名单")
    _indexed(db, "2026-0003", "修路的合同", village_code="hexi")
    _indexed(db, "2026-0004", "修路的费用", at=FILED - timedelta(days=100))
    since = FILED - timedelta(days=90)
    found = topic_follows.candidates(db, ["修路", "合同"], "qingshan", since, NEIGHBOUR, 10)
    assert [t.id for t in found] == [road]
    assert topic_follows.candidates(db, ["修路"], "qingshan", since, RESIDENT, 10) == []
    assert topic_follows.candidates(db, [], "qingshan", since, NEIGHBOUR, 10) == []


def test_closed_topics_are_no_candidates_and_counts_follow_the_same_rule(db):
    since = FILED - timedelta(days=90)
    kept = _indexed(db, "2026-0001", "修路的钱")
    shut = _indexed(db, "2026-0002", "修路的合同")
    topics.close(db, shut, "rated", FILED)
    assert [t.id for t in topic_follows.candidates(db, ["修路"], "qingshan", since, 0, 9)] == [kept]
    assert topic_follows.recent_count(db, "qingshan", since) == 1
    _indexed(db, "2026-0003", "低保的名单")
    held = topic_follows.recent_holding(db, ["修路", "低保", "合同", "，"], "qingshan", since)
    assert held == {"修路": 1, "低保": 1, "合同": 0, "，": 0}
    assert topic_follows.recent_holding(db, [], "qingshan", since) == {}


def test_followers_are_kept_once_and_asked_same_counts_each_person_once(db):
    number = topic(db)
    assert topic_follows.follow(db, number, NEIGHBOUR, FILED)
    assert not topic_follows.follow(db, number, NEIGHBOUR, FILED)
    topics.add_support(db, number, NEIGHBOUR, FILED)
    topics.add_support(db, number, OFFICIAL, FILED)
    assert topic_follows.followers(db, number) == [NEIGHBOUR]
    assert topic_follows.asked_same(db, number) == 2


def test_the_migration_indexes_the_topics_filed_before_it(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m017_topic_followers")
    villages.sync(db, [("qingshan", "青山村", None)])
    users.ensure(db, RESIDENT)
    old = topic(db, text="村里修路的钱怎么花的")
    migrations.apply(db)
    since = FILED - timedelta(days=1)
    found = topic_follows.candidates(db, ["修路"], "qingshan", since, NEIGHBOUR, 10)
    assert [t.id for t in found] == [old]
