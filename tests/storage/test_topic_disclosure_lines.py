"""`storage.topic_disclosure_lines`: what a topic asks about, the objection-window marks, the
topics of a disclosure's lines with their answers; `disclosure_rows.row_of` by id."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage import disclosure_rows, topic_answers, topic_disclosure_lines, topics
from storage.disclosure_rows import Row
from tests.storage.factories import OFFICIAL, disclosure, topic

AT = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
ENDS = date(2026, 10, 17)


def two_rows(db) -> tuple[int, list[int]]:
    d = disclosure(db)
    disclosure_rows.replace_rows(
        db,
        d,
        [Row(1, "income", {"account": "承包"}, 100, None), Row(2, "expense", {}, 50, None)],
    )
    return d, [r.id for r in disclosure_rows.rows_of(db, d)]


def test_rows_read_back_with_their_ids_and_one_by_id(db):
    d, ids = two_rows(db)
    assert all(ids) and ids == sorted(ids)
    owner, row = disclosure_rows.row_of(db, ids[1])
    assert (owner, row.section, row.amount_fen, row.id) == (d, "expense", 50, ids[1])
    assert disclosure_rows.row_of(db, 10**11) is None
    # The id is the stored row's, not part of its content: equal rows compare equal.
    assert row == Row(2, "expense", {}, 50, None)


def test_a_link_is_stored_once_per_topic_and_read_back(db):
    d, ids = two_rows(db)
    first, second = topic(db, "2026-0001"), topic(db, "2026-0002")
    topic_disclosure_lines.link(db, first, d, ids[0], in_window=True, window_ends=ENDS)
    topic_disclosure_lines.link(db, second, d, None, in_window=False, window_ends=ENDS)
    link = topic_disclosure_lines.of_topic(db, first)
    assert (link.disclosure_id, link.row_id, link.in_window, link.window_ends) == (
        d,
        ids[0],
        True,
        ENDS,
    )
    assert topic_disclosure_lines.of_topic(db, second).row_id is None
    assert topic_disclosure_lines.of_topic(db, 999) is None
    assert topic_disclosure_lines.in_window(db, [first, second, 999]) == {first}
    assert topic_disclosure_lines.in_window(db, []) == set()


def test_the_topics_of_a_disclosure_come_with_their_current_answer(db):
    d, ids = two_rows(db)
    asked, answered = topic(db, "2026-0001"), topic(db, "2026-0002")
    for t in (asked, answered):
        topic_disclosure_lines.link(db, t, d, ids[0], in_window=False, window_ends=ENDS)
    answer = topic_answers.add_answer(
        db,
        topic_id=answered,
        kind="answer",
        reason=None,
        text="已交齐",
        link=None,
        attachment_kind=None,
        attachment_file_id=None,
        by_user_id=OFFICIAL,
        by_post="会计",
        at=AT,
        due_date=ENDS,
        on_time=True,
    )
    topics.respond(db, answered, answer, "answered", AT)
    found = topic_disclosure_lines.topics_of(db, d)
    assert [(q.row_id, q.status, q.answer_text) for q in found] == [
        (ids[0], "assigned", None),
        (ids[0], "answered", "已交齐"),
    ]
