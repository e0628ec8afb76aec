"""Topic statistics for township staff (STAT-01, STAT-03, STAT-05, STAT-12, cn-practice §4.5).

- 按时办结率 (on-time rate) = topics answered (or lawfully declined) by their due date ÷ topics
  due in the period. "Due in the period": the current due date lies in the period and has passed
  or the topic was answered already (a topic not yet due is not counted against anyone).
- 满意率 (satisfaction) = (满意 + 基本满意) ÷ rated; answers closed unrated are not counted as
  satisfied, nor in the denominator (reported separately as 未评价).
- Average time to answer: working days from filing to the first answer, over topics filed in
  the period that have one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from operator import attrgetter
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.core.local_time import day_start
from bot.core.periods import Period, parse_period, quarter_of
from bot.i18n import t
from bot.services import figure_memory, figure_totals
from bot.services.calendar import is_workday
from bot.services.people import Denied
from storage import calendar_days, figure_versions, topic_figures, villages


@dataclass(slots=True)
class Counts:
    code: str
    name: str
    filed: int = 0
    answered: int = 0
    declined: int = 0
    open: int = 0
    overdue: int = 0
    due: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    not_rated: int = 0
    urges: int = 0
    auto_urges: int = 0
    days_total: int = 0  # working days from filing to the first answer, over `answered`

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def satisfaction_rate(self) -> float | None:
        return (self.satisfied + self.basic) / self.rated if self.rated else None

    @property
    def average_days(self) -> float | None:
        return self.days_total / self.answered if self.answered else None

    @classmethod
    def total_of(cls, code: str, name: str, parts: Iterable[Counts]) -> Counts:
        """These counts added up, one field at a time over all of them (a county adds 300
        villages' after each change in one)."""
        rows = list(map(_SUMMED_OF, parts))
        if not rows:
            return cls(code, name)
        sums = [sum(column) for column in zip(*rows, strict=True)]
        return cls(code, name, **dict(zip(_SUMMED, sums, strict=True)))


_SUMMED = (
    "filed", "answered", "declined", "open", "overdue", "due", "on_time", "rated", "satisfied",
    "basic", "unsatisfied", "not_rated", "urges", "auto_urges", "days_total",
)  # fmt: skip
_SUMMED_OF = attrgetter(*_SUMMED)
# The kinds /stats and the statistics page accept: a day is too short to say anything.
KINDS = ("quarter", "month", "year")


def stats_period(text: str | None, today: date) -> Period:
    """A quarter, month or year as people write it; default: the current quarter."""
    text = (text or "").strip()
    if not text:
        return quarter_of(today)
    period = parse_period(text)
    if period is None or period.kind not in KINDS:
        raise Denied("topics.stats.bad_period", text=text[:20])
    return period


def figures_key(db: Database, period: Period, today: date, tz: ZoneInfo) -> tuple:
    """What a period's figures are counted under besides the villages' versions: overdue
    depends on today, the working days on the calendar's overrides, local days on the zone."""
    overrides = tuple(sorted(calendar_days.overrides(db).items()))
    return (period.first, period.last, today, tz, overrides)


def asked_villages(
    village_code: str | None, within: frozenset[str] | None
) -> frozenset[str] | None:
    """The villages figures are asked of: one (if it is `within`), those `within`, or None
    for every active village."""
    if village_code is None:
        return within
    return frozenset({village_code} if within is None else {village_code} & within)


def compute(
    db: Database,
    period: Period,
    today: date,
    tz: ZoneInfo,
    village_code: str | None = None,
    within: frozenset[str] | None = None,
) -> tuple[list[Counts], Counts]:
    """Per-village counts and the total for a period, of the villages `within` (None: all):
    counted in SQL for those villages only, remembered per village until one of its topics
    changes (figure_memory), and the whole kept while none of them moved (figure_totals).
    The result is shared: callers never change it."""
    # A township's or one village's figures read only those villages, not the county's list.
    asked = asked_villages(village_code, within)
    key = figures_key(db, period, today, tz)

    def add_up() -> tuple[tuple[list[Counts], Counts], None]:
        chosen = villages.all_active(db) if asked is None else villages.active_among(db, asked)
        found = village_counts(db, period, today, tz, [v.code for v in chosen])
        per = [named(found[v.code], v.name) for v in chosen]
        return (per, Counts.total_of("*", "", per)), None

    return figure_totals.added_up(db, ("topics", *key, asked), asked, add_up)


def township_rows(
    db: Database, township_code: str, period: Period, today: date, tz: ZoneInfo
) -> tuple[list[Counts], Counts]:
    """`compute` for one township's villages, remembered under the township's version (m026):
    an unchanged township's /stats is one read, not twenty villages' rows summed again.
    Shared: callers never change them."""
    key = ("township rows", *figures_key(db, period, today, tz))

    def count(stale: Sequence[str]) -> dict[str, tuple[list[Counts], Counts]]:
        return {
            code: compute(
                db, period, today, tz, within=frozenset(villages.codes_of_township(db, code))
            )
            for code in stale
        }

    found = figure_memory.village_figures(
        db, key, [township_code], count, figure_versions.of_groups
    )
    return found[township_code]


def village_counts(
    db: Database,
    period: Period,
    today: date,
    tz: ZoneInfo,
    codes: Sequence[str],
    versions: figure_memory.Versions | None = None,
) -> dict[str, Counts]:
    """These villages' figures for a period (their names left blank: see `named`), remembered
    per village until one of its topics changes (figure_memory; `versions`: their versions
    when the caller has read them already). Shared: callers never change them."""
    key = figures_key(db, period, today, tz)

    def count(stale: Sequence[str]) -> dict[str, Counts]:
        counted = _count(db, period, today, tz, key[-1], stale)
        return {code: Counts(code, "", **counted[code]) for code in stale}

    if versions is None:
        return figure_memory.village_figures(db, key, codes, count)
    return figure_memory.village_figures(db, key, codes, count, lambda *_: versions)


def named(counts: Counts, name: str) -> Counts:
    """A village's remembered figures under its name as it is now (a rename moves no version);
    built from its fields in order, as `dataclasses.replace` costs six times as much."""
    return Counts(counts.code, name, *_SUMMED_OF(counts))


def _count(
    db: Database,
    period: Period,
    today: date,
    tz: ZoneInfo,
    overrides: tuple[tuple[date, str], ...],
    codes: Sequence[str],
) -> dict[str, dict[str, int]]:
    """The figures of these villages, counted in SQL, by village code."""
    start, end = day_start(period.first, tz), day_start(period.last + timedelta(days=1), tz)
    # Answers come after filing and by today (a month's margin for a clock set back in tests).
    first, last = period.first - timedelta(days=1), max(today, period.last) + timedelta(days=31)
    shifts = zone_shifts(tz, first - timedelta(days=366), last)  # due topics answered early
    numbers = working_day_numbers(first, last, overrides)
    per: dict[str, dict[str, int]] = {code: {} for code in codes}
    for row in topic_figures.filed(db, start, end, today, shifts, numbers, codes):
        per[row.pop("code")].update({name: value or 0 for name, value in row.items()})
    for row in topic_figures.due(db, period.first, period.last, today, shifts, codes):
        per[row["code"]].update(due=row["due"], on_time=row["on_time"] or 0)
    for code, (manual, auto) in topic_figures.urges(db, start, end, codes).items():
        per[code].update(urges=manual, auto_urges=auto)
    return per


def category_counts(
    db: Database, period: Period, tz: ZoneInfo, codes: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Topics filed in the period per village (of these) and category, remembered per village
    like the figures (a category set later moves the village's version too)."""
    start, end = day_start(period.first, tz), day_start(period.last + timedelta(days=1), tz)

    def count(stale: Sequence[str]) -> dict[str, dict[str, int]]:
        per: dict[str, dict[str, int]] = {code: {} for code in stale}
        for row in topic_figures.categories(db, start, end, stale):
            per[row["code"]][row["category"]] = row["filed"]
        return per

    key = ("categories", period.first, period.last, tz)
    return figure_memory.village_figures(db, key, codes, count)


@lru_cache(maxsize=16)
def zone_shifts(tz: ZoneInfo, first: date, last: date) -> tuple[tuple[datetime | None, int], ...]:
    """The zone's UTC offsets in minutes over [first, last], each from the moment it starts
    (to the minute); one entry for a zone without summer time, such as China's."""

    def minutes(moment: datetime) -> int:
        return int(moment.astimezone(tz).utcoffset().total_seconds() // 60)

    moment = datetime.combine(first, time(), UTC)
    shifts: list[tuple[datetime | None, int]] = [(None, minutes(moment))]
    while moment.date() <= last:
        following = moment + timedelta(days=1)
        if minutes(following) != shifts[-1][1]:
            low, high = moment, following  # the change lies in (low, high]
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (low, middle) if minutes(middle) != shifts[-1][1] else (middle, high)
            shifts.append((high.replace(second=0, microsecond=0), minutes(high)))
        moment = following
    return tuple(shifts)


@lru_cache(maxsize=16)
def working_day_numbers(
    first: date, last: date, overrides: tuple[tuple[date, str], ...]
) -> tuple[date, tuple[int, ...]]:
    """The working days counted up to each day of [first, last]: the working days between two
    of them (`working_days_between`) are the difference of their numbers."""
    out, count, day, entered = [], 0, first, dict(overrides)
    while day <= last:
        count += is_workday(day, entered)[0]
        out.append(count)
        day += timedelta(days=1)
    return first, tuple(out)


def percent(rate: float | None) -> str:
    """A rate as people read it: 83.3%, or — when nothing was counted."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def stats_lines(language: str, period: Period, rows: list[Counts], total: Counts) -> list[str]:
    """The /stats text: one block per village and the township total."""
    lines = [t(language, "topics.stats.header", period=period.text)]
    for c in [*rows, total] if len(rows) > 1 else rows:
        lines.append(
            t(
                language,
                "topics.stats.line",
                name=c.name or t(language, "topics.report.total"),
                filed=c.filed,
                answered=c.answered,
                declined=c.declined,
                open=c.open,
                overdue=c.overdue,
                on_time_rate=percent(c.on_time_rate),
                on_time=c.on_time,
                due=c.due,
                satisfaction=percent(c.satisfaction_rate),
                good=c.satisfied + c.basic,
                rated=c.rated,
                not_rated=c.not_rated,
                average=days(c.average_days),
                urges=c.urges + c.auto_urges,
            )
        )
    return lines
