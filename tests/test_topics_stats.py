"""Statistics with hand-computed rates (STAT-01, cn-practice §4.5), the chart and the XLSX."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from bot.services.people import Denied
from bot.services.topics.chart import cjk_font
from bot.services.topics.stats import percent, stats_period
from storage import topic_answers, topics
from tests.test_topics import (
    ACCOUNTANT,
    HEAD,
    HEXI_OFFICIAL,
    RES1,
    RES2,
    RES3,
    RES_HEXI,
    STAFF,
    who,
    world,  # noqa: F401 - the fixture
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date) -> datetime:
    """10:00 in Shanghai on a day."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


@pytest.fixture
def data(world):  # noqa: F811
    """The fixed data set; every expected number below is computed by hand from it."""
    svc, clock = world.topics, world.clock

    def on(day, action):
        clock.set(at(day))
        return action()

    def file(day, user, text):
        return on(day, lambda: svc.filing.file(who(world, user), text))

    t6 = file(date(2026, 9, 28), RES_HEXI, "河西村去年的账目")  # Q3, due 16 Oct
    t1 = file(date(2026, 10, 12), RES1, "请公开财务收支")  # due 26 Oct
    t2 = file(date(2026, 10, 12), RES2, "请公开宅基地分配")
    t3 = file(date(2026, 10, 12), RES3, "请公开某户低保材料")
    t5 = file(date(2026, 10, 12), RES_HEXI, "河西村修路项目")
    t8 = file(date(2026, 10, 12), RES_HEXI, "河西村土地流转")
    file(date(2026, 10, 13), RES1, "请公开补贴发放")  # due 27 Oct, never answered
    file(date(2026, 10, 30), RES2, "请公开村务会议记录")  # due 13 Nov: not due yet

    official = {t1: ACCOUNTANT, t2: HEAD, t3: HEAD}
    for topic, day in ((t1, date(2026, 10, 14)), (t2, date(2026, 10, 28))):
        on(
            day,
            lambda t=topic: svc.answering.answer(who(world, official[t]), t, "答复内容见公开栏"),
        )
    on(
        date(2026, 10, 20),
        lambda: svc.answering.decline(who(world, HEAD), t3, "privacy", "涉及个人隐私"),
    )
    on(
        date(2026, 10, 12),
        lambda: svc.answering.answer(who(world, HEXI_OFFICIAL), t5, "当天答复了"),
    )
    on(
        date(2026, 10, 15),
        lambda: svc.answering.answer(who(world, HEXI_OFFICIAL), t6, "账目已公开"),
    )
    on(
        date(2026, 10, 13),
        lambda: svc.answering.answer(who(world, HEXI_OFFICIAL), t8, "第一次答复"),
    )

    def rate(day, user, topic, code):
        fresh = svc.reading.get(topic.id)
        return on(day, lambda: svc.rating.rate(who(world, user), fresh, fresh.answer_id, code))

    rate(date(2026, 10, 15), RES1, t1, "s")
    rate(date(2026, 10, 29), RES2, t2, "b")
    rate(date(2026, 10, 13), RES_HEXI, t5, "s")
    rate(date(2026, 10, 13), RES_HEXI, t8, "u")
    on(date(2026, 10, 13), lambda: svc.forms.draft_input(who(world, RES_HEXI), "没说清楚流转价格"))
    on(
        date(2026, 10, 14),
        lambda: svc.answering.answer(who(world, HEXI_OFFICIAL), svc.reading.get(t8.id), "补充"),
    )
    rate(date(2026, 10, 14), RES_HEXI, t8, "u")  # second 不满意: escalated
    # Mon 2 Nov, 09:00: t3 and t6 close unrated, t4 is urged automatically.
    world.ticker.run(datetime(2026, 11, 2, 1, 0, tzinfo=UTC))
    clock.set(at(date(2026, 11, 2)))
    return world


def test_rates_match_the_hand_computation(data):
    period, rows, total = data.topics.reporting.stats(who(data, STAFF), ["2026Q4"])
    assert (period.first, period.last) == (date(2026, 10, 1), date(2026, 12, 31))
    by_code = {r.code: r for r in rows}
    q, h = by_code["qingshan"], by_code["hexi"]
    # 青山村: filed t1 t2 t3 t4 t7; first answers t1 (2 wd), t2 (12 wd, late), t3 (6 wd).
    assert (q.filed, q.answered, q.declined, q.open, q.overdue) == (5, 3, 1, 2, 1)
    assert (q.due, q.on_time) == (4, 2) and percent(q.on_time_rate) == "50.0%"
    assert (q.rated, q.satisfied, q.basic, q.not_rated) == (2, 1, 1, 1)
    assert percent(q.satisfaction_rate) == "100.0%"
    assert round(q.average_days, 2) == 6.67 and (q.urges, q.auto_urges) == (0, 1)
    # 河西村: filed t5 t8; due t5 t6 t8 (t6 filed in Q3, due in Q4), all on time.
    assert (h.filed, h.answered, h.due, h.on_time) == (2, 2, 3, 3)
    assert (h.rated, h.satisfied, h.unsatisfied) == (2, 1, 1)
    assert percent(h.satisfaction_rate) == "50.0%" and h.average_days == 0.5
    assert by_code["dongling"].filed == 0 and by_code["dongling"].on_time_rate is None
    assert (total.filed, total.due, total.on_time, total.rated) == (7, 7, 5, 4)
    assert percent(total.on_time_rate) == "71.4%" and percent(total.satisfaction_rate) == "75.0%"
    assert total.average_days == pytest.approx(21 / 5)


