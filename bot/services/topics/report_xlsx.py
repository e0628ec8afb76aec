"""The /report workbook: a summary sheet and one sheet per village (STAT-01, STAT-11).

No requester names: a topic is identified by its receipt number only (DESIGN §6).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.core.periods import Period
from bot.core.safe_sheets import Cell, Sheet
from bot.services.masking import mask_text
from bot.services.topics.stats import Counts, days, percent
from storage import topic_answers, topics

Label = Callable[[str], str]


def report_sheets(
    db: Database,
    period: Period,
    rows: list[Counts],
    total: Counts,
    tz: ZoneInfo,
    label: Label,
) -> list[Sheet]:
    """The workbook's sheets, read from the database; `label(key)` gives a column heading or
    term in the reader's language. Writing the XLSX (`to_xlsx`) is left to a worker."""
    heads = [
        "village", "filed", "answered", "declined", "open", "overdue", "due", "on_time",
        "on_time_rate", "rated", "satisfied", "basic", "unsatisfied", "not_rated",
        "satisfaction_rate", "average_days", "urges",
    ]  # fmt: skip
    summary: list[list[Cell]] = [
        [label("topics.report.period"), period.text],
        [label(f"topics.report.col.{h}") for h in heads],
    ]
    for c in [*rows, total]:
        summary.append(
            [
                c.name or label("topics.report.total"),
                c.filed, c.answered, c.declined, c.open, c.overdue, c.due, c.on_time,
                percent(c.on_time_rate), c.rated, c.satisfied, c.basic, c.unsatisfied,
                c.not_rated, percent(c.satisfaction_rate), days(c.average_days),
                c.urges + c.auto_urges,
            ]
        )  # fmt: skip
    start = datetime.combine(period.first, time(0), tz)
    end = datetime.combine(period.last + timedelta(days=1), time(0), tz)
    sheets = [Sheet(label("topics.report.summary"), summary, bold_rows=(1,))]
    sheets += [_village_sheet(db, c, (start, end), tz, label) for c in rows]
    return sheets


_COLUMNS = (
    "receipt", "category", "text", "filed_at", "due_date", "status", "answered_at",
    "on_time", "rating", "supports", "proxy",
)  # fmt: skip


def _village_sheet(
    db: Database,
    counts: Counts,
    between: tuple[datetime, datetime],
    tz: ZoneInfo,
    label: Label,
) -> Sheet:
    """One village's sheet: a row per topic filed in the period, by receipt only."""
    lines: list[list[Cell]] = [[label(f"topics.report.col.{h}") for h in _COLUMNS]]
    filed = topics.filed_between(db, *between, counts.code)
    # The answers and supports of the village's topics in one read each, not one per topic.
    answers = topic_answers.times_of(db, [t.answer_id for t in filed if t.answer_id])
    supports = topics.supports_of(db, [t.id for t in filed])
    yes, no = label("topics.report.yes"), label("topics.report.no")
    for topic in filed:
        answered = answers.get(topic.answer_id) if topic.answer_id else None
        lines.append(
            [
                topic.receipt,
                label(f"topics.category.{topic.category}"),
                mask_text(topic.text),
                topic.filed_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                topic.due_date.isoformat(),
                label(f"topics.status.{topic.status}"),
                answered[0].astimezone(tz).strftime("%Y-%m-%d %H:%M") if answered else "",
                (yes if answered[1] else no) if answered else "",
                label(f"topics.rating.{topic.rating}") if topic.rating else "",
                supports.get(topic.id, 0),
                label("topics.proxy.mark") if topic.is_proxy else "",  # never the name
            ]
        )
    return Sheet(counts.name or counts.code, lines, bold_rows=(0,))
