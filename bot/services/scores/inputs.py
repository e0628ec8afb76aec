"""The inputs of one village's score for one quarter, counted from what storage holds (each
input's rules are named in `formula.WEIGHTS`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlite_utils import Database

from bot.core.periods import Period
from bot.services import figure_memory
from bot.services.context import Context
from bot.services.disclosures.publication_calendar import publication_month
from bot.services.scores.formula import LATE_CREDIT, MIN_TOPICS, NOT_DUE, Input, combine, share
from storage import score_inputs
from storage.score_inputs import DueTopic, PublishedItem


def deadline_of(period: Period, deadline_day: int) -> date:
    """The last day the quarter's disclosure is on time: the deadline day of the month after."""
    month = publication_month(period)
    assert month is not None, period  # scores are counted for quarters only
    return date(month[0], month[1], deadline_day)


@dataclass(frozen=True, slots=True)
class _Read:
    """What storage holds for one village's quarter: the inputs are counted from it against
    today and now, so it is remembered per village version (figure_memory) whatever the hour."""

    items: tuple[PublishedItem, ...]
    first_finance: datetime | None
    due: tuple[DueTopic, ...]
    rated: dict[str, int]


def _reads(ctx: Context, codes: Sequence[str], period: Period, db: Database) -> dict[str, _Read]:
    start = ctx.local_start(period.first)
    end = ctx.local_start(period.last + timedelta(days=1))

    def read(code: str) -> _Read:
        return _Read(
            tuple(score_inputs.quarter_items(db, code, period.text, period.first, period.last)),
            score_inputs.first_finance_publication(db, code, period.text),
            tuple(score_inputs.due_topics(db, code, period.first, period.last)),
            score_inputs.ratings(db, code, start, end),
        )

    key = ("score", period.text, start, end)
    return figure_memory.village_figures(db, key, codes, lambda s: {c: read(c) for c in s})


@dataclass(frozen=True, slots=True)
class Counted:
    """A village's inputs for the quarter and the score they combine to."""

    inputs: dict[str, Input]
    score: Decimal | None


# Counted from a village's remembered read, until the moment the inputs could change by the
# clock alone: (village, quarter) -> (that read, valid until, counted). A county ranks 300.
_counted: dict[tuple[str, str], tuple[_Read, datetime, Counted]] = {}
_COUNTED_MAX = 4096


def villages_counted(
    ctx: Context, codes: Sequence[str], period: Period, db: Database | None = None
) -> dict[str, Counted]:
    """Each village's inputs and score for the quarter, by village code; counted again only
    when its read changed (a new village version) or the clock passed a moment an input turns
    on (the next day, an item's board-photo window closing)."""
    return counted_until(ctx, codes, period, db)[0]


def counted_until(
    ctx: Context, codes: Sequence[str], period: Period, db: Database | None = None
) -> tuple[dict[str, Counted], datetime]:
    """`villages_counted`, and the first moment one of them could change by the clock alone
    (so a ranking built from them holds until then, or until a village moves)."""
    now = ctx.now()
    today = ctx.local_date(now)
    found = {}
    until = ctx.local_start(today + timedelta(days=1))
    for code, read in _reads(ctx, codes, period, db or ctx.store.db).items():
        kept = _counted.get((code, period.text))
        if kept is None or kept[0] is not read or now >= kept[1]:
            inputs = {
                "on_time": _on_time(ctx, read, period, today),
                "signed": _signed(read.items),
                "answered": _answered(ctx, read, today),
                "satisfied": _satisfied(read),
                "photo": _photo(ctx, read.items),
                "uncorrected": _uncorrected(read.items),
            }
            kept = (read, _valid_until(ctx, read, today, now), Counted(inputs, combine(inputs)))
            if len(_counted) >= _COUNTED_MAX:
                _counted.clear()
            _counted[(code, period.text)] = kept
        found[code] = kept[2]
        until = min(until, kept[1])
    return found, until


def villages_inputs(
    ctx: Context, codes: Sequence[str], period: Period, db: Database | None = None
) -> dict[str, dict[str, Input]]:
    """Every input of each village's score for the quarter, by village code."""
    return {code: c.inputs for code, c in villages_counted(ctx, codes, period, db).items()}


def _valid_until(ctx: Context, read: _Read, today: date, now: datetime) -> datetime:
    """The first moment the inputs could differ with nothing stored changed: tomorrow (the
    deadline and due dates are days), or an item's board-photo window closing (`_photo`)."""
    allowed = timedelta(days=ctx.config.disclosure.board_photo_days)
    closing = [
        i.published_at + allowed
        for i in read.items
        if i.status == "published" and i.first_photo_at is None and now <= i.published_at + allowed
    ]
    return min([ctx.local_start(today + timedelta(days=1)), *closing])


def _on_time(ctx: Context, read: _Read, period: Period, today: date) -> Input:
    """100 when the finance disclosure was out by the deadline, `LATE_CREDIT` when later, 0 when
    the deadline passed without it; not counted before the deadline (SCH-01, SCH-09)."""
    deadline = deadline_of(period, ctx.config.disclosure.deadline_day)
    first = read.first_finance
    if first is not None:
        on_time = ctx.local_date(first) <= deadline
        return Input("on_time", Fraction(100 if on_time else LATE_CREDIT), int(on_time), 1)
    if today <= deadline:
        return Input("on_time", None, 0, 0, NOT_DUE)
    return Input("on_time", Fraction(0), 0, 1)


def _signed(items: Sequence[PublishedItem]) -> Input:
    """Public versions whose last review round has approvals and no rejection (REV-01): a
    published item is never reviewed again, so that round came before publishing."""
    good = sum(1 for i in items if i.approvals > 0 and i.rejections == 0)
    return share(good, len(items), "signed")


def _answered(ctx: Context, read: _Read, today: date) -> Input:
    """Topics due in the quarter answered by their due date; one not answered and not yet due
    counts against nobody (STAT-01, as /stats counts it)."""
    good = counted = 0
    for topic in read.due:
        if topic.responded_at is None and topic.due_date >= today:
            continue
        counted += 1
        if topic.responded_at is not None and ctx.local_date(topic.responded_at) <= topic.due_date:
            good += 1
    return share(good, counted, "answered", MIN_TOPICS)


def _satisfied(read: _Read) -> Input:
    """Rated topics filed in the quarter rated 满意 or 基本满意 (SAT-03, SAT-04)."""
    rated = read.rated
    good = rated.get("satisfied", 0) + rated.get("basic", 0)
    return share(good, sum(rated.values()), "satisfied", MIN_TOPICS)


def _photo(ctx: Context, items: Sequence[PublishedItem]) -> Input:
    """Current published items with a board photo within the allowed days of publication; an
    item still inside that window without one is not counted yet (CH-01)."""
    allowed = timedelta(days=ctx.config.disclosure.board_photo_days)
    now = ctx.now()
    good = counted = 0
    for item in items:
        if item.status != "published":
            continue
        in_time = item.first_photo_at is not None and item.first_photo_at <= (
            item.published_at + allowed
        )
        if in_time or now > item.published_at + allowed:
            counted += 1
            good += in_time
    return share(good, counted, "photo")


def _uncorrected(items: Sequence[PublishedItem]) -> Input:
    """The quarter's items (every version of one counts once) never replaced by a correction
    (SCH-07); honest corrections cost little, so this input weighs little."""
    chains = {i.chain for i in items}
    corrected = {i.chain for i in items if i.status == "superseded"}
    return share(len(chains - corrected), len(chains), "uncorrected")
