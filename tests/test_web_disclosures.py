"""Published disclosures on the public board: the page, versions, the village board and index
hooks, the quarterly status, search and the Atom feeds (aiohttp test client, real SQLite).

`publish()` and `demo_board()` are reused by the API, poster and browser tests.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.pages import decode_keyset
from bot.services.bundle import Services
from storage import disclosure_filings, disclosure_rows, disclosure_signoffs, users
from storage import disclosures as store_d
from storage.db import Store
from storage.disclosure_rows import Row
from tests.test_web_pages import assert_well_formed_page, build, outline, web_config

OFFICIAL = 2001
SUPERVISORS = ((2002, "李监督"), (2003, "赵监督"))
# What a resident might type: HTML, an event handler, Telegram HTML (DESIGN §6).
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)><b>粗体</b><a href="tg://x">链</a>'
ID_NUMBER = "350102199001011234"
PHONE = "13812345678"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "秀英建国明华丽芳伟强敏静磊军洋勇艳杰娟涛超霞平刚桂兰玉珍德福春梅金凤志红永海"
NOW = datetime(2026, 10, 20, 4, 0, tzinfo=UTC)  # 2026-10-20 12:00 in Shanghai: 2026Q3 is due


def name_of(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + GIVEN[(i * 7 + 3) % len(GIVEN)]


def subsidy_rows(count: int, *, note: str = "") -> list[Row]:
    rows = []
    for i in range(count):
        data = {
            "group": f"第{i % 9 + 1}组",
            "head": name_of(i),
            "item": "耕地地力保护补贴",
            "quantity": f"{(i % 7) + 1}.5亩",
            "standard": "112.00元/亩",
            "paid": "2026-10-08 一卡通",
            "note": note if i == 0 else ("" if i % 5 else "脱贫户"),
        }
        rows.append(Row(i + 1, "subsidy", data, 11200 * ((i % 7) + 1) + 5600, None))
    return rows


def ledger_rows(income: int = 3, expense: int = 4, *, description: str = "") -> list[Row]:
    rows = []
    for i in range(income):
        data = {"account": f"经营收入{i + 1}", "description": description or "鱼塘承包费"}
        rows.append(Row(len(rows) + 1, "income", data, 500000 + i * 100, 1000000 + i * 100))
    for i in range(expense):
        data = {"account": "公益事业支出", "description": f"修路第{i + 1}段"}
        rows.append(Row(len(rows) + 1, "expense", data, 120000 + i * 50, None))
    return rows


def publish(
    services: Services,
    *,
    kind: str,
    title: str,
    village: str = "qingshan",
    category: str = "财务收支",
    period: str = "2026Q3",
    body: str = "",
    rows: list[Row] | None = None,
    opening: int | None = None,
    closing: int | None = None,
    supersedes: int | None = None,
    at: datetime = datetime(2026, 10, 10, 1, 0, tzinfo=UTC),
    major: bool = False,
) -> int:
    """A disclosure through review to publication, by the disclosure service's own publish step."""
    with services.store.transaction() as db:
        users.seen(db, OFFICIAL, "王会计", None, None, "zh-hans")
        old = store_d.get(db, supersedes) if supersedes else None
        disclosure_id = store_d.create(
            db,
            village_code=village,
            kind=kind,
            category=category,
            period=period,
            title=title,
            body=body,
            created_by=OFFICIAL,
            major=major,
            version=old.version + 1 if old else 1,
            root_id=old.root_id if old else None,
            supersedes_id=supersedes,
            opening_fen=opening,
            closing_fen=closing,
        )
        disclosure_rows.replace_rows(db, disclosure_id, rows or [])
        assert store_d.transition(db, disclosure_id, "draft", "in_review", review_round=1)
        for user_id, name in SUPERVISORS:
            disclosure_signoffs.add_signoff(db, disclosure_id, 1, user_id, name, "approve", None)
        assert store_d.transition(
            db, disclosure_id, "in_review", "approved", approved_at=at, publish_due_at=at
        )
    assert services.disclosures.publishing.publish_due(at) >= 1
    return disclosure_id


def draft(services: Services, title: str = "还在起草的公开") -> int:
    with services.store.transaction() as db:
        return store_d.create(
            db,
            village_code="qingshan",
            kind="notice",
            category="其他",
            period="2026Q3",
            title=title,
            body="草稿",
            created_by=OFFICIAL,
        )


@dataclass(frozen=True)
class Demo:
    ledger_v1: int
    ledger_v2: int
    subsidy: int
    notice: int
    evil: int
    hexi_late: int
    draft: int


