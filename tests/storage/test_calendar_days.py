"""storage.calendar_days: working-calendar overrides and uncovered-year warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage import calendar_days
from storage.calendar_days import Override
from tests.storage.factories import STAFF

AT = datetime(2026, 3, 2, tzinfo=UTC)
DAY = date(2026, 10, 9)


def test_an_override_reads_back_with_every_field(db):
    calendar_days.put(db, DAY, "holiday", "国庆调休", STAFF, AT)
    assert calendar_days.get(db, DAY) == Override(DAY, "holiday", "国庆调休")
    assert calendar_days.get(db, date(2026, 10, 10)) is None


def test_putting_a_day_again_replaces_it(db):
    calendar_days.put(db, DAY, "holiday", "国庆", STAFF, AT)
    calendar_days.put(db, DAY, "workday", None, STAFF, AT)
    assert calendar_days.get(db, DAY) == Override(DAY, "workday", None)


def test_overrides_map_every_day_to_its_kind(db):
    calendar_days.put(db, DAY, "holiday", None, STAFF, AT)
    calendar_days.put(db, date(2026, 10, 11), "workday", None, STAFF, AT)
    assert calendar_days.overrides(db) == {DAY: "holiday", date(2026, 10, 11): "workday"}


def test_upcoming_starts_at_a_day_in_order_and_is_limited(db):
    for day in (date(2026, 10, 1), date(2026, 10, 3), date(2026, 10, 2)):
        calendar_days.put(db, day, "holiday", None, STAFF, AT)
    found = calendar_days.upcoming(db, date(2026, 10, 2))
    assert [o.day for o in found] == [date(2026, 10, 2), date(2026, 10, 3)]
    assert len(calendar_days.upcoming(db, date(2026, 1, 1), limit=2)) == 2


def test_delete_says_whether_there_was_an_override(db):
    calendar_days.put(db, DAY, "holiday", None, STAFF, AT)
    assert calendar_days.delete(db, DAY)
    assert not calendar_days.delete(db, DAY)


def test_a_year_is_warned_about_once(db):
    assert calendar_days.mark_warned(db, 2027, AT)
    assert not calendar_days.mark_warned(db, 2027, AT)
    assert calendar_days.mark_warned(db, 2028, AT)


def test_a_year_has_overrides_only_when_a_day_of_it_is_entered(db):
    assert not calendar_days.has_year(db, 2027)
    calendar_days.put(db, date(2027, 12, 31), "holiday", None, STAFF, AT)
    assert calendar_days.has_year(db, 2027)
    assert not calendar_days.has_year(db, 2028) and not calendar_days.has_year(db, 2026)
