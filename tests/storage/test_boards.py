"""storage.topic_board and storage.disclosure_board: the public board's read-only queries, and
the keyset position both page with."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage import (
    disclosure_board,
    disclosures,
    keyset,
    search_index,
    topic_answers,
    topic_board,
    topics,
)
from storage.keyset import Position
from tests.storage.factories import DUE, FILED, NEIGHBOUR, OFFICIAL, disclosure, topic

T0 = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)


def answered(db, receipt: str, at: datetime, **fields: object) -> tuple[int, int]:
    """A topic with a current answer given at a moment; returns (topic id, answer id)."""
    topic_id = topic(db, receipt=receipt, **fields)
    answer_id = topic_answers.add_answer(
        db,
        topic_id=topic_id,
        kind="answer",
        reason=None,
        text=f"答复 {receipt}",
        link=None,
        attachment_kind=None,
        attachment_file_id=None,
        by_user_id=OFFICIAL,
        by_post="会计",
        at=at,
        due_date=DUE,
        on_time=True,
    )
    topics.respond(db, topic_id, answer_id, "answered", at)
    return topic_id, answer_id


def published(db, at: datetime, **fields: object) -> int:
    """A disclosure published at a moment; returns its id."""
    disclosure_id = disclosure(db, **fields)
    disclosures.transition(db, disclosure_id, "draft", "published", published_at=at)
    return disclosure_id


# -- keyset ------------------------------------------------------------------------------------


def test_keyset_after_selects_older_entries_and_equal_times_by_id(db):
    condition, params = keyset.after(Position(T0, 5), "at", "id")
    assert condition == "(at < ? OR (at = ? AND id < ?))"
    assert params[2] == 5 and params[0] == params[1]


# -- topic board -------------------------------------------------------------------------------


def test_the_wall_holds_only_answered_topics_newest_answer_first(db):
    topic(db, receipt="2026-0001")
    older, _ = answered(db, "2026-0002", T0)
    newer, _ = answered(db, "2026-0003", T0 + timedelta(hours=1))
    assert [r.topic.id for r in topic_board.wall(db)] == [newer, older]


def test_a_wall_row_pairs_the_topic_with_its_current_answer(db):
    topic_id, answer_id = answered(db, "2026-0001", T0)
    topics.add_support(db, topic_id, NEIGHBOUR, T0)
    (row,) = topic_board.wall(db)
    assert row.answer == topic_answers.answer(db, answer_id)
    assert (row.topic.receipt, row.topic.supports, row.topic.filed_at) == ("2026-0001", 1, FILED)
    assert (row.topic.due_date, row.topic.extended, row.topic.joint) == (DUE, False, False)
    assert (row.topic.first_responded_at, row.topic.closed_at) == (T0, None)


def test_the_wall_pages_by_answer_time_then_id(db):
    ids = [answered(db, f"2026-000{n}", T0)[1] for n in range(1, 4)]  # one moment, three ids
    first = topic_board.wall(db, limit=2)
    assert [r.answer.id for r in first] == ids[:0:-1]
    rest = topic_board.wall(db, after=Position(first[-1].answer.at, first[-1].answer.id))
    assert [r.answer.id for r in rest] == ids[:1]


def test_the_wall_filters_by_village_category_and_kind(db):
    answered(db, "2026-0001", T0, village_code="hexi")
    here, _ = answered(db, "2026-0002", T0, category="water")
    answered(db, "2026-0003", T0)
    found = topic_board.wall(db, village_code="qingshan", category="water")
    assert [r.topic.id for r in found] == [here]
    assert topic_board.wall(db, kind="decline") == []


def test_a_board_topic_by_receipt_counts_supports_and_answered_or_not(db):
    topic_id = topic(db, receipt="2026-0007")
    topics.add_support(db, topic_id, NEIGHBOUR, T0)
    found = topic_board.topic(db, "2026-0007")
    assert (found.id, found.supports, found.first_responded_at) == (topic_id, 1, None)
    assert topic_board.topic(db, "2026-9999") is None


def test_open_counts_per_village_with_overdue(db):
    topic(db, receipt="2026-0001", due_date=date(2026, 3, 1))
    topic(db, receipt="2026-0002", due_date=date(2026, 5, 1))
    answered(db, "2026-0003", T0)
    found = topic_board.open_counts(db, date(2026, 4, 1))
    assert found == {"qingshan": topic_board.OpenCounts("qingshan", 2, 1)}


def test_open_counts_of_one_village(db):
    topic(db, receipt="2026-0001", due_date=date(2026, 3, 1))
    topic(db, receipt="2026-0002", due_date=date(2026, 3, 1), village_code="hexi")
    found = topic_board.open_counts(db, date(2026, 4, 1), ["hexi"])
    assert found == {"hexi": topic_board.OpenCounts("hexi", 1, 1)}


def indexed(db, receipt: str, at: datetime, **fields: object) -> int:
    """An answered topic, indexed for search as answering does; returns its id."""
    topic_id, answer_id = answered(db, receipt, at, **fields)
    answer = topic_answers.answer(db, answer_id)
    search_index.index_wall_post(db, topic_id, topics.get(db, topic_id).text, answer.text)
    return topic_id


def test_search_candidates_match_every_term_in_question_or_answer(db):
    lamp = indexed(db, "2026-0001", T0)
    indexed(db, "2026-0002", T0, text="水渠堵了")
    assert [r.topic.id for r in topic_board.search_candidates(db, ["路灯", "2026-0001"])] == [lamp]
    assert topic_board.search_candidates(db, ["路灯"], village_code="hexi") == []


def test_search_candidates_find_nothing_for_punctuation(db):
    indexed(db, "2026-0001", T0)
    assert topic_board.search_candidates(db, ["%"]) == []
    assert topic_board.search_candidates(db, ["_"]) == []


def test_last_answered_is_the_newest_current_answer_or_none(db):
    assert topic_board.last_answered(db) is None
    answered(db, "2026-0001", T0)
    answered(db, "2026-0002", T0 + timedelta(hours=2), village_code="hexi")
    assert topic_board.last_answered(db) == T0 + timedelta(hours=2)
    assert topic_board.last_answered(db, "qingshan") == T0


# -- disclosure board --------------------------------------------------------------------------


def test_a_public_item_reads_back_with_every_field(db):
    disclosure_id = published(db, T0, kind="finance", major=True)
    assert disclosure_board.item(db, disclosure_id) == disclosure_board.PublicItem(
        id=disclosure_id,
        village_code="qingshan",
        kind="finance",
        category="affairs",
        period="2026-03",
        title="三月村务",
        status="published",
        version=1,
        root_id=disclosure_id,
        major=True,
        supersedes_id=None,
        superseded_by_id=None,
        published_at=T0,
    )


def test_drafts_never_reach_the_board(db):
    draft = disclosure(db)
    assert disclosure_board.item(db, draft) is None
    assert disclosure_board.listing(db) == []


def test_the_listing_pages_newest_first_by_time_then_id(db):
    ids = [published(db, T0) for _ in range(3)]
    older = published(db, T0 - timedelta(days=1))
    first = disclosure_board.listing(db, limit=2)
    assert [i.id for i in first] == ids[:0:-1]
    rest = disclosure_board.listing(db, after=Position(first[-1].published_at, first[-1].id))
    assert [i.id for i in rest] == [ids[0], older]


def test_the_listing_filters_by_village_category_and_current_versions(db):
    first = published(db, T0)
    second = published(db, T0 + timedelta(1), version=2, root_id=first, supersedes_id=first)
    disclosures.transition(db, first, "published", "superseded", superseded_by_id=second)
    published(db, T0, village_code="hexi", category="finance")
    assert [i.id for i in disclosure_board.listing(db, village_code="qingshan")] == [second, first]
    assert [i.id for i in disclosure_board.listing(db, current_only=True, category="affairs")] == [
        second
    ]


def test_versions_are_every_public_version_oldest_first(db):
    first = published(db, T0)
    second = published(db, T0 + timedelta(1), version=2, root_id=first, supersedes_id=first)
    disclosures.transition(db, first, "published", "superseded", superseded_by_id=second)
    found = disclosure_board.versions(db, first)
    assert [(i.id, i.status, i.superseded_by_id) for i in found] == [
        (first, "superseded", second),
        (second, "published", None),
    ]


def test_versions_are_those_of_the_root_named_and_no_other(db):
    first = published(db, T0)
    second = published(db, T0 + timedelta(1), version=2, root_id=first, supersedes_id=first)
    other = published(db, T0, village_code="hexi")
    published(db, T0 + timedelta(1), village_code="hexi", version=2, root_id=other)
    assert [i.id for i in disclosure_board.versions(db, first)] == [first, second]
    assert disclosure_board.versions(db, second) == []  # a later version roots nothing


def test_latest_by_category_keeps_the_newest_few_of_each(db):
    notices = [published(db, T0 + timedelta(hours=n), category="affairs") for n in range(4)]
    finance = published(db, T0, category="finance")
    found = disclosure_board.latest_by_category(db, "qingshan", per_category=2)
    assert [i.id for i in found] == [notices[3], notices[2], finance]


def test_period_publications_give_the_first_time_and_item_count(db):
    first = published(db, T0)
    published(db, T0 + timedelta(1), version=2, root_id=first, supersedes_id=first)
    published(db, T0 - timedelta(1), village_code="hexi")
    found = disclosure_board.period_publications(db, "2026-03")
    assert found == [
        disclosure_board.PeriodPublication("hexi", T0 - timedelta(1), 1),
        disclosure_board.PeriodPublication("qingshan", T0, 1),
    ]


def test_period_publications_of_the_villages_named_only(db):
    published(db, T0)
    published(db, T0 - timedelta(1), village_code="hexi")
    found = disclosure_board.period_publications(db, "2026-03", ["qingshan", "nowhere"])
    assert found == [disclosure_board.PeriodPublication("qingshan", T0, 1)]
    assert disclosure_board.period_publications(db, "2026-03", []) == []


def test_counts_per_village_by_state_and_kind(db):
    first = published(db, T0, kind="finance")
    second = published(db, T0, kind="finance", version=2, root_id=first, supersedes_id=first)
    disclosures.transition(db, first, "published", "superseded", superseded_by_id=second)
    published(db, T0, kind="subsidy")
    (found,) = disclosure_board.counts(db)
    assert found == disclosure_board.VillageCounts("qingshan", 2, 1, 1, 1, 0)


def test_last_published_is_the_newest_publication_or_none(db):
    assert disclosure_board.last_published(db) is None
    published(db, T0)
    published(db, T0 + timedelta(hours=3), village_code="hexi")
    assert disclosure_board.last_published(db) == T0 + timedelta(hours=3)
    assert disclosure_board.last_published(db, "qingshan") == T0
