"""Chinese search: words standing apart are found (光伏 and 分红 in 光伏电站分红) across disclosure
titles, bodies and table rows and the feedback wall's answers, best match first, with the words
marked, on the web's /search and the bot's /search (ARC-10)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.core.search_terms import excerpt, marked_parts, search_terms
from bot.services.bundle import Services
from handlers.web import disclosure_routes
from storage import members, users
from storage.disclosure_rows import Row
from tests.test_web_disclosures import publish, services, text_of
from tests.test_web_pages import assert_well_formed_page, build, outline

__all__ = ["services"]  # a fixture, imported for pytest

RESIDENT, HEAD = 1001, 2001
HOSTILE = '<script>alert("光伏")</script><img src=x onerror=alert(1)>光伏电站分红'


@dataclass(frozen=True)
class Ledger:
    titled: int  # 光伏电站分红 in the title
    body: int  # 修路 and 光伏 … 分红 in the body
    table: int  # 低保 … 评议 in a table row
    unrelated: int  # shares characters (光, 修, 路, 分) but none of the words
    hostile: int  # markup in the title and body
    wall: str  # a wall answer holding all three


def ledger_rows() -> list[Row]:
    return [
        Row(1, "income", {"account": "经营收入", "description": "鱼塘承包费"}, 500000, 900000),
        Row(2, "expense", {"account": "公益支出", "description": "低保户民主评议会务"}, 800, None),
    ]


def village_ledger(services: Services) -> Ledger:
    titled = publish(services, kind="notice", title="2026年光伏电站分红公示", body="按户发放。")
    body = publish(
        services,
        kind="notice",
        title="十月村务公告",
        body="村委会决定明年开春修路，资金来自光伏电站的年度分红。",
        at=datetime(2026, 10, 11, 1, 0, tzinfo=UTC),
    )
    table = publish(
        services,
        kind="finance",
        title="2026年第三季度财务收支公开",
        rows=ledger_rows(),
        opening=0,
        closing=500000 - 800,
        at=datetime(2026, 10, 12, 1, 0, tzinfo=UTC),
    )
    unrelated = publish(
        services,
        kind="notice",
        title="光明路修缮通知",
        body="分批施工，修建排水沟。",
        at=datetime(2026, 10, 13, 1, 0, tzinfo=UTC),
    )
    hostile = publish(
        services,
        kind="notice",
        title=HOSTILE,
        body=f"正文 {HOSTILE}",
        at=datetime(2026, 10, 14, 1, 0, tzinfo=UTC),
    )
    return Ledger(titled, body, table, unrelated, hostile, wall_answer(services))


def wall_answer(services: Services) -> str:
    """A resident's question answered by the village head; returns its receipt."""
    with services.store.transaction() as db:
        users.seen(db, RESIDENT, "王秀英", None, None, "zh-hans")
        users.seen(db, HEAD, "孙主任", None, None, "zh-hans")
        members.add(db, RESIDENT, "resident", "qingshan")
        members.add(db, HEAD, "official", "qingshan", "村委会主任")
    topics = services.topics
    filed = topics.filing.file(services.membership.person(RESIDENT), "村里的钱什么时候用？")
    topics.answering.answer(
        services.membership.person(HEAD),
        topics.reading.get(filed.id),
        "光伏电站今年的分红用来修路，低保户名单经村民代表民主评议后公示。",
    )
    return filed.receipt


@pytest.fixture
def ledger(services: Services) -> Ledger:
    return village_ledger(services)


@pytest.fixture
async def client(aiohttp_client, services, ledger):
    return await aiohttp_client(build(services))


async def page(client, query: str) -> str:
    response = await client.get("/search", params={"q": query})
    assert response.status == 200
    html = await response.text()
    assert_well_formed_page(html)
    return html


def found_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="doc-title" href="/d/(\d+)"', html)]


# --------------------------------------------------------------------------- the words of a query


def test_a_query_typed_without_spaces_is_cut_into_words():
    assert search_terms("光伏分红") == ["光伏", "分红"]
    assert search_terms("修路") == ["修路"]
    assert search_terms("低保评议") == ["低保", "评议"]
    assert search_terms("  修路，光伏分红！") == ["修路", "光伏", "分红"]
    assert search_terms("<>，。！") == []


def test_marked_parts_and_excerpts_find_the_words():
    assert marked_parts("光伏电站分红", ["光伏", "分红"]) == [
        ("光伏", True),
        ("电站", False),
        ("分红", True),
    ]
    assert marked_parts("Road 修路", ["road"]) == [("Road", True), (" 修路", False)]
    long = "前言" * 40 + "今年修路三公里" + "后记" * 40
    piece = excerpt(["没有", long], ["修路"], width=20)
    assert piece.startswith("…") and piece.endswith("…") and "修路" in piece
    assert len(piece) <= 22
    assert excerpt(["没有"], ["修路"]) == ""


# --------------------------------------------------------------------------- the acceptance queries


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("光伏分红", ("titled", "body")),
        ("修路", ("body",)),
        ("低保评议", ("table",)),
    ],
)
async def test_words_standing_apart_are_found_in_disclosures_and_wall_answers(
    client, ledger, query, expected
):
    html = await page(client, query)
    ids = found_ids(html)
    assert {getattr(ledger, name) for name in expected} <= set(ids)
    assert ledger.unrelated not in ids
    assert ledger.wall in text_of(html) and "回音壁中的结果：1条" in text_of(html)


