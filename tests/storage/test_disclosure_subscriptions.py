"""storage.disclosure_subscriptions: who follows which categories."""

from __future__ import annotations

from storage import disclosure_subscriptions, users
from tests.storage.factories import NEIGHBOUR, OFFICIAL, RESIDENT


def test_subscribing_twice_is_not_new(db):
    assert disclosure_subscriptions.subscribe(db, RESIDENT, "qingshan", "finance")
    assert not disclosure_subscriptions.subscribe(db, RESIDENT, "qingshan", "finance")
    assert disclosure_subscriptions.subscriptions_of(db, RESIDENT) == ["finance"]


def test_subscribers_include_followers_of_everything(db):
    disclosure_subscriptions.subscribe(db, RESIDENT, "qingshan", "finance")
    disclosure_subscriptions.subscribe(db, NEIGHBOUR, "qingshan", "*")
    disclosure_subscriptions.subscribe(db, OFFICIAL, "hexi", "finance")
    assert disclosure_subscriptions.subscribers(db, "qingshan", "finance") == [RESIDENT, NEIGHBOUR]
    assert disclosure_subscriptions.subscribers(db, "qingshan", "notice") == [NEIGHBOUR]


def test_subscribers_leave_out_people_who_blocked_the_bot(db):
    disclosure_subscriptions.subscribe(db, RESIDENT, "qingshan", "finance")
    users.set_active(db, RESIDENT, False)
    assert disclosure_subscriptions.subscribers(db, "qingshan", "finance") == []


def test_unsubscribe_one_or_all(db):
    for category in ("finance", "notice", "subsidy"):
        disclosure_subscriptions.subscribe(db, RESIDENT, "qingshan", category)
    assert disclosure_subscriptions.unsubscribe(db, RESIDENT, "qingshan", "notice") == 1
    assert disclosure_subscriptions.subscriptions_of(db, RESIDENT) == ["finance", "subsidy"]
    assert disclosure_subscriptions.unsubscribe(db, RESIDENT, "qingshan", None) == 2
    assert disclosure_subscriptions.subscriptions_of(db, RESIDENT) == []
