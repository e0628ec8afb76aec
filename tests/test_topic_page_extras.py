"""The public topic page and the API's topic objects: how many residents asked the same, the due
date moved by the official holiday schedule on the timeline (its new date only, PT-09), and a
provisional due date (a year whose official schedule is not out yet) marked on the page and in
the JSON (aiohttp test client, real SQLite, topics driven through the real services)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.services.bundle import Services
from bot.services.calendar import HOLIDAY
from storage import members, users
from storage.db import Store
from tests.test_web_api import check, get_json, spec_of
from tests.test_web_disclosures import text_of
from tests.test_web_pages import assert_well_formed_page, build, web_config

RESIDENT, NEIGHBOUR, OTHER, HEAD, STAFF = 1001, 1002, 1003, 2001, 9001
# Sun 20 Dec 2026, 10:00 Shanghai: ten Mon-Fri working days end in 2027, a year without its
# official schedule in the calendar package: the due date (Mon 4 Jan) is provisional.
FILED = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Topics:
    moved: str  # supported and followed, its due date moved by the schedule, then answered
    provisional: str  # still open, due in 2028: provisional


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = Store(str(tmp_path / "village.db"))
    built = Services.build(web_config(tmp_path), store)
    built.membership.sync_config()
    yield built
    store.close()


def filed(services: Services) -> Topics:
    with services.store.transaction() as db:
        for uid in (RESIDENT, NEIGHBOUR, OTHER, HEAD):
            users.seen(db, uid, str(uid), None, None, "zh-hans")
        for uid in (RESIDENT, NEIGHBOUR, OTHER):
            members.add(db, uid, "resident", "qingshan")
        members.add(db, HEAD, "official", "qingshan", "村委会主任")
    person = services.membership.person
    wing = services.topics
    services.clock.set(FILED)
    moved = wing.filing.file(person(RESIDENT), "请公开今年的财务收支明细", "finance")
    wing.supports.support(person(NEIGHBOUR), moved)
    services.clock.set(datetime(2026, 12, 22, 2, 0, tzinfo=UTC))
    # The official schedule makes Mon 4 Jan a day off: the tenth working day is Tue 5 Jan.
    internal = "国务院办公厅通知（内部备注）"
    assert wing.due_dates.set_holiday(person(STAFF), date(2027, 1, 4), HOLIDAY, internal) == 1
    answer = "收支明细已张贴在公开栏，详见 https://cwgk.example.cn/d/3 。"
    wing.answering.answer(person(HEAD), wing.reading.get(moved.id), answer)
    # A year later: due in 2028, whose schedule nobody entered yet.
    services.clock.set(datetime(2027, 12, 20, 2, 0, tzinfo=UTC))
    provisional = wing.filing.file(person(OTHER), "村里的路灯什么时候修？")
    return Topics(moved.receipt, provisional.receipt)


@pytest.fixture
async def client(aiohttp_client, services):
    client = await aiohttp_client(build(services))
    client.topics = filed(services)
    return client


async def page(client, receipt: str, lang: str = "zh-CN") -> str:
    response = await client.get(f"/t/{receipt}", params={"lang": lang})
    assert response.status == 200
    html = await response.text()
    assert_well_formed_page(html, lang)
    return text_of(html)


async def test_the_page_says_how_many_asked_the_same(client):
    assert "2 位村民问了同样的问题" in await page(client, client.topics.moved)
    assert "2 residents asked the same" in await page(client, client.topics.moved, "en")
    alone = await page(client, client.topics.provisional)
    assert "问了同样的问题" not in alone  # only the requester asked it


async def test_the_moved_due_date_is_on_the_public_timeline_without_the_internal_note(client):
    text = await page(client, client.topics.moved)
    assert "村民提交点题，答复期限 2027-01-04" in text
    assert "按国家放假安排，答复期限顺延到 2027-01-05" in text
    assert text.index("顺延到 2027-01-05") < text.index("答复（")
    assert "内部备注" not in text
    english = await page(client, client.topics.moved, "en")
    assert "The official holiday schedule moved the due date to 2027-01-05" in english
    found = await get_json(client, f"/api/v1/topics/{client.topics.moved}")
    steps = [(s["action"], s["due_date"]) for s in found["timeline"]]
    assert ("due_moved", "2027-01-05") in steps
    assert "内部备注" not in str(found)
    check(await spec_of(client), "Topic", found)


async def test_a_provisional_due_date_is_marked_on_the_page_and_in_the_api(client):
    text = await page(client, client.topics.provisional)
    assert "2028-01-04" in text and "暂定" in text
    assert "暂定" not in await page(client, client.topics.moved)  # the schedule made it firm
    spec = await spec_of(client)
    provisional = await get_json(client, f"/api/v1/topics/{client.topics.provisional}")
    moved = await get_json(client, f"/api/v1/topics/{client.topics.moved}")
    assert provisional["due_date_provisional"] is True and moved["due_date_provisional"] is False
    assert (provisional["asked_same"], moved["asked_same"]) == (1, 2)
    check(spec, "Topic", provisional)
    wall = await get_json(client, "/api/v1/villages/qingshan/topics")
    (post,) = wall["items"]
    assert post["receipt"] == client.topics.moved and post["due_date_provisional"] is False
    check(spec, "WallPage", wall)
