"""Point-topic requests on the public board: the feedback wall (回音壁) with filters and pages,
a topic's page and timeline, what an open topic shows, the index figures, feeds, search and the
favicon (aiohttp test client, real SQLite, topics driven through the real topic services).

`wall_world()` builds the data set reused by the API, stats and browser tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import handlers.web.wall_routes as web_topics
from bot.core.clock import Clock
from bot.services.bundle import Services
from bot.services.topics.wall_pages import TopicBoard
from bot.web_render.topic_sections import topic_board_of
from storage import members, search_index, users
from storage.db import Store
from storage.topics import Topic
from tests.test_web_disclosures import A, text_of
from tests.test_web_pages import assert_well_formed_page, build, outline, web_config

RES1, RES2, RES3, RES_HEXI = 1001, 1002, 1003, 1004
HEAD, ACCOUNTANT, HEXI_OFFICIAL = 2001, 2002, 2003
REQUESTERS = {RES1: "王秀英", RES2: "张桂兰", RES3: "刘德福", RES_HEXI: "赵大海"}
PHONE = "13812345678"
ID_NUMBER = "350102199001011234"
# What a resident might type: HTML, an event handler, Telegram HTML (DESIGN §6).
EVIL_TOPIC = (
    '<script>alert("t")</script><img src=x onerror=alert(5)><b>粗体</b>'
    '<a href="tg://user?id=1">链</a> 低保名单为什么不公开'
)
SECRET_OPEN_TEXT = "请公开宅基地审批的全部材料"  # an open topic: its text must not be published
URGE_NOTE = "内部督办意见：请尽快"  # internal: never published (SEC-04)


def at(day: date, hour: int = 10) -> datetime:
    """A local (Shanghai) hour on a day."""
    return datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=UTC)


@dataclass
class World:
    services: Services
    clock: Clock
    answered: Topic  # qingshan, finance, answered on time, with a phone and an ID in the text
    declined: Topic  # qingshan, hostile text, declined for privacy
    open: Topic  # qingshan, never answered, overdue
    reopened: Topic  # qingshan, answered, rated 不满意: handled again
    hexi_late: Topic  # hexi, answered after its due date

    @property
    def board(self) -> TopicBoard:
        return TopicBoard(self.services.store, self.services.config, now=self.clock.now)


def person(services: Services, user_id: int):
    return services.membership.person(user_id)


def wall_world(services: Services, clock: Clock) -> World:
    """The fixed data set (all in Oct 2026, Shanghai time)."""
    svc = services.topics
    with services.store.transaction() as db:
        for uid, name in REQUESTERS.items():
            users.seen(db, uid, name, None, None, "zh-hans")
        for uid, name in ((HEAD, "孙主任"), (ACCOUNTANT, "钱会计"), (HEXI_OFFICIAL, "吴干部")):
            users.seen(db, uid, name, None, None, "zh-hans")
        for uid in (RES1, RES2, RES3):
            members.add(db, uid, "resident", "qingshan")
        members.add(db, RES_HEXI, "resident", "hexi")
        members.add(db, HEAD, "official", "qingshan", "村委会主任")
        members.add(db, ACCOUNTANT, "official", "qingshan", "会计")
        members.add(db, HEXI_OFFICIAL, "official", "hexi", "文书")

    def on(day: date, action, hour: int = 10):
        clock.set(at(day, hour))
        return action()

    answered = on(
        date(2026, 10, 12),
        lambda: svc.filing.file(
            person(services, RES1),
            f"请公开今年村集体的财务收支明细。我的电话{PHONE}，身份证{ID_NUMBER}",
        ),
    )
    on(
        date(2026, 10, 12),
        lambda: svc.supports.support(person(services, RES2), svc.reading.get(answered.id)),
        11,
    )
    on(
        date(2026, 10, 14),
        lambda: svc.answering.answer(
            person(services, HEAD),
            svc.reading.get(answered.id),
            "第三季度财务收支已在公开栏公布，详见 https://cwgk.example.cn/d/1 。",
        ),
    )
    fresh = svc.reading.get(answered.id)
    on(
        date(2026, 10, 15),
        lambda: svc.rating.rate(person(services, RES1), fresh, fresh.answer_id, "s"),
    )

    declined = on(
        date(2026, 10, 12), lambda: svc.filing.file(person(services, RES2), EVIL_TOPIC), 11
    )
    on(
        date(2026, 10, 16),
        lambda: svc.answering.decline(
            person(services, HEAD),
            svc.reading.get(declined.id),
            "privacy",
            "名单涉及个人隐私，<i>不能</i>在网上公开，可到村委会查阅汇总数。",
        ),
    )

    opened = on(
        date(2026, 10, 9), lambda: svc.filing.file(person(services, RES3), SECRET_OPEN_TEXT)
    )
    on(
        date(2026, 10, 26),
        lambda: svc.tracking.urge(person(services, 9001), svc.reading.get(opened.id), URGE_NOTE),
    )

    reopened = on(
        date(2026, 10, 13), lambda: svc.filing.file(person(services, RES1), "修路工程的预算是多少")
    )
    on(
        date(2026, 10, 14),
        lambda: svc.answering.answer(
            person(services, HEAD), svc.reading.get(reopened.id), "预算为二十万元。"
        ),
        11,
    )
    fresh = svc.reading.get(reopened.id)
    on(
        date(2026, 10, 15),
        lambda: svc.rating.rate(person(services, RES1), fresh, fresh.answer_id, "u"),
    )
    on(
        date(2026, 10, 15),
        lambda: svc.forms.draft_input(person(services, RES1), "没有说明钱花在哪里"),
    )

    hexi = on(
        date(2026, 9, 28), lambda: svc.filing.file(person(services, RES_HEXI), "河西村去年的账目")
    )
    on(
        date(2026, 10, 20),
        lambda: svc.answering.answer(
            person(services, HEXI_OFFICIAL), svc.reading.get(hexi.id), "账目已经公开。"
        ),
    )
    clock.set(at(date(2026, 10, 28)))
    return World(
        services,
        clock,
        svc.reading.get(answered.id),
        svc.reading.get(declined.id),
        svc.reading.get(opened.id),
        svc.reading.get(reopened.id),
        svc.reading.get(hexi.id),
    )


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = Store(str(tmp_path / "village.db"))
    built = Services.build(web_config(tmp_path, public_url="https://cwgk.example.cn"), store)
    built.membership.sync_config()
    yield built
    store.close()


@pytest.fixture
def world(services: Services) -> World:
    clock = services.clock
    clock.set(at(date(2026, 10, 1)))
    return wall_world(services, clock)


@pytest.fixture
async def client(aiohttp_client, services, world):
    return await aiohttp_client(build(services))


def card_of(html: str, code: str) -> str:
    """The visible text of one village's card on the index."""
    found = re.search(rf'id="village-{code}">(.*?)</li>', html, re.DOTALL)
    assert found, code
    return text_of(found.group(1))