def demo_board(services: Services, *, subsidy_count: int = 12) -> Demo:
    """Qingshan: a corrected ledger, a subsidy list, a notice, a hostile notice; Hexi: late."""
    opening, rows = 2_000_000, ledger_rows()
    income = sum(r.amount_fen for r in rows if r.section == "income")
    expense = sum(r.amount_fen for r in rows if r.section == "expense")
    v1 = publish(
        services,
        kind="finance",
        title="2026年第三季度财务收支公开",
        rows=rows,
        opening=opening,
        closing=opening + income - expense,
    )
    rows2 = [*rows[:-1], Row(rows[-1].position, "expense", rows[-1].data, 99_900, None)]
    expense2 = sum(r.amount_fen for r in rows2 if r.section == "expense")
    v2 = publish(
        services,
        kind="finance",
        title="2026年第三季度财务收支公开",
        rows=rows2,
        opening=opening,
        closing=opening + income - expense2,
        supersedes=v1,
        at=datetime(2026, 10, 12, 2, 0, tzinfo=UTC),
    )
    subsidy = publish(
        services,
        kind="subsidy",
        category="惠农补贴",
        title="2026年耕地地力保护补贴发放名单",
        rows=subsidy_rows(subsidy_count, note=f"身份证{ID_NUMBER} 电话{PHONE}"),
        at=datetime(2026, 10, 11, 1, 0, tzinfo=UTC),
    )
    notice = publish(
        services,
        kind="notice",
        category="其他",
        period="2026-10-15",
        title="村道硬化工程开工公告",
        body="村道硬化工程于十月开工，工期两个月。\n施工期间请注意安全。",
        at=datetime(2026, 10, 15, 1, 0, tzinfo=UTC),
    )
    evil = publish(
        services,
        kind="notice",
        category="其他",
        period="2026-10-16",
        title=EVIL,
        body=f"正文 {EVIL}",
        at=datetime(2026, 10, 16, 1, 0, tzinfo=UTC),
    )
    hexi = publish(
        services,
        village="hexi",
        kind="finance",
        title="河西村2026年第三季度财务公开",
        rows=ledger_rows(1, 1),
        opening=100,
        closing=100 + 500000 - 120000,
        at=datetime(2026, 10, 18, 1, 0, tzinfo=UTC),  # after the 15th: late
    )
    return Demo(v1, v2, subsidy, notice, evil, hexi, draft(services))


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = Store(str(tmp_path / "village.db"))
    built = Services.build(web_config(tmp_path, public_url="https://cwgk.example.cn"), store)
    built.membership.sync_config()
    built.clock.set(NOW)
    yield built
    store.close()


@pytest.fixture
def demo(services: Services) -> Demo:
    return demo_board(services)


@pytest.fixture
async def client(aiohttp_client, services, demo):
    return await aiohttp_client(build(services))


