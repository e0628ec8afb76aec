"""storage.topic_proxies: a topic filed on a resident's behalf (代办)."""

from __future__ import annotations

from storage import topic_proxies, topics
from storage.topic_proxies import ProxyFiling
from tests.storage.factories import OFFICIAL, topic


def test_a_proxy_filing_reads_back_and_marks_the_topic(db):
    own, filed_for = topic(db), topic(db, "2026-0002", requester_id=OFFICIAL)
    topic_proxies.mark(db, filed_for, "赵大爷", "in_person", OFFICIAL)
    assert topic_proxies.of(db, filed_for) == ProxyFiling(
        filed_for, "赵大爷", "in_person", OFFICIAL
    )
    assert topic_proxies.of(db, own) is None
    assert topics.get(db, filed_for).is_proxy and not topics.get(db, own).is_proxy
    assert topic_proxies.count(db) == 1


def test_the_name_is_no_field_of_a_topic(db):
    filed_for = topic(db, requester_id=OFFICIAL)
    topic_proxies.mark(db, filed_for, "赵大爷", "signed", OFFICIAL)
    assert "赵大爷" not in repr(topics.get(db, filed_for))
