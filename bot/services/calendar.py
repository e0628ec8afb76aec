"""Working days on the Chinese statutory calendar (DESIGN §4, cn-practice §6).

Holidays and 调休 make-up working days come from the `chinesecalendar` package; township staff
add overrides with /holiday (local festivals, a late State Council notice). A year the package
does not cover yet uses the statutory days off computed by the `holidays` package (New Year,
Spring Festival, Qingming, Labour Day, Dragon Boat, Mid-Autumn, National Day, with §6 补假 for
those on a weekend) plus overrides; its make-up working days are unknown, so weekends stay off.
Such a year is "uncovered" until staff enter its official schedule: deadlines reaching into it
are provisional and the township is warned once — never a crash. Counting starts the day after
receipt (民法典 §201; TL-01 with TL-10's working-day variant).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

import chinese_calendar
import holidays
from sqlite_utils import Database

from bot.core.clock import Clock
from bot.i18n import Term
from bot.services import notify
from bot.services.people import Denied, Person
from bot.services.permissions import require
from storage import audit, calendar_days, members
from storage.db import Store

HOLIDAY = "holiday"
WORKDAY = "workday"
# /holiday accepts days this far from today either way: next year's schedule, last year's fixes.
OVERRIDE_RANGE = timedelta(days=731)
# From this month on, the digest asks for next year's official schedule (usually out Oct–Nov).
SCHEDULE_REMINDER_MONTH = 11

# Whether a day is a working day by the official schedule; raises UncoveredYear past it.
Provider = Callable[[date], bool]


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed due date and the years whose official calendar was missing."""

    due: date
    uncovered_years: frozenset[int]

    @property
    def provisional(self) -> bool:
        """Whether a day counted lies in a year without its official schedule."""
        return bool(self.uncovered_years)


class UncoveredYear(LookupError):
    """The calendar package has no official schedule (放假安排) for this year yet."""


def statutory_workday(day: date) -> bool:
    """The package's answer; UncoveredYear for a year it does not cover."""
    working = _statutory_answer(day)
    if working is None:
        raise UncoveredYear(day.year)
    return working


@lru_cache(maxsize=4096)
def _statutory_answer(day: date) -> bool | None:
    # The package scans its whole table on every question (a quarter of a millisecond), and
    # every topic's deadline asks about a fortnight of days.
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # how the package says it has no schedule for the year
        return None


@cache
def statutory_days_off(year: int) -> frozenset[date]:
    """The days off the statute fixes for a year (放假办法 §2, §6), computed from the lunar
    calendar; the State Council's yearly 调休 notice is not in it."""
    return frozenset(holidays.country_holidays("CN", years=year))


def _entered_years(overrides: Mapping[date, str]) -> frozenset[int]:
    """Years staff have entered overrides for: their official schedule counts as entered."""
    return frozenset(day.year for day in overrides)


def _workday(
    day: date, overrides: Mapping[date, str], entered: frozenset[int], provider: Provider
) -> tuple[bool, bool]:
    kind = overrides.get(day)
    if kind is not None:
        return kind == WORKDAY, True
    try:
        return provider(day), True
    except UncoveredYear:
        working = day.weekday() < 5 and day not in statutory_days_off(day.year)
        return working, day.year in entered


def is_workday(
    day: date, overrides: Mapping[date, str], provider: Provider = statutory_workday
) -> tuple[bool, bool]:
    """(working day?, covered by the official calendar?) — an override always wins."""
    return _workday(day, overrides, _entered_years(overrides), provider)


