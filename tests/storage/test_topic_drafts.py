"""storage.topic_drafts: one guided form in progress per person."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import topic_drafts
from storage.topic_drafts import Draft
from tests.storage.factories import NEIGHBOUR, RESIDENT

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_a_draft_reads_back_with_every_field(db):
    topic_drafts.put(db, RESIDENT, "answer", 7, "text", {"text": "修好了", "n": [1, 2]}, AT)
    assert topic_drafts.get(db, RESIDENT) == Draft(
        RESIDENT, "answer", 7, "text", {"text": "修好了", "n": [1, 2]}, AT
    )


def test_a_draft_without_topic_keeps_none(db):
    topic_drafts.put(db, RESIDENT, "file", None, "category", {}, AT)
    assert topic_drafts.get(db, RESIDENT).topic_id is None


def test_putting_again_replaces_the_draft(db):
    topic_drafts.put(db, RESIDENT, "file", None, "category", {}, AT)
    topic_drafts.put(db, RESIDENT, "answer", 3, "text", {"a": 1}, AT)
    assert (topic_drafts.get(db, RESIDENT).kind, topic_drafts.get(db, RESIDENT).data) == (
        "answer",
        {"a": 1},
    )


def test_delete_and_exists(db):
    topic_drafts.put(db, RESIDENT, "file", None, "category", {}, AT)
    assert topic_drafts.exists(db, RESIDENT) and not topic_drafts.exists(db, NEIGHBOUR)
    assert topic_drafts.delete(db, RESIDENT)
    assert not topic_drafts.delete(db, RESIDENT)
    assert topic_drafts.get(db, RESIDENT) is None
