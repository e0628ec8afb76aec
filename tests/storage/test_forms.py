"""storage.forms: one guided form in progress per person and wing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from storage import forms
from storage.forms import Form
from storage.migrations import migrations
from storage.times import to_text
from tests.storage.factories import NEIGHBOUR, RESIDENT

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_a_form_reads_back_with_every_field(db):
    data = {"text": "修好了", "n": [1, 2]}
    forms.put(db, RESIDENT, "topics", "answer", "text", data, AT, subject_id=7)
    assert forms.get(db, RESIDENT, "topics") == Form(
        RESIDENT, "topics", "answer", 7, "text", data, AT
    )


def test_a_form_without_subject_keeps_none(db):
    forms.put(db, RESIDENT, "topics", "topic", "category", {}, AT)
    assert forms.get(db, RESIDENT, "topics").subject_id is None


def test_putting_again_replaces_the_form_of_that_wing_only(db):
    forms.put(db, RESIDENT, "topics", "topic", "category", {}, AT)
    forms.put(db, RESIDENT, "disclosures", "disclosure", "title", {"kind": "notice"}, AT)
    forms.put(db, RESIDENT, "topics", "answer", "text", {"a": 1}, AT, subject_id=3)
    topic_form = forms.get(db, RESIDENT, "topics")
    assert (topic_form.kind, topic_form.step, topic_form.data) == ("answer", "text", {"a": 1})
    assert forms.get(db, RESIDENT, "disclosures").step == "title"


def test_delete_and_exists_per_wing(db):
    forms.put(db, RESIDENT, "topics", "topic", "category", {}, AT)
    assert forms.exists(db, RESIDENT, "topics")
    assert not forms.exists(db, RESIDENT, "disclosures")
    assert not forms.exists(db, NEIGHBOUR, "topics")
    assert forms.delete(db, RESIDENT, "topics")
    assert not forms.delete(db, RESIDENT, "topics")
    assert forms.get(db, RESIDENT, "topics") is None


def test_forms_of_the_old_tables_are_carried_over(tmp_path):
    """Forms open when the bot is upgraded survive the move to one table (m005_forms)."""
    db = Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m005_forms")
    db.execute(
        "INSERT INTO topic_drafts (user_id, kind, topic_id, step, data, updated_at) "
        "VALUES (?, 'answer', 7, 'text', '{\"text\": \"好\"}', ?)",
        [RESIDENT, to_text(AT)],
    )
    db.execute(
        "INSERT INTO disclosure_forms (user_id, step, data, updated_at) "
        "VALUES (?, 'title', '{}', ?)",
        [RESIDENT, to_text(AT)],
    )
    migrations.apply(db)
    assert forms.get(db, RESIDENT, "topics") == Form(
        RESIDENT, "topics", "answer", 7, "text", {"text": "好"}, AT
    )
    assert forms.get(db, RESIDENT, "disclosures").step == "title"
    assert not db["topic_drafts"].exists() and not db["disclosure_forms"].exists()
