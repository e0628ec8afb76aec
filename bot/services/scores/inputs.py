"""The inputs of one village's score for one quarter, counted from what storage holds (each
input's rules are named in `formula.WEIGHTS`)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from bot.core.periods import Period
from bot.services.context import Context
from bot.services.disclosures.publication_calendar import publication_month
from bot.services.scores.formula import LATE_CREDIT, MIN_TOPICS, NOT_DUE, Input, share
from storage import score_inputs
from storage.score_inputs import PublishedItem


def deadline_of(period: Period, deadline_day: int) -> date:
    """The last day the quarter's disclosure is on time: the deadline day of the month after."""
    month = publication_month(period)
    assert month is not None, period  # scores are counted for quarters only
    return date(month[0], month[1], deadline_day)


def village_inputs(ctx: Context, village_code: str, period: Period) -> dict[str, Input]:
    """Every input of the village's score for the quarter, keyed as in `formula.WEIGHTS`."""
    db = ctx.store.db
    today = ctx.local_date(ctx.now())
    items = score_inputs.quarter_items(db, village_code, period.text, period.first, period.last)
    return {
        "on_time": _on_time(ctx, village_code, period, today),
        "signed": _signed(items),
        "answered": _answered(ctx, village_code, period, today),
        "satisfied": _satisfied(ctx, village_code, period),
        "photo": _photo(ctx, items),
        "uncorrected": _uncorrected(items),
    }


def _on_time(ctx: Context, village_code: str, period: Period, today: date) -> Input:
    """100 when the finance disclosure was out by the deadline, `LATE_CREDIT` when later, 0 when
    the deadline passed without it; not counted before the deadline (SCH-01, SCH-09)."""
    deadline = deadline_of(period, ctx.config.disclosure.deadline_day)
    first = score_inputs.first_finance_publication(ctx.store.db, village_code, period.text)
    if first is not None:
        on_time = ctx.local_date(first) <= deadline
        return Input("on_time", Fraction(100 if on_time else LATE_CREDIT), int(on_time), 1)
    if today <= deadline:
        return Input("on_time", None, 0, 0, NOT_DUE)
    return Input("on_time", Fraction(0), 0, 1)


def _signed(items: list[PublishedItem]) -> Input:
    """Public versions whose last review round has approvals and no rejection (REV-01): a
    published item is never reviewed again, so that round came before publishing."""
    good = sum(1 for i in items if i.approvals > 0 and i.rejections == 0)
    return share(good, len(items), "signed")


def _answered(ctx: Context, village_code: str, period: Period, today: date) -> Input:
    """Topics due in the quarter answered by their due date; one not answered and not yet due
    counts against nobody (STAT-01, as /stats counts it)."""
    good = counted = 0
    for topic in score_inputs.due_topics(ctx.store.db, village_code, period.first, period.last):
        if topic.responded_at is None and topic.due_date >= today:
            continue
        counted += 1
        if topic.responded_at is not None and ctx.local_date(topic.responded_at) <= topic.due_date:
            good += 1
    return share(good, counted, "answered", MIN_TOPICS)


def _satisfied(ctx: Context, village_code: str, period: Period) -> Input:
    """Rated topics filed in the quarter rated 满意 or 基本满意 (SAT-03, SAT-04)."""
    start = ctx.local_start(period.first)
    end = ctx.local_start(period.last + timedelta(days=1))
    rated = score_inputs.ratings(ctx.store.db, village_code, start, end)
    good = rated.get("satisfied", 0) + rated.get("basic", 0)
    return share(good, sum(rated.values()), "satisfied", MIN_TOPICS)


def _photo(ctx: Context, items: list[PublishedItem]) -> Input:
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


def _uncorrected(items: list[PublishedItem]) -> Input:
    """The quarter's items (every version of one counts once) never replaced by a correction
    (SCH-07); honest corrections cost little, so this input weighs little."""
    chains = {i.chain for i in items}
    corrected = {i.chain for i in items if i.status == "superseded"}
    return share(len(chains - corrected), len(chains), "uncorrected")