def assert_private(html: str) -> None:
    """Nothing of a requester, no unmasked number, no open topic's text, no internal note."""
    for name in REQUESTERS.values():
        assert name not in html, name
    assert PHONE not in html and ID_NUMBER not in html
    assert SECRET_OPEN_TEXT not in html
    assert URGE_NOTE not in html
    assert "没有说明钱花在哪里" not in html  # a resident's 不满意 reason stays private


# --------------------------------------------------------------------------- the wall


async def test_the_village_board_shows_the_feedback_wall(client, world):
    html = await (await client.get("/v/qingshan")).text()
    assert_well_formed_page(html)
    assert_private(html)
    text = text_of(html)
    assert "回音壁" in text
    assert "138****5678" in text and "35*************234" in text
    assert "第三季度财务收支已在公开栏公布" in text
    assert "答（青山村 村委会主任）" in text
    assert "涉及个人隐私" in text and "不予公开" in text
    assert "按时答复" in text
    assert "账目已经公开" not in text  # another village's wall
    # newest answer first: the refusal (16 Oct) before the answers of 14 Oct
    assert text.index(world.declined.receipt) < text.index(world.answered.receipt)
    assert f'href="/t/{world.answered.receipt}"' in html
    assert 'href="/v/qingshan/wall?category=finance"' in html
    assert 'href="/v/qingshan/wall?status=declined"' in html


async def test_hostile_topic_text_shows_literally_on_the_wall(client, world):
    html = await (await client.get("/v/qingshan")).text()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>粗体" not in html
    assert re.search(r"&lt;script&gt;alert\((&#34;|&quot;)t(&#34;|&quot;)\)&lt;/script&gt;", html)
    assert "&lt;i&gt;不能&lt;/i&gt;" in html
    assert outline(html).inline == []


async def test_the_wall_filters_by_category_and_status(client, world):
    finance = text_of(await (await client.get("/v/qingshan/wall?category=finance")).text())
    assert world.answered.receipt in finance and world.declined.receipt not in finance
    declined = text_of(await (await client.get("/v/qingshan/wall?status=declined")).text())
    assert world.declined.receipt in declined and world.answered.receipt not in declined
    both = text_of(
        await (await client.get("/v/qingshan/wall?category=finance&status=declined")).text()
    )
    assert "没有符合条件的点题" in both
    unknown = await client.get("/v/qingshan/wall?category=nonsense&status=x")
    assert unknown.status == 200  # unknown filters show everything
    assert world.declined.receipt in text_of(await unknown.text())
    assert (await client.get("/v/nowhere/wall")).status == 404


