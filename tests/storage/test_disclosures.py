"""storage.disclosures: disclosures and their versions, the review queue and sent reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import disclosure_signoffs, disclosures
from storage.disclosures import Disclosure
from tests.storage.factories import STAFF, disclosure

PUBLISHED = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)


def publish(db, disclosure_id: int, at: datetime = PUBLISHED) -> None:
    """Walk a draft straight to published (the guards are tested one by one below)."""
    disclosures.transition(db, disclosure_id, "draft", "in_review", review_round=1)
    disclosures.transition(db, disclosure_id, "in_review", "approved", publish_due_at=at)
    disclosures.transition(db, disclosure_id, "approved", "published", published_at=at)


def test_a_new_draft_reads_back_with_every_field(db):
    disclosure_id = disclosure(
        db, kind="finance", opening_fen=100, closing_fen=250, source_name="三月.xlsx", major=True
    )
    found = disclosures.get(db, disclosure_id)
    assert found == Disclosure(
        id=disclosure_id,
        village_code="qingshan",
        kind="finance",
        category="affairs",
        period="2026-03",
        title="三月村务",
        body="修路",
        major=True,
        status="draft",
        version=1,
        root_id=disclosure_id,
        supersedes_id=None,
        superseded_by_id=None,
        opening_fen=100,
        closing_fen=250,
        source_name="三月.xlsx",
        review_round=0,
        reject_reason=None,
        changes=None,
        created_by=STAFF,
        created_at=found.created_at,
        updated_at=found.updated_at,
        submitted_at=None,
        approved_at=None,
        publish_due_at=None,
        published_at=None,
    )
    assert found.created_at.tzinfo is not None and not found.is_public


def test_a_missing_disclosure_is_none(db):
    assert disclosures.get(db, 404) is None


def test_a_correction_keeps_its_root_and_what_it_supersedes(db):
    first = disclosure(db)
    second = disclosure(db, version=2, root_id=first, supersedes_id=first)
    found = disclosures.get(db, second)
    assert (found.root_id, found.supersedes_id, found.version) == (first, first, 2)


def test_update_content_changes_only_given_fields_of_drafts(db):
    disclosure_id = disclosure(db)
    disclosures.update_content(db, disclosure_id, title="新标题", closing_fen=5)
    found = disclosures.get(db, disclosure_id)
    assert (found.title, found.body, found.closing_fen) == ("新标题", "修路", 5)


def test_update_content_leaves_items_in_review_alone(db):
    disclosure_id = disclosure(db)
    disclosures.transition(db, disclosure_id, "draft", "in_review")
    disclosures.update_content(db, disclosure_id, title="改不了")
    disclosures.set_major(db, disclosure_id, True)
    found = disclosures.get(db, disclosure_id)
    assert (found.title, found.major) == ("三月村务", False)


def test_a_transition_happens_once_and_stores_times_and_lists(db):
    disclosure_id = disclosure(db)
    changes = [{"field": "title", "before": "旧", "after": "新"}]
    submitted = datetime(2026, 3, 30, tzinfo=UTC)
    assert disclosures.transition(
        db, disclosure_id, "draft", "in_review", submitted_at=submitted, changes=changes
    )
    assert not disclosures.transition(db, disclosure_id, "draft", "in_review")
    found = disclosures.get(db, disclosure_id)
    assert (found.status, found.submitted_at, found.changes) == ("in_review", submitted, changes)


def test_of_village_filters_by_state_category_and_period_prefix(db):
    draft = disclosure(db, period="2026-03")
    disclosure(db, period="2026-04")
    disclosure(db, period="2026-03", category="finance")
    disclosure(db, village_code="hexi")
    found = disclosures.of_village(db, "qingshan", ("draft",), category="affairs", period="2026-03")
    assert [d.id for d in found] == [draft]


def test_of_village_is_newest_first_and_every_village_when_none(db):
    first, second = disclosure(db), disclosure(db, village_code="hexi")
    found = disclosures.of_village(db, None, ("draft",))
    assert [d.id for d in found] == [second, first]
    assert [d.id for d in disclosures.of_village(db, None, ("draft",), limit=1)] == [second]


def test_due_for_publication_holds_approved_items_whose_time_came(db):
    due, later = disclosure(db), disclosure(db)
    for disclosure_id, at in ((due, PUBLISHED), (later, PUBLISHED + timedelta(days=1))):
        disclosures.transition(db, disclosure_id, "draft", "approved", publish_due_at=at)
    assert [d.id for d in disclosures.due_for_publication(db, PUBLISHED)] == [due]


def test_has_item_for_period_looks_at_the_given_states(db):
    disclosure(db, period="2026-03")
    assert disclosures.has_item_for_period(db, "qingshan", "2026-03", ("draft",))
    assert not disclosures.has_item_for_period(db, "qingshan", "2026-03", ("published",))
    assert not disclosures.has_item_for_period(db, "hexi", "2026-03", ("draft",))


def test_open_correction_finds_the_correction_being_worked_on(db):
    first = disclosure(db)
    publish(db, first)
    assert disclosures.open_correction(db, first) is None
    second = disclosure(db, version=2, root_id=first, supersedes_id=first)
    assert disclosures.open_correction(db, first).id == second


def test_published_in_year_holds_public_versions_of_the_years_periods(db):
    march, april, draft = disclosure(db), disclosure(db, period="2026-04"), disclosure(db)
    disclosure(db, period="2025-12")
    publish(db, april)
    publish(db, march)
    assert draft not in [d.id for d in disclosures.published_in_year(db, 2026, None)]
    assert [d.id for d in disclosures.published_in_year(db, 2026, None)] == [march, april]
    assert disclosures.published_in_year(db, 2026, "hexi") == []


def test_awaiting_holds_items_in_review_the_supervisor_has_not_decided(db):
    decided, waiting = disclosure(db), disclosure(db)
    for disclosure_id in (decided, waiting):
        disclosures.transition(db, disclosure_id, "draft", "in_review", review_round=1)
    disclosure_signoffs.add_signoff(db, decided, 1, 2001, "张会计", "approve", None)
    assert [d.id for d in disclosures.awaiting(db, "qingshan", 2001)] == [waiting]
    assert [d.id for d in disclosures.awaiting(db, "qingshan", 2002)] == [decided, waiting]


def test_a_reminder_is_claimed_once(db):
    assert disclosures.claim_reminder(db, "due:qingshan:2026-03")
    assert not disclosures.claim_reminder(db, "due:qingshan:2026-03")