def test_the_bot_search_finds_them_too_best_first(services, ledger):
    resident = services.membership.person(RESIDENT)
    search = services.disclosures.browsing.search
    found = [f.disclosure.id for f in search(resident, "光伏分红")]
    assert found[0] == ledger.titled and ledger.body in found and ledger.unrelated not in found
    assert [f.disclosure.id for f in search(resident, "修路")] == [ledger.body]
    assert [f.disclosure.id for f in search(resident, "低保评议")] == [ledger.table]


async def test_two_character_words_are_found_wherever_they_stand(client, ledger):
    both = {ledger.titled, ledger.body, ledger.hostile}
    assert set(found_ids(await page(client, "分红"))) == both
    assert found_ids(await page(client, "评议")) == [ledger.table]


async def test_sharing_a_character_is_not_sharing_a_word(client, ledger):
    for query in ("修桥", "光照", "评比", "光明分红"):  # 光明 and 分红 never stand together
        html = await page(client, query)
        assert found_ids(html) == [] and "回音壁中的结果：0条" in text_of(html)
    assert found_ids(await page(client, "光明")) == [ledger.unrelated]


async def test_the_best_match_comes_first(client, ledger):
    # In the title, short: first; only in a long body: after.
    ids = found_ids(await page(client, "光伏分红"))
    assert ids.index(ledger.titled) < ids.index(ledger.body)


async def test_matching_words_are_marked_in_titles_excerpts_and_wall_posts(client, ledger):
    html = await page(client, "光伏分红")
    assert "2026年<mark>光伏</mark>电站<mark>分红</mark>公示" in html
    assert "来自<mark>光伏</mark>电站的年度<mark>分红</mark>" in html  # the body's excerpt
    assert "<mark>光伏</mark>电站今年的<mark>分红</mark>用来修路" in html  # the wall answer
    table = await page(client, "低保评议")
    assert "<mark>低保</mark>户民主<mark>评议</mark>会务" in table  # a table row's excerpt


async def test_hostile_markup_is_escaped_before_words_are_marked(client, ledger):
    html = await page(client, "光伏分红")
    assert ledger.hostile in found_ids(html)
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;<mark>光伏</mark>&quot;)&lt;/script&gt;" in html
    assert outline(html).inline == []
    markup = await page(client, '<mark>光伏</mark><script>alert("x")</script>')
    assert "<script>alert" not in markup and outline(markup).inline == []


async def test_pages_follow_one_another_in_the_order_of_one_long_page(client, ledger, monkeypatch):
    whole = found_ids(await page(client, "光伏分红"))
    assert len(whole) == 3 and 'rel="next"' not in await page(client, "光伏分红")
    monkeypatch.setattr(disclosure_routes, "SEARCH_PAGE", 1)
    pages, links = [], []
    for number in (1, 2, 3):
        html = await (await client.get("/search", params={"q": "光伏分红", "page": number})).text()
        assert_well_formed_page(html)
        pages += found_ids(html)
        links.append(re.findall(r'rel="(prev|next)"', html))
        assert ("回音壁中的结果：1条" if number == 1 else "回音壁中的结果：0条") in text_of(html)
        assert "回音壁中没有找到" not in text_of(html)  # found, on the first page
        assert ("的搜索结果：1+条" if number < 3 else "的搜索结果：1条") in text_of(html)
    assert pages == whole
    assert links == [["next"], ["prev", "next"], ["prev"]]


@pytest.mark.parametrize("asked", ["0", "-1", "x", "51", "١", "9999999999"])
async def test_a_page_out_of_range_is_the_first(client, ledger, asked):
    first = await page(client, "光伏分红")
    html = await (await client.get("/search", params={"q": "光伏分红", "page": asked})).text()
    assert found_ids(html) == found_ids(first) and 'rel="prev"' not in html


# --------------------------------------------------------------------------- the bot's /search


def bold_parts(message: dict) -> list[str]:
    """The pieces of a message's text Telegram shows in bold (entity offsets are UTF-16)."""
    text = message["text"].encode("utf-16-le")
    return [
        text[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in message.get("entities", [])
        if e["type"] == "bold"
    ]


async def test_the_bots_search_marks_the_words_in_bold_and_escapes_the_rest(runtime, chat):
    ledger = village_ledger(runtime.services)
    resident = chat(RESIDENT)
    found = await resident.say_for("/search 光伏分红", f"#{ledger.titled}", f"#{ledger.hostile}")
    text = found["text"]
    assert "2026年光伏电站分红公示" in text and HOSTILE in text  # markup shown as typed
    assert "来自光伏电站的年度分红" in text  # the body's piece under its title
    assert set(bold_parts(found)) == {"光伏", "分红"}
    assert bold_parts(found).count("光伏") >= 4  # two titles, an excerpt, the hostile title
    table = await resident.say_for("/search 低保评议", f"#{ledger.table}")
    assert "低保户民主评议会务" in table["text"]
    assert set(bold_parts(table)) == {"低保", "评议"}