def text_of(html: str) -> str:
    """Visible text, tags removed (enough for assertions on what people read)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --------------------------------------------------------------------------- /d/<id>


async def test_a_ledger_page_shows_the_table_totals_balance_signoffs_and_filing(
    client, services, demo
):
    response = await client.get(f"/d/{demo.ledger_v2}")
    assert response.status == 200
    html = await response.text()
    assert_well_formed_page(html)
    text = text_of(html)
    for expected in (
        "2026年第三季度财务收支公开",
        "期初余额",
        "20,000.00",
        "收入合计",
        "15,003.00",
        "支出合计",
        "期末余额",
        "与期末余额相符",
        "李监督",
        "赵监督",
        "备案记录",
        "王会计",
        "第2版",
        "最新版本",
    ):
        assert expected in text, expected
    checksum = disclosure_filings.filing(services.store.db, demo.ledger_v2).checksum
    assert checksum in html
    assert '<th scope="col"' in html and "<caption>" in html
    # the version list links the older version and shows what changed
    assert f'href="/d/{demo.ledger_v1}"' in html
    assert "公益事业支出 修路第4段：金额由 1,201.50 改为 999.00" in text


async def test_a_superseded_version_stays_readable_marked_and_linking_to_the_newest(client, demo):
    html = await (await client.get(f"/d/{demo.ledger_v1}")).text()
    assert_well_formed_page(html)
    assert 'id="superseded"' in html
    assert "已被更正" in html
    assert f'<a href="/d/{demo.ledger_v2}">查看最新版本</a>' in html
    assert "1,201.50" in html  # its own content, not the newest


async def test_a_subsidy_list_masks_names_and_never_shows_id_or_phone_numbers(client, demo):
    html = await (await client.get(f"/d/{demo.subsidy}")).text()
    assert_well_formed_page(html)
    first = name_of(0)
    assert f"{first[0]}*{first[-1]}" in html
    for i in range(12):
        assert name_of(i) not in html
    assert ID_NUMBER not in html and PHONE not in html
    assert "35*************234" in html and "138****5678" in html
    assert "共12户" in html and "合计（12户）" in html


async def test_drafts_and_unknown_ids_are_404(client, demo):
    for path in (f"/d/{demo.draft}", "/d/999999", "/d/0", "/d/abc", "/d/99999999999999999999"):
        response = await client.get(path)
        assert response.status == 404, path
    assert (await client.get(f"/d/{demo.draft}/poster.pdf")).status == 404
    assert (await client.get(f"/api/v1/disclosures/{demo.draft}")).status == 404


async def test_in_review_and_approved_items_are_not_public(services, client):
    with services.store.transaction() as db:
        pending = store_d.create(
            db,
            village_code="qingshan",
            kind="notice",
            category="其他",
            period="2026Q3",
            title="审核中的公开",
            body="x",
            created_by=OFFICIAL,
        )
        store_d.transition(db, pending, "draft", "in_review")
    assert (await client.get(f"/d/{pending}")).status == 404
    with services.store.transaction() as db:
        store_d.transition(db, pending, "in_review", "approved")
    assert (await client.get(f"/d/{pending}")).status == 404
    search = await (await client.get("/search?q=审核中")).text()
    assert "审核中的公开" not in text_of(search).replace("审核中”", "")


async def test_the_page_is_english_on_request(client, demo):
    html = await (await client.get(f"/d/{demo.ledger_v2}?lang=en")).text()
    assert_well_formed_page(html, "en")
    assert "Opening balance" in html and "This matches the closing balance." in html


async def test_hostile_text_shows_literally_on_the_page(client, demo):
    html = await (await client.get(f"/d/{demo.evil}")).text()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>粗体" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert outline(html).inline == []


async def test_disclosure_pages_answer_conditional_requests(client, demo):
    first = await client.get(f"/d/{demo.subsidy}")
    again = await client.get(f"/d/{demo.subsidy}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304


# --------------------------------------------------------------------------- board and index


async def test_the_village_board_lists_the_latest_by_category(client, demo):
    html = await (await client.get("/v/qingshan")).text()
    assert_well_formed_page(html)
    assert 'id="disclosures"' in html
    for category in ("财务收支", "惠农补贴", "其他"):
        assert f"<h3>{category}</h3>" in html
    assert f'href="/d/{demo.ledger_v2}"' in html
    assert f'href="/d/{demo.ledger_v1}"' not in html  # only current versions on the board
    assert 'href="/v/qingshan/feed.atom"' in html
    assert "2026Q3 已按时公开" in html


async def test_the_index_shows_each_villages_quarter_status(client, services, demo):
    html = await (await client.get("/")).text()
    assert_well_formed_page(html)
    statuses = services.disclosures.board  # on the services' clock, stopped at NOW
    assert {code: s.state for code, s in statuses.quarter_statuses().items()} == {
        "evil": "missing",
        "hexi": "late",
        "qingshan": "on_time",
    }
    text = text_of(html)
    assert "2026Q3 已按时公开" in text
    assert "2026Q3 过了期限才公开（应于2026-10-15前）" in text
    assert "2026Q3 未公开（已过2026-10-15截止日）" in text
    assert "stat-good" in html and "stat-warn" in html and "stat-bad" in html
    assert 'id="latest-disclosures"' in html and 'href="/feed.atom"' in html


def test_before_the_deadline_a_missing_disclosure_is_pending(services):
    services.clock.set(datetime(2026, 10, 14, 15, 0, tzinfo=UTC))
    board = services.disclosures.board
    status = board.quarter_status("qingshan")
    assert status is not None
    assert (status.period, status.state, status.deadline.isoformat()) == (
        "2026Q3",
        "pending",
        "2026-10-15",
    )
    # 23:30 on the 15th in Shanghai is still on time; the 16th is not
    assert board.quarter_status("qingshan").state == "pending"
    publish(
        services, kind="notice", title="x", body="y", at=datetime(2026, 10, 15, 15, 30, tzinfo=UTC)
    )
    services.clock.set(NOW)
    later = services.disclosures.board
    assert later.quarter_status("qingshan").state == "on_time"
    publish(
        services,
        village="hexi",
        kind="notice",
        title="x",
        body="y",
        at=datetime(2026, 10, 15, 16, 30, tzinfo=UTC),
    )
    assert later.quarter_status("hexi").state == "late"


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("财务收支", "ledger_v2"),
        ("修路", "ledger_v2"),  # two characters, in a table row
        ("耕地 补贴", "subsidy"),
        ("硬化", "notice"),
        ("村道硬化工程", "notice"),
    ],
)
async def test_search_finds_chinese_text(client, demo, query, expected):
    response = await client.get("/search", params={"q": query})
    assert response.status == 200
    html = await response.text()
    assert_well_formed_page(html)
    assert f'href="/d/{getattr(demo, expected)}"' in html


async def test_search_without_results_and_without_a_query(client, demo):
    html = await (await client.get("/search?q=不存在的内容")).text()
    assert "没有找到" in html
    html = await (await client.get("/search")).text()
    assert_well_formed_page(html)
    assert 'name="q"' in html and "搜索结果" not in html
    html = await (await client.get("/search", params={"q": EVIL})).text()
    assert "<script>alert" not in html and outline(html).inline == []
    assert f'href="/d/{demo.draft}"' not in (await (await client.get("/search?q=草稿")).text())


# --------------------------------------------------------------------------- feeds

A = "{http://www.w3.org/2005/Atom}"


def parse_atom(body: bytes) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        element = root.find(f"{A}{tag}")
        assert element is not None and (element.text or "").strip(), tag
    assert root.find(f"{A}author/{A}name") is not None
    assert root.find(f"{A}link[@rel='self']") is not None
    for entry in root.findall(f"{A}entry"):
        for tag in ("id", "title", "updated"):
            element = entry.find(f"{A}{tag}")
            assert element is not None and (element.text or "").strip(), tag
        link = entry.find(f"{A}link[@rel='alternate']")
        assert link is not None and link.get("href", "").startswith("https://cwgk.example.cn/d/")
        updated = entry.find(f"{A}updated").text
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", updated)
    return root


async def test_the_township_feed_is_valid_atom_with_every_village(client, demo):
    response = await client.get("/feed.atom")
    assert response.status == 200
    assert response.content_type == "application/atom+xml"
    root = parse_atom(await response.read())
    ids = [e.find(f"{A}id").text for e in root.findall(f"{A}entry")]
    assert f"https://cwgk.example.cn/d/{demo.hexi_late}" in ids
    assert f"https://cwgk.example.cn/d/{demo.ledger_v1}" in ids  # corrections are new entries
    assert f"https://cwgk.example.cn/d/{demo.draft}" not in ids
    assert root.find(f"{A}updated").text == "2026-10-18T01:00:00Z"
    assert response.headers["Last-Modified"] == "Sun, 18 Oct 2026 01:00:00 GMT"
    again = await client.get("/feed.atom", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status == 304
    since = await client.get(
        "/feed.atom", headers={"If-Modified-Since": response.headers["Last-Modified"]}
    )
    assert since.status == 304


async def test_a_village_feed_has_only_its_village_and_hostile_text_stays_text(client, demo):
    body = await (await client.get("/v/qingshan/feed.atom")).read()
    root = parse_atom(body)
    ids = [e.find(f"{A}id").text for e in root.findall(f"{A}entry")]
    assert f"https://cwgk.example.cn/d/{demo.hexi_late}" not in ids
    titles = [e.find(f"{A}title").text for e in root.findall(f"{A}entry")]
    assert EVIL in titles  # literally, as text
    assert b"<script>" not in body and b"&lt;script&gt;" in body
    assert (await client.get("/v/nowhere/feed.atom")).status == 404


async def test_an_empty_feed_is_still_valid(aiohttp_client, services):
    client = await aiohttp_client(build(services))
    root = parse_atom(await (await client.get("/v/hexi/feed.atom")).read())
    assert root.findall(f"{A}entry") == []


def test_control_characters_never_break_a_feed(services):
    publish(services, kind="notice", title="坏\x00字\x1b符", body="x")
    board = services.disclosures.board
    from bot.web_render import feeds
    from bot.web_render.disclosure_sections import entries

    items = board.recent()
    body = feeds.atom_feed(
        language="zh-CN",
        base_url="https://x.example",
        self_path="/feed.atom",
        alternate_path="/",
        title="t",
        author="a",
        items=[
            feeds.FeedItem(e, i.published_at)
            for e, i in zip(entries(board, items), items, strict=True)
        ],
        updated=board.last_published(),
    )
    root = ET.fromstring(body)
    assert root.find(f"{A}entry/{A}title").text == "坏字符"
    # UTF-8 bytes as declared, the same as ElementTree writes them itself
    assert body == ET.tostring(root, encoding="utf-8", xml_declaration=True)
    assert "坏字符".encode() in body


# --------------------------------------------------------------------------- cursors


def test_pages_walk_every_item_once_newest_first(services, demo):
    board = services.disclosures.board
    seen, cursor = [], None
    while True:
        page = board.page(village_code="qingshan", cursor=cursor, limit=2)
        seen += [i.id for i in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    expected = [demo.evil, demo.notice, demo.ledger_v2, demo.subsidy, demo.ledger_v1]
    assert seen == expected
    published_at, ident = decode_keyset(board.page(village_code="qingshan", limit=1).next_cursor)
    assert ident == demo.evil
    assert published_at == datetime(2026, 10, 16, 1, 0, tzinfo=UTC)
    assert timedelta(0) == published_at.utcoffset()
