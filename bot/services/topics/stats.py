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

from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.core.local_time import day_start, local_date
from bot.core.periods import Period, parse_period, quarter_of
from bot.i18n import t
from bot.services.calendar import working_days_between
from bot.services.people import Denied
from storage import calendar_days, topic_answers, topics, villages
from storage.topics import Topic


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
    answer_days: list[int] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def satisfaction_rate(self) -> float | None:
        return (self.satisfied + self.basic) / self.rated if self.rated else None

    @property
    def average_days(self) -> float | None:
        return sum(self.answer_days) / len(self.answer_days) if self.answer_days else None

    def add(self, other: Counts) -> None:
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.answer_days.extend(other.answer_days)


_SUMMED = (
    "filed", "answered", "declined", "open", "overdue", "due", "on_time", "rated", "satisfied",
    "basic", "unsatisfied", "not_rated", "urges", "auto_urges",
)  # fmt: skip
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


def compute(
    db: Database,
    period: Period,
    today: date,
    tz: ZoneInfo,
    village_code: str | None = None,
    within: frozenset[str] | None = None,
) -> tuple[list[Counts], Counts]:
    """Per-village counts and the total for a period, of the villages `within` (None: all)."""
    start, end = day_start(period.first, tz), day_start(period.last + timedelta(days=1), tz)
    overrides = calendar_days.overrides(db)
    chosen = [
        v
        for v in villages.all_active(db)
        if village_code in (None, v.code) and (within is None or v.code in within)
    ]
    per = {v.code: Counts(v.code, v.name) for v in chosen}

    filed = topics.filed_between(db, start, end, village_code)
    # One query for the answers' kinds, and each span of days counted once: a county's year
    # is tens of thousands of topics over a few hundred distinct spans.
    kinds = topic_answers.kinds(db, [t.answer_id for t in filed if t.answer_id])
    spans: dict[tuple[date, date], int] = {}
    for topic in filed:
        c = per.get(topic.village_code)
        if c is None:
            continue
        c.filed += 1
        if topic.first_responded_at is not None:
            c.answered += 1
            if kinds.get(topic.answer_id) == "decline":
                c.declined += 1
            span = (local_date(topic.filed_at, tz), local_date(topic.first_responded_at, tz))
            if span not in spans:
                spans[span] = working_days_between(*span, overrides)
            c.answer_days.append(spans[span])
        if topic.is_open:
            c.open += 1
            if topic.due_date < today:
                c.overdue += 1
        if topic.rating is not None:
            c.rated += 1
            setattr(c, topic.rating, getattr(c, topic.rating) + 1)
        if topic.close_reason == "not_rated":
            c.not_rated += 1
    for topic in topics.due_between(db, period.first, period.last, village_code):
        c = per.get(topic.village_code)
        if c is None:
            continue
        responded = topic.responded_at is not None
        if not responded and topic.due_date >= today:
            continue  # not due yet
        c.due += 1
        if responded and _on_time(topic, tz):
            c.on_time += 1
    for c in per.values():
        c.urges, c.auto_urges = topics.urges_between(db, start, end, c.code)
    total = Counts("*", "")
    for c in per.values():
        total.add(c)
    return list(per.values()), total


def _on_time(topic: Topic, tz: ZoneInfo) -> bool:
    return local_date(topic.responded_at, tz) <= topic.due_date


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
