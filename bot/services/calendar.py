"""Working days on the Chinese statutory calendar (DESIGN §4, cn-practice §6).

Holidays and 调休 make-up working days come from the `chinesecalendar` package; township staff
add overrides with /holiday (local festivals, a late State Council notice). A year the package
does not cover yet falls back to Monday–Friday plus overrides, and the township is warned once —
never a crash. Counting starts the day after receipt (民法典 §201; TL-01 with TL-10's working-day
variant).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar
from sqlite_utils import Database

from bot.core.clock import Clock
from bot.i18n import Term
from bot.services import notify
from bot.services.people import Denied, Person, ReplyTo
from storage import audit, calendar_days, members
from storage.db import Store

HOLIDAY = "holiday"
WORKDAY = "workday"

Provider = Callable[[date], bool]


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed due date and the years whose official calendar was missing."""

    due: date
    uncovered_years: frozenset[int]


def statutory_workday(day: date) -> bool:
    """The package's answer; raises NotImplementedError for years it does not cover."""
    return chinese_calendar.is_workday(day)


def is_workday(
    day: date, overrides: Mapping[date, str], provider: Provider = statutory_workday
) -> tuple[bool, bool]:
    """(working day?, covered by the official calendar?) — an override always wins."""
    kind = overrides.get(day)
    if kind is not None:
        return kind == WORKDAY, True
    try:
        return provider(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def add_working_days(
    start: date, count: int, overrides: Mapping[date, str], provider: Provider = statutory_workday
) -> Deadline:
    """The `count`-th working day after `start` (the day of receipt itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day, found, uncovered = start, 0, set()
    while found < count:
        day += timedelta(days=1)
        working, covered = is_workday(day, overrides, provider)
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
    while day < end:
        day += timedelta(days=1)
        if is_workday(day, overrides, provider)[0]:
            total += 1
    return total


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
        result = add_working_days(start, count, calendar_days.overrides(db), self.provider)
        if cap is not None and result.due > cap:
            return Deadline(cap, result.uncovered_years)
        return result

    def is_workday(self, day: date) -> bool:
        return is_workday(day, calendar_days.overrides(self.store.db), self.provider)[0]

    def warn_uncovered(self, db: Database, deadline: Deadline, at: datetime) -> None:
        """Tell township staff, once per year, that a deadline used the weekday fallback."""
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

    def covered(self, year: int) -> bool:
        """Whether the package has the official schedule of a year."""
        try:
            self.provider(date(year, 1, 2))
        except NotImplementedError:
            return False
        return True

    def upcoming_overrides(self, person: Person) -> list[calendar_days.Override]:
        person.require("township")
        today = self.now().date() - timedelta(days=31)
        return calendar_days.upcoming(self.store.db, today)

    def set_override(
        self,
        person: Person,
        day: date,
        kind: str | None,
        note: str | None,
        reply: ReplyTo | None = None,
    ) -> None:
        """/holiday: township staff mark a day as holiday or working day, or clear the mark.
        Deadlines already set are not recomputed (cn-practice §6)."""
        person.require("township")
        note = (note or "").strip()[:100] or None
        with self.store.transaction() as db:
            before = calendar_days.get(db, day)
            if kind is None:
                if before is None:
                    raise Denied("topics.holiday.none", day=day.isoformat())
                calendar_days.delete(db, day)
            else:
                calendar_days.put(db, day, kind, note, person.user_id, self.now())
            event = audit.record(
                db,
                person.user_id,
                "calendar.override",
                f"calendar:{day.isoformat()}",
                before={"kind": before.kind, "note": before.note} if before else None,
                after={"kind": kind, "note": note} if kind else None,
            )
            covered = "covered" if self.covered(day.year) else "uncovered"
            notify.answer(
                db,
                f"a{event}:answer",
                reply,
                person.language,
                "topics.holiday.cleared" if kind is None else "topics.holiday.set",
                day=day.isoformat(),
                kind=Term(f"topics.holiday.{kind or HOLIDAY}"),
                covered=Term(f"topics.holiday.{covered}"),
            )