async def test_the_wall_pages_with_plain_links(client, world, monkeypatch):
    monkeypatch.setattr(web_topics, "WALL_PAGE", 1)
    seen, path = [], "/v/qingshan/wall"
    while path:
        html = await (await client.get(path)).text()
        assert_well_formed_page(html)
        seen += re.findall(r'<h3 class="wall-title"><a href="/t/(DT-\d{4}-\d{4})"', html)
        found = re.search(r'rel="next" href="([^"]+)"', html)
        path = found.group(1).replace("&amp;", "&") if found else None
        if path:
            assert "回到第一页" not in html or "cursor" in path
    assert seen == [
        world.declined.receipt,
        world.reopened.receipt,
        world.answered.receipt,
    ]
    bad = await client.get("/v/qingshan/wall?cursor=bogus&status=answered", allow_redirects=False)
    assert bad.status == 302 and bad.headers["Location"] == "/v/qingshan/wall?status=answered"


# --------------------------------------------------------------------------- a topic page


async def test_a_topic_page_shows_question_answer_timeline_and_supports(client, world):
    response = await client.get(f"/t/{world.answered.receipt}")
    assert response.status == 200
    html = await response.text()
    assert_well_formed_page(html)
    assert_private(html)
    text = text_of(html)
    for expected in (
        f"点题 {world.answered.receipt}",
        "青山村",
        "财务",
        "已办结",
        "2026-10-12",
        "按时答复",
        "附议 1人",
        "138****5678",
        "第三季度财务收支已在公开栏公布",
        "办理经过",
        "村民提交点题，答复期限",
        "交给 青山村 村委会主任 办理",
        "青山村 村委会主任 答复（按时答复）",
        "点题人评价：满意",
    ):
        assert expected in text, expected
    assert 'href="https://cwgk.example.cn/d/1"' in html
    assert text.index("村民提交点题") < text.index("点题人评价")
    assert "联名点题" in text and "须以村务公开的形式答复" in text  # 1 of 3 residents supported


async def test_a_declined_topic_shows_the_lawful_reason(client, world):
    html = await (await client.get(f"/t/{world.declined.receipt}")).text()
    text = text_of(html)
    assert "不予公开的理由：涉及个人隐私" in text
    assert "答复不予公开：涉及个人隐私" in text
    assert "<script>alert" not in html and "&lt;script&gt;" in html


async def test_a_reopened_topic_keeps_its_answer_and_says_it_is_handled_again(client, world):
    text = text_of(await (await client.get(f"/t/{world.reopened.receipt}")).text())
    assert "不满意，重新办理中" in text
    assert "预算为二十万元" in text
    assert "点题人不满意，退回重办，新期限" in text
    assert "没有说明钱花在哪里" not in text


async def test_an_open_topic_shows_only_its_state(client, world):
    response = await client.get(f"/t/{world.open.receipt}")
    assert response.status == 200
    html = await response.text()
    assert_well_formed_page(html)
    assert_private(html)
    text = text_of(html)
    assert "办理中" in text and "已超期，尚未答复" in text
    assert world.open.due_date.isoformat() in text
    assert "办理期间不公开问题内容" in text
    assert "办理经过" not in text
    # and it is not on the wall
    board = text_of(await (await client.get("/v/qingshan/wall")).text())
    assert world.open.receipt not in board


@pytest.mark.parametrize("path", ["/t/DT-2026-9999", "/t/nonsense", "/t/DT-0000-0000"])
async def test_unknown_receipts_are_404(client, world, path):
    response = await client.get(path)
    assert response.status == 404
    assert "页面不存在" in await response.text()


async def test_a_receipt_is_read_as_typed(client, world):
    number = world.answered.receipt.rsplit("-", 1)[1].lstrip("0")
    response = await client.get(f"/t/dt-2026-{number}")
    assert response.status == 200
    assert world.answered.receipt in await response.text()


async def test_the_topic_page_in_english(client, world):
    text = text_of(await (await client.get(f"/t/{world.declined.receipt}?lang=en")).text())
    assert "Reason for not disclosing" in text and "How it was handled" in text


# --------------------------------------------------------------------------- index, search, feeds