def add_working_days(
    start: date, count: int, overrides: Mapping[date, str], provider: Provider = statutory_workday
) -> Deadline:
    """The `count`-th working day after `start` (the day of receipt itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day, found, uncovered = start, 0, set()
    entered = _entered_years(overrides)
    while found < count:
        day += timedelta(days=1)
        working, covered = _workday(day, overrides, entered, provider)
        if not covered:
            uncovered.add(day.year)
        if working:
            found += 1
    return Deadline(day, frozenset(uncovered))


def working_days_between(
    start: date, end: date, overrides: Mapping[date, str], provider: Provider = statutory_workday
) -> int:
    """Working days d with start < d <= end (0 when end is not after start)."""
    total, day = 0, start
    entered = _entered_years(overrides)
    while day < end:
        day += timedelta(days=1)
        if _workday(day, overrides, entered, provider)[0]:
            total += 1
    return total


def uncovered_years(
    start: date, end: date, overrides: Mapping[date, str], provider: Provider = statutory_workday
) -> frozenset[int]:
    """Years of the days d with start < d <= end that lack their official schedule."""
    found, day = set(), start
    entered = _entered_years(overrides)
    while day < end:
        day += timedelta(days=1)
        if not _workday(day, overrides, entered, provider)[1]:
            found.add(day.year)
    return frozenset(found)


class WorkCalendar:
    """The township's working calendar: the package plus the overrides in the database."""

    def __init__(
        self,
        store: Store,
        default_language: str,
        provider: Provider = statutory_workday,
        *,
        clock: Clock,
    ) -> None:
        self.store = store
        self.default_language = default_language
        self.provider = provider
        self.now = clock.now

    def deadline(self, db: Database, start: date, count: int, cap: date | None = None) -> Deadline:
        """`count` working days after `start`, never later than `cap` (TL-02 hard cap)."""
        overrides = calendar_days.overrides(db)
        result = add_working_days(start, count, overrides, self.provider)
        if cap is not None and result.due > cap:
            return Deadline(cap, uncovered_years(start, cap, overrides, self.provider))
        return result

    def is_workday(self, day: date) -> bool:
        return is_workday(day, calendar_days.overrides(self.store.db), self.provider)[0]

    def warn_uncovered(self, db: Database, deadline: Deadline, at: datetime) -> None:
        """Tell township staff, once per year, that a deadline counted a year without its
        official schedule (weekdays less the computed statutory holidays)."""
        for year in sorted(deadline.uncovered_years):
            if not calendar_days.mark_warned(db, year, at):
                continue
            event = audit.record(db, None, "calendar.uncovered", f"calendar:{year}")
            for staff in members.township_staff(db):
                notify.message(
                    db,
                    f"a{event}:warn:{staff.user_id}",
                    staff.user_id,
                    self.default_language,
                    "topics.calendar.uncovered",
                    year=year,
                )

    def recount(
        self,
        start: date,
        due: date,
        cap: date,
        before: Mapping[date, str],
        after: Mapping[date, str],
    ) -> Deadline:
        """A due date after the overrides changed from `before` to `after`: as many working days
        after `start` as it had, never later than `cap` (TL-02) and never earlier than `due`."""
        count = working_days_between(start, due, before, self.provider)
        recounted = min(add_working_days(start, count, after, self.provider).due, cap)
        moved = max(due, recounted)
        return Deadline(moved, uncovered_years(start, moved, after, self.provider))

    def in_package(self, year: int) -> bool:
        """Whether the package has the official schedule of a year."""
        try:
            self.provider(date(year, 1, 2))
        except UncoveredYear:
            return False
        return True

    def covered(self, db: Database, year: int) -> bool:
        """Whether a year's official schedule is known: in the package, or entered by staff."""
        return self.in_package(year) or calendar_days.has_year(db, year)

    def schedule_reminder(
        self, db: Database, today: date, within: frozenset[str] | None = None
    ) -> list[tuple[str, dict]]:
        """The digest's line asking staff, from 1 November on, to enter next year's official
        schedule while nobody has (a digest section; none before November or once entered).
        The calendar is the whole instance's, so every township's staff get it (`within`)."""
        year = today.year + 1
        if today.month < SCHEDULE_REMINDER_MONTH or self.covered(db, year):
            return []
        return [("topics.calendar.enter_schedule", {"year": year})]

    def upcoming_overrides(self, person: Person) -> list[calendar_days.Override]:
        require(person, "calendar.override")
        today = self.now().date() - timedelta(days=31)
        return calendar_days.upcoming(self.store.db, today)

    def apply_override(
        self, db: Database, person: Person, day: date, kind: str | None, note: str | None
    ) -> int:
        """/holiday: township staff mark a day as holiday or working day, or clear the mark,
        within two years of today; returns the audit event."""
        require(person, "calendar.override")
        today = self.now().date()
        if abs(day - today) > OVERRIDE_RANGE:
            first, last = today - OVERRIDE_RANGE, today + OVERRIDE_RANGE
            raise Denied(
                "topics.holiday.out_of_range",
                day=day.isoformat(),
                first=first.isoformat(),
                last=last.isoformat(),
            )
        note = (note or "").strip()[:100] or None
        before = calendar_days.get(db, day)
        if kind is None:
            if before is None:
                raise Denied("topics.holiday.none", day=day.isoformat())
            calendar_days.delete(db, day)
        else:
            calendar_days.put(db, day, kind, note, person.user_id, self.now())
        return audit.record(
            db,
            person.user_id,
            "calendar.override",
            f"calendar:{day.isoformat()}",
            before={"kind": before.kind, "note": before.note} if before else None,
            after={"kind": kind, "note": note} if kind else None,
        )

    def coverage(self, db: Database, year: int) -> Term:
        """How /holiday's answer describes a year: in the package, entered by staff, or not."""
        if self.in_package(year):
            return Term("topics.holiday.covered")
        entered = calendar_days.has_year(db, year)
        return Term("topics.holiday.entered" if entered else "topics.holiday.uncovered")
