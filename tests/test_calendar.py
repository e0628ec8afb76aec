"""Working-day deadlines on the Chinese statutory calendar (DESIGN §4, cn-practice §6, TL-01)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.clock import Clock
from bot.services import calendar as calendar_module
from bot.services.calendar import (
    HOLIDAY,
    WORKDAY,
    WorkCalendar,
    add_working_days,
    is_workday,
    statutory_days_off,
    uncovered_years,
    working_days_between,
)
from bot.services.people import Denied
from storage import calendar_days, members, outbox, users
from storage.db import Store

STAFF = 9001
NOW = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)


def test_national_day_2026_with_the_make_up_saturday():
    # Filed Tue 29 Sep: 30 Sep (1), 1-7 Oct off, 8 (2), 9 (3), Sat 10 Oct make-up (4),
    # 12-16 Oct (5-9), Mon 19 Oct (10). Counting starts the day after receipt.
    assert add_working_days(date(2026, 9, 29), 10, {}).due == date(2026, 10, 19)
    assert is_workday(date(2026, 10, 10), {}) == (True, True)
    assert is_workday(date(2026, 10, 5), {}) == (False, True)


def test_spring_festival_2026_with_two_make_up_saturdays():
    # Filed Thu 12 Feb: 13 (1), Sat 14 Feb make-up (2), 15-23 Feb off, 24-27 (3-6),
    # Sat 28 Feb make-up (7), 2-4 Mar (8-10).
    deadline = add_working_days(date(2026, 2, 12), 10, {})
    assert deadline.due == date(2026, 3, 4)
    assert not deadline.uncovered_years
    assert is_workday(date(2026, 2, 14), {})[0] and is_workday(date(2026, 2, 28), {})[0]


def test_a_year_the_package_does_not_cover_keeps_the_statutory_holidays():
    # 2027 is not in chinesecalendar 1.11: Mon-Fri less the computed statutory days off, so
    # Fri 1 Jan 2027 (New Year's Day) is not a working day; the deadline is provisional.
    deadline = add_working_days(date(2026, 12, 28), 10, {})
    assert deadline.due == date(2027, 1, 12)
    assert deadline.uncovered_years == frozenset({2027}) and deadline.provisional
    assert is_workday(date(2027, 1, 1), {}) == (False, False)
    # An override entered with /holiday moves it, and the year counts as entered.
    override = add_working_days(date(2026, 12, 28), 10, {date(2027, 1, 4): HOLIDAY})
    assert override.due == date(2027, 1, 13) and not override.provisional


def test_the_statutory_days_off_of_2027_are_computed():
    days = statutory_days_off(2027)
    # 放假办法 §2: 元旦 1, 春节 4 (eve + 3), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3; §6 补假.
    assert {date(2027, 1, 1), date(2027, 4, 5), date(2027, 6, 9), date(2027, 9, 15)} <= days
    assert {date(2027, 2, 5) + timedelta(n) for n in range(4)} <= days
    assert {date(2027, 5, 1), date(2027, 5, 2), date(2027, 10, 1), date(2027, 10, 3)} <= days
    # Spring Festival's Sat and Sun are made up on the following Tue and Wed.
    assert {date(2027, 2, 9), date(2027, 2, 10)} <= days


def test_spring_festival_2027_is_skipped_without_the_official_schedule():
    # Filed Wed 3 Feb 2027: Thu 4 (1), Fri 5 eve off, 6-10 off, Thu 11 (2) ... Tue 23 Feb (10).
    deadline = add_working_days(date(2027, 2, 3), 10, {})
    assert deadline.due == date(2027, 2, 23) and deadline.provisional
    assert not any(is_workday(date(2027, 2, 5) + timedelta(n), {})[0] for n in range(6))


def test_uncovered_years_span_only_the_days_counted():
    assert uncovered_years(date(2026, 12, 1), date(2026, 12, 31), {}) == frozenset()
    assert uncovered_years(date(2026, 12, 1), date(2027, 1, 4), {}) == frozenset({2027})
    entered = {date(2027, 10, 8): WORKDAY}
    assert uncovered_years(date(2026, 12, 1), date(2027, 1, 4), entered) == frozenset()


def test_overrides_win_over_the_package():
    overrides = {date(2026, 10, 10): HOLIDAY, date(2026, 10, 11): WORKDAY}
    assert is_workday(date(2026, 10, 10), overrides) == (False, True)
    assert is_workday(date(2026, 10, 11), overrides) == (True, True)


def test_working_days_between_counts_after_the_start():
    assert working_days_between(date(2026, 9, 29), date(2026, 10, 19), {}) == 10
    assert working_days_between(date(2026, 10, 19), date(2026, 10, 19), {}) == 0


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=date(2004, 1, 1), max_value=date(2027, 6, 30)),
    count=st.integers(min_value=0, max_value=25),
)
def test_deadline_invariants(start, count):
    deadline = add_working_days(start, count, {})
    due = deadline.due
    # Exactly `count` working days after the start, ending on a working day (unless count is 0).
    assert working_days_between(start, due, {}) == count
    if count:
        assert due > start and is_workday(due, {})[0]
        # One more working day is strictly later; never more than ~3x calendar days.
        assert add_working_days(start, count + 1, {}).due > due
    else:
        assert due == start
    assert (due - start).days <= 3 * count + 12
    assert (2027 in deadline.uncovered_years) == (due.year >= 2027 and count > 0)


@pytest.fixture
def calendar(tmp_path):
    store = Store(tmp_path / "c.db")
    with store.transaction() as db:
        users.ensure(db, STAFF)
        members.add(db, STAFF, "township", None)
    yield WorkCalendar(store, "zh-CN", clock=Clock(NOW))
    store.close()


def test_uncovered_year_warns_township_staff_once(calendar):
    db = calendar.store.db
    for _ in range(3):
        with calendar.store.transaction() as tx:
            deadline = calendar.deadline(tx, date(2026, 12, 28), 10)
            calendar.warn_uncovered(tx, deadline, NOW)
    warnings = [m for m in outbox.for_chat(db, STAFF) if "2027" in m.payload["text"]]
    assert len(warnings) == 1
    assert "/holiday" in warnings[0].payload["text"]


def test_hard_cap_limits_the_deadline(calendar):
    with calendar.store.transaction() as tx:
        capped = calendar.deadline(tx, date(2026, 9, 20), 30, date(2026, 9, 20) + timedelta(30))
    assert capped.due == date(2026, 10, 20)


def test_holiday_overrides_are_township_only_and_audited(calendar):
    from bot.services.people import Person

    staff = Person(STAFF, "staff", "zh-CN", tuple(members.roles_of(calendar.store.db, STAFF)))
    with calendar.store.transaction() as db:
        calendar.apply_override(db, staff, date(2027, 2, 10), HOLIDAY, "春节")
    assert calendar_days.overrides(calendar.store.db) == {date(2027, 2, 10): HOLIDAY}
    assert not calendar.is_workday(date(2027, 2, 10))
    with calendar.store.transaction() as db:
        calendar.apply_override(db, staff, date(2027, 2, 10), None, None)
    assert calendar_days.overrides(calendar.store.db) == {}
    with pytest.raises(Denied), calendar.store.transaction() as db:
        calendar.apply_override(db, staff, date(2027, 2, 10), None, None)
    resident = Person(1, "r", "zh-CN", ())
    with pytest.raises(Denied), calendar.store.transaction() as db:
        calendar.apply_override(db, resident, date(2027, 2, 11), HOLIDAY, None)
    actions = [
        r[0] for r in calendar.store.db.execute("SELECT action FROM audit_events").fetchall()
    ]
    assert actions == ["calendar.override", "calendar.override"]


def test_holiday_overrides_stay_within_two_years(calendar):
    from bot.services.people import Person

    staff = Person(STAFF, "staff", "zh-CN", tuple(members.roles_of(calendar.store.db, STAFF)))
    for far in (date(2029, 1, 1), date(2024, 12, 1)):
        with pytest.raises(Denied) as refused, calendar.store.transaction() as db:
            calendar.apply_override(db, staff, far, HOLIDAY, None)
        assert refused.value.key == "topics.holiday.out_of_range"
    with calendar.store.transaction() as db:
        calendar.apply_override(db, staff, date(2028, 12, 1), HOLIDAY, None)
    assert calendar_days.has_year(calendar.store.db, 2028)


def test_the_official_schedule_is_asked_once_per_day(monkeypatch):
    # Every topic's deadline asks about a fortnight of days; the package scans its table each time.
    asked = []
    monkeypatch.setattr(chinese_calendar, "is_workday", lambda day: asked.append(day) or True)
    calendar_module._statutory_answer.cache_clear()
    try:
        for _ in range(3):
            calendar_module.add_working_days(date(2031, 5, 1), 5, {})
        assert len(asked) == 5
    finally:
        calendar_module._statutory_answer.cache_clear()
