"""County-wide topic figures counted in SQL (issue 12 §3) equal the per-topic count they replace
(STAT-01, STAT-03, STAT-05, STAT-12): on a generated small county with urges and calendar
overrides, for every kind of period, the whole county and one village, in China's zone and in
zones with summer time or a half-hour offset."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bench.county.county_db import Shape, database
from bot.core.local_time import day_start, local_date
from bot.core.periods import Period, parse_period
from bot.services.calendar import working_days_between
from bot.services.topics.stats import Counts, compute, named, zone_shifts
from storage import calendar_days, topic_answers, topics, villages
from storage.db import Store
from storage.times import to_text

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # the generated county is dated from it
TODAY = NOW.date()


def _due_between(db, first: date, last: date, village_code: str | None) -> list[topics.Topic]:
    """Topics whose current due date lies in [first, last], read one by one."""
    rows = db.query(
        "SELECT id FROM topics WHERE due_date >= ? AND due_date <= ? ORDER BY id",
        [first.isoformat(), last.isoformat()],
    )
    found = [topics.get(db, row["id"]) for row in rows]
    return [t for t in found if village_code in (None, t.village_code)]


def _urges_between(db, start: datetime, end: datetime, village_code: str) -> tuple[int, int]:
    """(manual, automatic) urges of a village's topics recorded in [start, end) (STAT-12)."""
    row = next(
        db.query(
            "SELECT sum(u.auto_day IS NULL) AS manual, sum(u.auto_day IS NOT NULL) AS auto "
            "FROM topic_urges u JOIN topics t ON t.id = u.topic_id "
            "WHERE u.at >= ? AND u.at < ? AND t.village_code = ?",
            [to_text(start), to_text(end), village_code],
        )
    )
    return row["manual"] or 0, row["auto"] or 0


def recount(
    db, period: Period, today: date, tz: ZoneInfo, village_code: str | None = None
) -> tuple[list[Counts], Counts]:
    """The figures as they were computed before: every topic of the period as an object."""
    start, end = day_start(period.first, tz), day_start(period.last + timedelta(days=1), tz)
    overrides = calendar_days.overrides(db)
    per = {
        v.code: Counts(v.code, v.name)
        for v in villages.all_active(db)
        if village_code in (None, v.code)
    }
    filed = topics.filed_between(db, start, end, village_code)
    kinds = topic_answers.kinds(db, [t.answer_id for t in filed if t.answer_id])
    for topic in filed:
        c = per.get(topic.village_code)
        if c is None:
            continue
        c.filed += 1
        if topic.first_responded_at is not None:
            c.answered += 1
            c.declined += kinds.get(topic.answer_id) == "decline"
            span = (local_date(topic.filed_at, tz), local_date(topic.first_responded_at, tz))
            c.days_total += working_days_between(*span, overrides)
        if topic.is_open:
            c.open += 1
            c.overdue += topic.due_date < today
        if topic.rating is not None:
            c.rated += 1
            setattr(c, topic.rating, getattr(c, topic.rating) + 1)
        c.not_rated += topic.close_reason == "not_rated"
    for topic in _due_between(db, period.first, period.last, village_code):
        c = per.get(topic.village_code)
        if c is None or (topic.responded_at is None and topic.due_date >= today):
            continue
        c.due += 1
        c.on_time += (
            topic.responded_at is not None and local_date(topic.responded_at, tz) <= topic.due_date
        )
    for c in per.values():
        c.urges, c.auto_urges = _urges_between(db, start, end, c.code)
    summed = [f.name for f in dataclasses.fields(Counts)][2:]
    total = Counts("*", "", *(sum(getattr(c, f) for c in per.values()) for f in summed))
    return list(per.values()), total


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("cache")
    path = tmp_path_factory.mktemp("county") / "county.db"
    shutil.copy(database(Shape.county(0.01), NOW, cache=cache), path)
    store = Store(path)
    with store.transaction(handling=False) as db:
        for topic_id in range(1, 400, 7):  # urges by staff and automatic ones (STAT-12)
            at = datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=topic_id % 330, hours=topic_id)
            auto = at.date() if topic_id % 2 else None
            topics.add_urge(db, topic_id, None if auto else 900_001, None, at, auto_day=auto)
        now = datetime.now(UTC)
        for topic_id in range(2, 900, 5):  # answered on the due day (on time) or the day after
            topic = topics.get(db, topic_id)
            if topic is not None and topic.responded_at is not None:
                answered = local_date(topic.responded_at, ZoneInfo("Asia/Shanghai"))
                due = answered - timedelta(days=topic_id % 2)
                topics.set_due(db, topic_id, due, False, now, extended=False)
        calendar_days.put(db, date(2026, 6, 3), "holiday", None, 900_001, now)
        calendar_days.put(db, date(2026, 6, 6), "workday", None, 900_001, now)
    store.close()
    return path


PERIODS = ["2026", "2025", "2026Q4", "2026Q2", "2025Q1", "2026-11", "2026-06", "2025-12"]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kolkata"])
def test_sql_figures_equal_the_per_topic_count(county: Path, zone: str) -> None:
    store = Store(county)
    tz = ZoneInfo(zone)
    try:
        counted = 0
        for text in PERIODS:
            period = parse_period(text)
            for code in (None, "v001"):
                old_rows, old_total = recount(store.db, period, TODAY, tz, code)
                rows, total = compute(store.db, period, TODAY, tz, code)
                assert rows == old_rows, (text, code)
                assert total == old_total, (text, code)
                assert total.average_days == old_total.average_days
                counted += total.filed
        assert counted > 500  # the periods hold topics, and urges were counted too
    finally:
        store.close()


def test_the_county_has_what_the_figures_count(county: Path) -> None:
    """Guards the comparison above: the generated topics hold every state it counts."""
    store = Store(county)
    try:
        _, total = recount(store.db, parse_period("2026"), TODAY, ZoneInfo("Asia/Shanghai"))
    finally:
        store.close()
    for name in ("answered", "declined", "open", "overdue", "due", "on_time", "rated"):
        assert getattr(total, name) > 0, name
    assert total.on_time < total.due  # some answered late
    assert total.not_rated and total.satisfied and total.unsatisfied and total.urges
    assert total.auto_urges and total.days_total


def test_zone_shifts_find_summer_time_to_the_minute() -> None:
    shifts = zone_shifts(ZoneInfo("America/New_York"), date(2026, 1, 1), date(2026, 12, 31))
    assert shifts == (
        (None, -300),
        (datetime(2026, 3, 8, 7, 0, tzinfo=UTC), -240),
        (datetime(2026, 11, 1, 6, 0, tzinfo=UTC), -300),
    )
    assert zone_shifts(ZoneInfo("Asia/Shanghai"), date(2026, 1, 1), date(2026, 12, 31)) == (
        (None, 480),
    )


def test_a_named_copy_keeps_every_figure_and_changes_only_the_name():
    counts = Counts("v001", "旧名", *range(1, len(dataclasses.fields(Counts)) - 1))
    renamed = named(counts, "新名")
    assert renamed == dataclasses.replace(counts, name="新名") and renamed is not counts
    assert counts.name == "旧名"
