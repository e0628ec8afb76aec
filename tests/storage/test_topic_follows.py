"""storage.topic_follows: a village's recent open or answered topics (read by its filing-time
index, limited to the window) and the followers of a topic."""

from __future__ import annotations

from datetime import timedelta

from storage import topic_follows, topics
from storage.topic_follows import RecentTopic
from tests.storage.factories import FILED, NEIGHBOUR, OFFICIAL, RESIDENT, topic


def test_recent_topics_are_the_villages_since_the_moment(db):
    road = topic(db, "2026-0001", text="村里修路的钱怎么花的")
    poor = topic(db, "2026-0002", text="请公开低保名单", requester_id=NEIGHBOUR)
    topic(db, "2026-0003", text="修路的合同", village_code="hexi")
    topic(db, "2026-0004", text="修路的费用", at=FILED - timedelta(days=100))
    since = FILED - timedelta(days=90)
    assert sorted(topic_follows.recent(db, "qingshan", since), key=lambda t: t.id) == [
        RecentTopic(road, RESIDENT, "村里修路的钱怎么花的"),
        RecentTopic(poor, NEIGHBOUR, "请公开低保名单"),
    ]
    assert topic_follows.recent(db, "qingshan", FILED + timedelta(seconds=1)) == []


def test_open_and_answered_topics_are_recent_closed_and_declined_are_not(db):
    since = FILED - timedelta(days=90)
    kept = topic(db, "2026-0001", text="修路的钱")
    answered = topic(db, "2026-0002", text="修路的图纸")
    assert topics.respond(db, answered, 1, "answered", FILED)
    shut = topic(db, "2026-0003", text="修路的合同")
    topics.close(db, shut, "rated", FILED)
    declined = topic(db, "2026-0004", text="修路的队伍")
    assert topics.respond(db, declined, 2, "declined", FILED)
    assert sorted(t.id for t in topic_follows.recent(db, "qingshan", since)) == [kept, answered]


def test_followers_are_kept_once_and_asked_same_counts_each_person_once(db):
    number = topic(db)
    assert topic_follows.follow(db, number, NEIGHBOUR, FILED)
    assert not topic_follows.follow(db, number, NEIGHBOUR, FILED)
    topics.add_support(db, number, NEIGHBOUR, FILED)
    topics.add_support(db, number, OFFICIAL, FILED)
    assert topic_follows.followers(db, number) == [NEIGHBOUR]
    assert topic_follows.asked_same(db, number) == 2
