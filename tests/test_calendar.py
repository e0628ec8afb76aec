"""Working-day deadlines on the Chinese statutory calendar (DESIGN §4, cn-practice §6, TL-01)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.clock import Clock
from bot.services.calendar import (
    HOLIDAY,
    WORKDAY,
    WorkCalendar,
    add_working_days,
    is_workday,
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


def test_a_year_the_package_does_not_cover_falls_back_to_weekdays():
    # 2027 is not in chinesecalendar 1.11: Mon-Fri, so Fri 1 Jan 2027 counts as a working day.
    deadline = add_working_days(date(2026, 12, 28), 10, {})
    assert deadline.due == date(2027, 1, 11)
    assert deadline.uncovered_years == frozenset({2027})
    # An override entered with /holiday moves it.
    override = add_working_days(date(2026, 12, 28), 10, {date(2027, 1, 1): HOLIDAY})
    assert override.due == date(2027, 1, 12)


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
    calendar.set_override(staff, date(2027, 2, 10), HOLIDAY, "春节")
    assert calendar_days.overrides(calendar.store.db) == {date(2027, 2, 10): HOLIDAY}
    assert not calendar.is_workday(date(2027, 2, 10))
    calendar.set_override(staff, date(2027, 2, 10), None, None)
    assert calendar_days.overrides(calendar.store.db) == {}
    with pytest.raises(Denied):
        calendar.set_override(staff, date(2027, 2, 10), None, None)
    resident = Person(1, "r", "zh-CN", ())
    with pytest.raises(Denied):
        calendar.set_override(resident, date(2027, 2, 11), HOLIDAY, None)
    actions = [
        r[0] for r in calendar.store.db.execute("SELECT action FROM audit_events").fetchall()
    ]
    assert actions == ["calendar.override", "calendar.override"]
