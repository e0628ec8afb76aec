"""storage.topics: the topics table, receipt counters, supports and urges."""

from __future__ import annotations

from datetime import date, timedelta

from storage import topic_listings, topic_sweeps, topics
from storage.topics import Topic
from tests.storage.factories import DUE, FILED, NEIGHBOUR, OFFICIAL, RESIDENT, topic

LATER = FILED + timedelta(days=1)


def test_a_new_topic_reads_back_with_every_field(db):
    topic_id = topic(db, media_kind="photo", media_file_id="file-1", assignee_id=OFFICIAL)
    assert topics.get(db, topic_id) == Topic(
        id=topic_id,
        receipt="2026-0001",
        village_code="qingshan",
        requester_id=RESIDENT,
        category="roads",
        text="村口的路灯坏了",
        media_kind="photo",
        media_file_id="file-1",
        status="assigned",
        routed_to="officials",
        assignee_id=OFFICIAL,
        first_owner_id=OFFICIAL,
        filed_at=FILED,
        cycle_start=FILED,
        due_date=DUE,
        due_provisional=False,
        extended=False,
        reopened=0,
        joint=False,
        answer_id=None,
        responded_at=None,
        first_responded_at=None,
        rating=None,
        rated_at=None,
        closed_at=None,
        close_reason=None,
    )


def test_times_read_back_aware_and_equal(db):
    found = topics.get(db, topic(db))
    assert found.filed_at == FILED and found.filed_at.utcoffset() == timedelta(0)
    assert isinstance(found.due_date, date)


def test_a_missing_topic_is_none(db):
    assert topics.get(db, 99) is None
    assert topics.by_receipt(db, "2026-9999") is None


def test_by_receipt_finds_the_topic(db):
    topic_id = topic(db, receipt="2026-0042")
    assert topics.by_receipt(db, "2026-0042").id == topic_id


def test_receipt_numbers_count_per_year(db):
    assert [topics.next_number(db, 2026) for _ in range(3)] == [1, 2, 3]
    assert topics.next_number(db, 2027) == 1


def test_of_requester_is_newest_first_and_limited(db):
    ids = [topic(db, receipt=f"2026-000{n}") for n in range(1, 4)]
    topic(db, receipt="2026-0009", requester_id=NEIGHBOUR)
    assert [t.id for t in topics.of_requester(db, RESIDENT)] == ids[::-1]
    assert [t.id for t in topics.of_requester(db, RESIDENT, limit=2)] == ids[:0:-1]


def test_count_filed_since_counts_from_the_moment_on(db):
    topic(db, receipt="2026-0001", at=FILED)
    topic(db, receipt="2026-0002", at=LATER)
    assert topics.count_filed_since(db, RESIDENT, FILED) == 2
    assert topics.count_filed_since(db, RESIDENT, FILED + timedelta(seconds=1)) == 1


def test_open_for_official_holds_their_own_and_unowned_officials_topics(db):
    own = topic(db, receipt="2026-0001", assignee_id=OFFICIAL, routed_to="route")
    unowned = topic(db, receipt="2026-0002", due_date=DUE - timedelta(days=1))
    topic(db, receipt="2026-0003", village_code="hexi")
    topic(db, receipt="2026-0004", routed_to="township")
    found = topics.open_for_official(db, OFFICIAL, "qingshan")
    assert [t.id for t in found] == [unowned, own]  # oldest due first


def test_open_for_township_holds_unowned_township_topics(db):
    topic(db, receipt="2026-0001")
    township = topic(db, receipt="2026-0002", routed_to="township")
    assert [t.id for t in topics.open_for_township(db)] == [township]


def test_open_topics_leave_out_answered_ones_and_filter_by_village(db):
    qingshan = topic(db, receipt="2026-0001")
    hexi = topic(db, receipt="2026-0002", village_code="hexi")
    answered = topic(db, receipt="2026-0003")
    topics.respond(db, answered, 1, "answered", LATER)
    assert [t.id for t in topics.open_topics(db)] == [qingshan, hexi]
    assert [t.id for t in topics.open_topics(db, "hexi")] == [hexi]


def test_overdue_holds_open_topics_due_before_today(db):
    late = topic(db, receipt="2026-0001", due_date=date(2026, 3, 9))
    topic(db, receipt="2026-0002", due_date=date(2026, 3, 10))
    assert topic_sweeps.overdue_ids(db, date(2026, 3, 10)) == [late]


def test_an_open_listing_counts_all_and_reads_the_first_page_oldest_due_first(db):
    ids = [topic(db, receipt=f"2026-000{i}", due_date=date(2026, 3, 9 - i)) for i in range(4)]
    topic(db, receipt="2026-0009", due_date=date(2026, 3, 10))
    answered = topic(db, receipt="2026-0008", due_date=date(2026, 3, 1))
    topics.respond(db, answered, 1, "answered", LATER)
    found, count = topic_listings.open_listing(db, None, 2, due_before=date(2026, 3, 10))
    assert count == 4 and [t.id for t in found] == [ids[3], ids[2]]
    day = {"due_from": date(2026, 3, 9), "due_before": date(2026, 3, 10)}
    found, count = topic_listings.open_listing(db, None, 2, **day)
    assert count == 1 and [t.id for t in found] == [ids[0]]
    assert topic_listings.open_listing(db, ["hexi"], 2) == ([], 0)
    assert topic_listings.open_listing(db, ["qingshan"], 10, category="roads")[1] == 5
    assert topic_listings.open_listing(db, ["qingshan"], 10, category="other") == ([], 0)


