"""storage.topic_answers: answers and refusals given on topics."""

from __future__ import annotations

from datetime import timedelta

from storage import topic_answers
from storage.topic_answers import Answer
from tests.storage.factories import DUE, FILED, OFFICIAL, topic

AT = FILED + timedelta(days=2)


def add(db, topic_id: int, **fields: object) -> int:
    values: dict = {
        "topic_id": topic_id,
        "kind": "answer",
        "reason": None,
        "text": "已修好",
        "link": None,
        "attachment_kind": None,
        "attachment_file_id": None,
        "by_user_id": OFFICIAL,
        "by_post": "会计",
        "at": AT,
        "due_date": DUE,
        "on_time": True,
    }
    return topic_answers.add_answer(db, **values | fields)


def test_an_answer_reads_back_with_every_field(db):
    topic_id = topic(db)
    answer_id = add(
        db,
        topic_id,
        kind="decline",
        reason="not_ours",
        link="https://example.org/a",
        attachment_kind="photo",
        attachment_file_id="file-9",
        on_time=False,
    )
    assert topic_answers.answer(db, answer_id) == Answer(
        id=answer_id,
        topic_id=topic_id,
        kind="decline",
        reason="not_ours",
        text="已修好",
        link="https://example.org/a",
        attachment_kind="photo",
        attachment_file_id="file-9",
        by_user_id=OFFICIAL,
        by_post="会计",
        at=AT,
        due_date=DUE,
        on_time=False,
    )


def test_optional_fields_read_back_as_none(db):
    found = topic_answers.answer(db, add(db, topic(db)))
    assert (found.reason, found.link, found.attachment_kind, found.attachment_file_id) == (
        None,
        None,
        None,
        None,
    )
    assert found.on_time is True


def test_a_missing_answer_is_none(db):
    assert topic_answers.answer(db, 5) is None


def test_answers_of_are_oldest_first_and_of_one_topic(db):
    topic_id, other = topic(db, receipt="2026-0001"), topic(db, receipt="2026-0002")
    first, second = add(db, topic_id), add(db, topic_id, text="再答")
    add(db, other)
    assert [a.id for a in topic_answers.answers_of(db, topic_id)] == [first, second]