async def test_the_index_shows_open_overdue_and_rates_per_village(client, world):
    html = await (await client.get("/")).text()
    assert_well_formed_page(html)
    assert_private(html)
    card_text = card_of(html, "qingshan")
    # open now: the open topic and the reopened one; overdue: the open one (due 23 Oct)
    assert "办理中的点题 2件" in card_text
    assert "超期未答复 1件" in card_text
    assert "今年按时办结率" in card_text and "今年满意率 50.0%" in card_text
    hexi = card_of(html, "hexi")
    assert "今年按时办结率 0.0%" in hexi
    assert "各村回音壁" in text_of(html)


async def test_the_index_rates_use_the_bots_stats_definitions(client, world):
    from bot.services.topics.stats import compute, percent, stats_period

    today = date(2026, 10, 28)
    rows, _ = compute(
        world.services.store.db,
        stats_period("2026", today),
        today,
        world.services.config.township.tz,
    )
    qingshan = next(c for c in rows if c.code == "qingshan")
    html = await (await client.get("/")).text()
    card = card_of(html, "qingshan")
    assert f"今年按时办结率 {percent(qingshan.on_time_rate)}" in card


async def test_search_finds_wall_posts_but_never_by_a_hidden_number(client, world):
    text = text_of(await (await client.get("/search", params={"q": "低保 名单"})).text())
    assert world.declined.receipt in text and "回音壁中的结果：1条" in text
    hidden = text_of(await (await client.get("/search", params={"q": PHONE})).text())
    assert "回音壁中的结果：0条" in hidden
    masked = text_of(await (await client.get("/search", params={"q": "5678"})).text())
    assert world.answered.receipt in masked
    secret = text_of(await (await client.get("/search", params={"q": "宅基地"})).text())
    assert world.open.receipt not in secret
    evil = await (await client.get("/search", params={"q": "script"})).text()
    assert "<script>alert" not in evil and outline(evil).inline == []


def test_a_wall_search_page_never_tells_of_a_post_found_by_a_hidden_number(world):
    svc = world.services.topics
    later = svc.filing.file(person(world.services, RES2), f"电话{PHONE}能打通吗")
    svc.answering.answer(person(world.services, HEAD), svc.reading.get(later.id), "能打通。")
    with world.services.store.transaction() as db:  # an index holding the number in full
        for post, question in ((later, f"电话{PHONE}能打通吗"), (world.answered, PHONE)):
            search_index.index_wall_post(db, post.id, question, "能打通。")
    wall = topic_board_of(world.services)
    for limit in (1, 2):
        hidden = wall.search(PHONE, limit=limit)
        assert hidden.items == () and hidden.next_cursor is None
    first = wall.search("5678", limit=1)  # shown as 138****5678 on both
    assert len(first.items) == 1 and first.next_cursor == "1"
    second = wall.search("5678", limit=1, offset=1)
    assert len(second.items) == 1 and second.next_cursor is None
    assert {p.receipt for p in (*first.items, *second.items)} == {
        world.answered.receipt,
        later.receipt,
    }


async def test_feeds_carry_wall_posts_as_plain_text(client, world):
    import xml.etree.ElementTree as ET

    response = await client.get("/v/qingshan/feed.atom")
    assert response.status == 200
    body = await response.read()
    root = ET.fromstring(body)
    entries = root.findall(f"{A}entry")
    ids = [e.find(f"{A}id").text for e in entries]
    assert f"https://cwgk.example.cn/t/{world.declined.receipt}" in ids
    assert f"https://cwgk.example.cn/t/{world.hexi_late.receipt}" not in ids
    assert f"https://cwgk.example.cn/t/{world.open.receipt}" not in ids
    summaries = "".join(e.find(f"{A}summary").text for e in entries)
    assert EVIL_TOPIC in summaries  # literally, as text
    assert b"<script>" not in body and b"&lt;script&gt;" in body
    for value in (*REQUESTERS.values(), PHONE, SECRET_OPEN_TEXT):
        assert value.encode() not in body
    township = ET.fromstring(await (await client.get("/feed.atom")).read())
    all_ids = [e.find(f"{A}id").text for e in township.findall(f"{A}entry")]
    assert f"https://cwgk.example.cn/t/{world.hexi_late.receipt}" in all_ids
    assert township.find(f"{A}updated").text == "2026-10-20T02:00:00Z"  # the newest answer


async def test_the_favicon_is_served(client, world):
    response = await client.get("/favicon.ico")
    assert response.status == 200
    assert response.content_type == "image/svg+xml"
    assert (await response.read()).startswith(b"<svg")
    html = await (await client.get("/")).text()
    assert 'rel="icon" href="/static/favicon.svg"' in html