def test_respond_records_the_answer_once(db):
    topic_id = topic(db)
    assert topics.respond(db, topic_id, 7, "answered", LATER)
    assert not topics.respond(db, topic_id, 8, "declined", LATER)
    found = topics.get(db, topic_id)
    assert (found.status, found.answer_id, found.responded_at) == ("answered", 7, LATER)
    assert found.first_responded_at == LATER and not found.is_open


def test_awaiting_rating_holds_answered_and_declined_topics_and_closes_only_them(db):
    answered, declined, still_open = (topic(db, receipt=f"2026-000{n}") for n in range(1, 4))
    topics.respond(db, answered, 1, "answered", FILED)
    topics.respond(db, declined, 2, "declined", LATER)
    assert topic_sweeps.awaiting_rating_ids(db, LATER) == [answered, declined]
    assert topic_sweeps.awaiting_rating_ids(db, FILED) == [answered]
    assert not topic_sweeps.close_unrated(db, declined, FILED, LATER)  # answered after the moment
    assert not topic_sweeps.close_unrated(db, still_open, LATER, LATER)
    assert topic_sweeps.close_unrated(db, answered, FILED, LATER)
    assert not topic_sweeps.close_unrated(db, answered, FILED, LATER)  # once
    assert topics.get(db, answered).close_reason == "not_rated"


def test_filed_between_is_half_open_and_filters_by_village(db):
    first = topic(db, receipt="2026-0001", at=FILED)
    second = topic(db, receipt="2026-0002", at=LATER, village_code="hexi")
    assert [t.id for t in topics.filed_between(db, FILED, LATER)] == [first]
    assert [t.id for t in topics.filed_between(db, FILED, LATER + timedelta(1))] == [first, second]
    assert topics.filed_between(db, FILED, LATER + timedelta(1), "hexi")[0].id == second


def test_escalated_since_holds_topics_closed_as_escalations(db):
    escalated, rated = topic(db, receipt="2026-0001"), topic(db, receipt="2026-0002")
    topics.close(db, escalated, "escalated", LATER)
    topics.close(db, rated, "rated", LATER)
    assert [t.id for t in topics.escalated_since(db, LATER)] == [escalated]
    assert topics.escalated_since(db, LATER + timedelta(seconds=1)) == []


def test_assign_keeps_the_first_owner_of_record(db):
    topic_id = topic(db)
    topics.assign(db, topic_id, OFFICIAL, LATER)
    topics.assign(db, topic_id, NEIGHBOUR, LATER)
    found = topics.get(db, topic_id)
    assert (found.assignee_id, found.first_owner_id) == (NEIGHBOUR, OFFICIAL)


def test_set_category_and_joint(db):
    topic_id = topic(db)
    topics.set_category(db, topic_id, "water", LATER)
    topics.set_joint(db, topic_id, LATER)
    found = topics.get(db, topic_id)
    assert (found.category, found.joint) == ("water", True)


def test_set_due_never_clears_the_extended_mark(db):
    topic_id = topic(db)
    topics.set_due(db, topic_id, date(2026, 3, 20), True, LATER, extended=True)
    topics.set_due(db, topic_id, date(2026, 3, 21), False, LATER, extended=False)
    found = topics.get(db, topic_id)
    assert (found.due_date, found.due_provisional, found.extended) == (
        date(2026, 3, 21),
        False,
        True,
    )


def test_a_provisional_due_date_is_stored_with_the_topic(db):
    topic_id = topic(db, due_date=date(2027, 1, 5), due_provisional=True)
    assert topics.get(db, topic_id).due_provisional


def test_rate_records_the_rating_and_its_time(db):
    topic_id = topic(db)
    topics.rate(db, topic_id, "basic", LATER)
    found = topics.get(db, topic_id)
    assert (found.rating, found.rated_at) == ("basic", LATER)


def test_reopen_starts_a_new_cycle_and_keeps_the_first_response(db):
    topic_id = topic(db)
    topics.set_due(db, topic_id, date(2026, 3, 20), False, FILED, extended=True)
    topics.respond(db, topic_id, 1, "answered", LATER)
    again = LATER + timedelta(days=1)
    topics.reopen(db, topic_id, date(2026, 3, 30), True, again)
    found = topics.get(db, topic_id)
    assert (found.status, found.reopened, found.cycle_start) == ("assigned", 1, again)
    assert (found.due_date, found.extended, found.responded_at) == (date(2026, 3, 30), False, None)
    assert found.first_responded_at == LATER and found.due_provisional


def test_close_happens_once(db):
    topic_id = topic(db)
    assert topics.close(db, topic_id, "not_rated", LATER)
    assert not topics.close(db, topic_id, "rated", LATER)
    found = topics.get(db, topic_id)
    assert (found.status, found.close_reason, found.closed_at) == ("closed", "not_rated", LATER)


def test_one_support_per_person(db):
    topic_id = topic(db)
    assert topics.add_support(db, topic_id, NEIGHBOUR, LATER)
    assert not topics.add_support(db, topic_id, NEIGHBOUR, LATER)
    topics.add_support(db, topic_id, OFFICIAL, LATER)
    assert topics.supports(db, topic_id) == 2


def test_an_automatic_urge_is_recorded_once_per_day(db):
    topic_id = topic(db)
    day = date(2026, 3, 17)
    assert topics.add_urge(db, topic_id, None, None, LATER, auto_day=day) is not None
    assert topics.add_urge(db, topic_id, None, None, LATER, auto_day=day) is None
    assert topics.auto_urged_on(db, day) == {topic_id}
    assert topics.auto_urged_on(db, day + timedelta(1)) == set()


def test_manual_urges_are_never_deduplicated(db):
    topic_id = topic(db)
    first = topics.add_urge(db, topic_id, OFFICIAL, "快点", LATER)
    second = topics.add_urge(db, topic_id, OFFICIAL, "快点", LATER)
    assert first is not None and second is not None and first != second
