"""storage.topic_extensions: requests for more days and their decisions."""

from __future__ import annotations

from datetime import date, timedelta

from storage import topic_extensions
from storage.topic_extensions import Extension
from tests.storage.factories import FILED, OFFICIAL, STAFF, topic

AT = FILED + timedelta(days=1)


def test_a_pending_request_reads_back_with_every_field(db):
    topic_id = topic(db)
    ext_id = topic_extensions.request_extension(db, topic_id, OFFICIAL, 5, "等材料", AT)
    assert topic_extensions.extension(db, ext_id) == Extension(
        id=ext_id,
        topic_id=topic_id,
        requested_by=OFFICIAL,
        days=5,
        reason="等材料",
        requested_at=AT,
        status="pending",
        decided_by=None,
        new_due_date=None,
    )


def test_a_missing_request_is_none(db):
    assert topic_extensions.extension(db, 3) is None


def test_an_approval_records_the_new_due_date(db):
    ext_id = topic_extensions.request_extension(db, topic(db), OFFICIAL, 5, "等材料", AT)
    assert topic_extensions.decide_extension(db, ext_id, "approved", STAFF, AT, date(2026, 3, 23))
    found = topic_extensions.extension(db, ext_id)
    assert (found.status, found.decided_by, found.new_due_date) == (
        "approved",
        STAFF,
        date(2026, 3, 23),
    )


def test_a_request_is_decided_once(db):
    ext_id = topic_extensions.request_extension(db, topic(db), OFFICIAL, 5, "等材料", AT)
    assert topic_extensions.decide_extension(db, ext_id, "refused", STAFF, AT, None)
    assert not topic_extensions.decide_extension(db, ext_id, "approved", STAFF, AT, None)
    assert topic_extensions.extension(db, ext_id).status == "refused"


def test_extensions_of_are_oldest_first_and_of_one_topic(db):
    topic_id, other = topic(db, receipt="2026-0001"), topic(db, receipt="2026-0002")
    first = topic_extensions.request_extension(db, topic_id, OFFICIAL, 3, "a", AT)
    second = topic_extensions.request_extension(db, topic_id, OFFICIAL, 4, "b", AT)
    topic_extensions.request_extension(db, other, OFFICIAL, 2, "c", AT)
    assert [e.id for e in topic_extensions.extensions_of(db, topic_id)] == [first, second]