def test_officials_see_their_own_village_only(data):
    _period, rows, _ = data.topics.reporting.stats(who(data, ACCOUNTANT), ["2026Q4"])
    assert [r.code for r in rows] == ["qingshan"]
    with pytest.raises(Denied):
        data.topics.reporting.stats(who(data, ACCOUNTANT), ["hexi"])
    with pytest.raises(Denied):
        data.topics.reporting.stats(who(data, RES1), [])
    with pytest.raises(Denied):
        data.topics.reporting.report(who(data, ACCOUNTANT), "2026Q4", "zh-CN")


def test_periods():
    today = date(2026, 11, 2)
    assert stats_period(None, today).text == "2026Q4"
    assert (stats_period("2026-02", today).first, stats_period("2026-02", today).last) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert stats_period("2026", today).last == date(2026, 12, 31)
    with pytest.raises(Denied):
        stats_period("去年", today)


def test_stats_take_a_quarter_month_or_year_written_any_way_but_not_a_day():
    today = date(2026, 11, 2)
    assert stats_period("2026年第3季度", today).text == "2026Q3"
    assert stats_period("2026年三季度", today).text == "2026Q3"
    assert stats_period("2026年9月", today).text == "2026-09"
    assert stats_period("２０２６年", today).text == "2026"
    for text in ("2026-09-15", "2100", "1999Q4"):
        with pytest.raises(Denied):
            stats_period(text, today)


def test_chart_is_a_png_with_a_cjk_font(data):
    assert cjk_font() is not None, (
        "no CJK font for the chart's Chinese labels: install Debian's fonts-noto-cjk"
    )
    period, rows, _ = data.topics.reporting.stats(who(data, STAFF), ["2026Q4"])
    png = data.topics.reporting.chart(period, rows, "zh-CN")
    assert png.startswith(b"\x89PNG") and len(png) > 5000


def test_report_has_a_summary_and_one_sheet_per_village(data):
    _period, file = data.topics.reporting.report(who(data, STAFF), "2026Q4", "zh-CN")
    content = file.write()
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["汇总", "东岭村", "河西村", "青山村"]
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert summary[0] == ("统计期间", "2026Q4") + (None,) * 15
    total = summary[-1]
    assert total[0] == "合计" and total[1] == 7 and total[8] == "71.4%" and total[14] == "75.0%"
    qingshan = list(book["青山村"].iter_rows(values_only=True))
    assert len(qingshan) == 1 + 5 and qingshan[1][0] == "DT-2026-0002"
    names = {"王秀英", "李建国", "张桂兰"}
    assert not any(n in str(cell) for row in qingshan for cell in row for n in names)


def test_report_rows_show_each_topics_answer_and_supports(data):
    """The answers and supports read for a whole sheet at once are each topic's own."""
    with data.store.transaction() as db:
        supported = topics.by_receipt(db, "DT-2026-0002").id
        for user in (RES2, RES3):
            topics.add_support(db, supported, user, at(date(2026, 10, 20)))
    _period, file = data.topics.reporting.report(who(data, STAFF), "2026Q4", "zh-CN")
    book = load_workbook(io.BytesIO(file.write()))
    db, shown = data.store.db, 0
    for sheet in book.sheetnames[1:]:
        for row in list(book[sheet].iter_rows(values_only=True))[1:]:
            topic = topics.by_receipt(db, row[0])
            answer = topic_answers.answer(db, topic.answer_id) if topic.answer_id else None
            moment = answer.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if answer else None
            assert row[6] == moment and (row[7] == "是") == bool(answer and answer.on_time)
            assert row[9] == topics.supports(db, topic.id)
            shown += answer is not None
    assert shown >= 3 and topics.supports(db, supported) == 2


async def test_report_reads_and_writes_off_the_loop_on_its_own_connection(data):
    """A county's report is seconds of reading (issue 12 §3): /report reads nothing on the
    loop's connection; the worker reads through a read-only connection of its own."""
    seen: list[str] = []
    data.store.db.conn.set_trace_callback(seen.append)
    try:
        _period, file = data.topics.reporting.report(who(data, STAFF), "2026Q4", "zh-CN")
        content = await asyncio.to_thread(file.write)
    finally:
        data.store.db.conn.set_trace_callback(None)
    assert not [sql for sql in seen if "topics" in sql]
    assert load_workbook(io.BytesIO(content)).sheetnames == ["汇总", "东岭村", "河西村", "青山村"]


@given(st.text(max_size=12))
def test_period_parser_refuses_junk_politely(text):
    """Any text either names a period or is refused with a message; nothing else escapes."""
    try:
        period = stats_period(text, date(2026, 11, 26))
    except Denied as denied:
        assert denied.key == "topics.stats.bad_period"
    else:
        assert period.first <= period.last
