"""storage.audit: the append-only audit trail."""

from __future__ import annotations

import sqlite3

import pytest

from storage import audit
from tests.storage.factories import STAFF


def test_an_event_reads_back_with_every_field(db):
    event_id = audit.record(
        db,
        STAFF,
        "member.joined",
        "member:1",
        village_code="qingshan",
        before={"a": 1},
        after={"b": 2},
    )
    (found,) = audit.for_subject(db, "member:1")
    assert (found.id, found.actor_id, found.action, found.subject, found.village_code) == (
        event_id,
        STAFF,
        "member.joined",
        "member:1",
        "qingshan",
    )
    assert (found.before, found.after) == ({"a": 1}, {"b": 2})
    assert found.at.tzinfo is not None


def test_an_event_without_actor_or_village(db):
    audit.record(db, None, "tick", "scheduler")
    (found,) = audit.for_subject(db, "scheduler")
    assert (found.actor_id, found.village_code, found.before, found.after) == (None,) * 4


def test_values_json_cannot_encode_are_stored_as_text(db):
    audit.record(db, STAFF, "x", "y", after={"when": sqlite3})
    assert audit.for_subject(db, "y")[0].after["when"].startswith("<module")


def test_for_subject_is_oldest_first_and_of_one_subject(db):
    first = audit.record(db, STAFF, "a", "topic:1")
    audit.record(db, STAFF, "b", "topic:2")
    second = audit.record(db, STAFF, "c", "topic:1")
    assert [e.id for e in audit.for_subject(db, "topic:1")] == [first, second]


def test_recent_is_newest_first_and_limited(db):
    audit.record(db, STAFF, "a", "one")
    audit.record(db, STAFF, "b", "two")
    assert audit.recent(db) == ["b two", "a one"]
    assert audit.recent(db, limit=1) == ["b two"]


def test_events_cannot_be_changed_or_deleted(db):
    audit.record(db, STAFF, "member.joined", "member:1", after={"role": "resident"})
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE audit_events SET action = 'x'")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM audit_events")
    assert audit.for_subject(db, "member:1")[0].after == {"role": "resident"}
