"""Deadlines after the calendar package's last year (2027 is not in chinesecalendar 1.11):
statutory holidays computed, due dates provisional, the November reminder, and recounting when
township staff enter the official schedule with /holiday (DESIGN §4, cn-practice §6, TL-01,
TL-02)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import pytest

from bot.config import parse_config
from bot.services.bundle import Services
from bot.services.calendar import HOLIDAY, WORKDAY
from bot.services.people import Denied
from storage import audit, members, outbox, topics, users
from storage.db import Store
from tests.conftest import STAFF, make_config, ticking_by_hand

RESIDENT, ACCOUNTANT, HEAD = 1001, 2001, 2002
# Sun 20 Dec 2026, 10:00 Shanghai. Ten working days on Mon-Fri alone end on Fri 1 Jan 2027.
FILED = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)
PROVISIONAL = "暂定"


@pytest.fixture
def world(tmp_path):
    config = parse_config(
        {
            "township": {"staff": [STAFF]},
            "villages": [{"code": "qingshan", "name": "青山村"}],
            "topics": {
                "routes": [{"village": "qingshan", "category": "finance", "user_id": ACCOUNTANT}]
            },
        },
        environ={},
    )
    store = Store(tmp_path / "t.db")
    services = Services.build(config, store)
    services.clock.set(FILED)
    services.membership.sync_config()
    with store.transaction() as db:
        for uid in (RESIDENT, ACCOUNTANT, HEAD):
            users.seen(db, uid, str(uid), None, None, "zh-hans")
        members.add(db, RESIDENT, "resident", "qingshan")
        members.add(db, ACCOUNTANT, "official", "qingshan", "会计")
        members.add(db, HEAD, "official", "qingshan", "村委会主任")
    yield SimpleNamespace(services=services, store=store, clock=services.clock)
    store.close()


def person(world, user_id):
    return world.services.membership.person(user_id)


def texts(world, chat_id):
    return [m.payload.get("text", "") for m in outbox.for_chat(world.store.db, chat_id)]


def file_topic(world, text="请公开今年的财务收支"):
    return world.services.topics.filing.file(person(world, RESIDENT), text, "finance")


def set_holiday(world, day, kind):
    return world.services.topics.due_dates.set_holiday(person(world, STAFF), day, kind, None)


def test_a_topic_filed_on_20_december_2026_is_not_due_on_new_years_day(world):
    topic = file_topic(world)
    # 21-25 Dec (1-5), 28-31 Dec (6-9), 1 Jan 2027 is New Year's Day, Mon 4 Jan (10).
    assert (topic.due_date, topic.due_provisional) == (date(2027, 1, 4), True)
    (receipt,) = texts(world, RESIDENT)
    assert "2027-01-04" in receipt and PROVISIONAL in receipt
    (notice,) = texts(world, ACCOUNTANT)
    assert "2027-01-04" in notice and PROVISIONAL in notice
    # A topic within the package's years is firm, and says nothing more.
    world.clock.set(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    firm = file_topic(world, "请公开低保名单的评议过程")
    assert not firm.due_provisional and PROVISIONAL not in texts(world, RESIDENT)[-1]


def test_spring_festival_2027_is_never_a_due_date(world):
    # Wed 3 Feb 2027: Thu 4 (1); eve, three festival days and two made-up days off (5-10 Feb);
    # 11-12 (2-3), 15-19 (4-8), 22-23 (9-10).
    world.clock.set(datetime(2027, 2, 3, 2, 0, tzinfo=UTC))
    topic = file_topic(world)
    assert (topic.due_date, topic.due_provisional) == (date(2027, 2, 23), True)


def test_the_digest_asks_for_next_years_schedule_from_1_november(world):
    ticker = world.services.ticker

    def digest_on(day: date) -> str:
        ticker.run(datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC))  # 09:00 Shanghai
        found = [t for t in texts(world, STAFF) if f"点题日报</b> {day.isoformat()}" in t]
        return found[-1] if found else ""

    reminder = "2027 年的国家放假和调休安排还没有录入"
    assert reminder not in digest_on(date(2026, 10, 31))
    first = digest_on(date(2026, 11, 1))
    assert reminder in first and "/holiday 2027-01-01" in first
    assert reminder in digest_on(date(2026, 11, 2))
    world.clock.set(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    set_holiday(world, date(2027, 1, 1), HOLIDAY)
    assert reminder not in digest_on(date(2026, 11, 3))  # entered: no more reminders


def test_entering_the_schedule_moves_due_dates_later_and_clears_provisional(world):
    topic = file_topic(world)
    world.clock.set(datetime(2026, 12, 22, 2, 0, tzinfo=UTC))
    # The official schedule makes Mon 4 Jan a day off: the tenth working day is Tue 5 Jan.
    assert set_holiday(world, date(2027, 1, 4), HOLIDAY) == 1
    moved = topics.get(world.store.db, topic.id)
    assert (moved.due_date, moved.due_provisional) == (date(2027, 1, 5), False)
    for uid in (RESIDENT, ACCOUNTANT):
        told = [t for t in texts(world, uid) if "顺延至 2027-01-05" in t]
        assert len(told) == 1 and "2027-01-04" in told[0] and PROVISIONAL not in told[0]
    events = audit.for_subject(world.store.db, f"topic:{topic.id}")
    assert events[-1].action == "topic.due_moved"
    assert events[-1].after == {"due": "2027-01-05", "before": "2027-01-04"}
    # A make-up Saturday would make it Sat 2 Jan — never earlier than promised.
    sent = len(texts(world, RESIDENT))
    assert set_holiday(world, date(2027, 1, 2), WORKDAY) == 0
    assert topics.get(world.store.db, topic.id).due_date == date(2027, 1, 5)
    assert len(texts(world, RESIDENT)) == sent


def test_a_schedule_entered_outside_the_span_clears_provisional_without_a_message(world):
    topic = file_topic(world)
    sent = len(texts(world, RESIDENT))
    assert set_holiday(world, date(2027, 10, 8), WORKDAY) == 0
    kept = topics.get(world.store.db, topic.id)
    assert (kept.due_date, kept.due_provisional) == (date(2027, 1, 4), False)
    assert len(texts(world, RESIDENT)) == sent
    # Clearing the only 2027 entry makes the year unknown again: provisional once more.
    set_holiday(world, date(2027, 10, 8), None)
    assert topics.get(world.store.db, topic.id).due_provisional


def test_recounting_respects_the_hard_cap(world):
    topic = file_topic(world)
    cap = date(2026, 12, 20).toordinal() + world.services.config.topics.hard_cap_calendar_days
    for day in range(4, 20):  # a very long local closure
        set_holiday(world, date(2027, 1, day), HOLIDAY)
    capped = topics.get(world.store.db, topic.id)
    assert capped.due_date == date.fromordinal(cap)


def test_holiday_refuses_days_more_than_two_years_away(world):
    with pytest.raises(Denied) as refused:
        set_holiday(world, date(2029, 1, 10), HOLIDAY)
    assert refused.value.key == "topics.holiday.out_of_range"
    assert set_holiday(world, date(2028, 12, 1), HOLIDAY) == 0


# -- end to end, through the Bot API emulator and the web ---------------------------------------


@pytest.fixture
async def town(tmp_path: Path, emulator):
    emulator.add_user(ACCOUNTANT, "钱会计", language_code="zh-hans")
    config = make_config(
        tmp_path,
        emulator,
        topics={"routes": [{"village": "qingshan", "category": "finance", "user_id": ACCOUNTANT}]},
    )
    rt = await ticking_by_hand(config, FILED)
    with rt.store.transaction() as db:
        users.ensure(db, RESIDENT)
        users.ensure(db, ACCOUNTANT)
        members.add(db, RESIDENT, "resident", "qingshan")
        members.add(db, ACCOUNTANT, "official", "qingshan", "会计")
    yield rt
    await rt.stop()


async def test_holiday_end_to_end_moves_a_provisional_due_date(town, chat):
    resident, accountant, staff = chat(RESIDENT), chat(ACCOUNTANT), chat(STAFF)
    (receipt,) = await resident.say("/topic 请公开今年的财务收支")
    assert "2027-01-04" in receipt["text"] and PROVISIONAL in receipt["text"]
    number = topics.of_requester(town.store.db, RESIDENT)[0].receipt
    (notice,) = await accountant.replies()
    assert "2027-01-04" in notice["text"] and PROVISIONAL in notice["text"]
    (warning,) = await staff.replies()  # once: 2027 is not in the package
    assert "2027" in warning["text"] and "/holiday" in warning["text"]
    (history,) = await resident.say(f"/history {number}")
    assert "期限：2027-01-04" in history["text"] and PROVISIONAL in history["text"]
    page = f"http://127.0.0.1:{town.web_port}/t/{number}"
    async with aiohttp.ClientSession() as session:
        html = await (await session.get(page)).text()
        assert "2027-01-04" in html and PROVISIONAL in html

        (far,) = await staff.say("/holiday 2030-01-01 休")
        assert "离今天太远" in far["text"]
        (done,) = await staff.say("/holiday 2027-01-04 休 地方节日")
        assert "1 条期限顺延" in done["text"]
        (told,) = await resident.replies()
        assert "顺延至 2027-01-05" in told["text"]
        (told_official,) = await accountant.replies()
        assert "顺延至 2027-01-05" in told_official["text"]
        (history,) = await resident.say(f"/history {number}")
        assert "期限：2027-01-05" in history["text"] and PROVISIONAL not in history["text"]
        assert "期限顺延至 2027-01-05" in history["text"]
        html = await (await session.get(page)).text()
        assert "2027-01-05" in html and PROVISIONAL not in html
