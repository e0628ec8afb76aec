"""The public pages through aiohttp's test client: content, language, 404, headers, caching,
escaping, and the sections other features plug in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from bot.config import parse_config
from bot.delivery.update_inbox import UpdateInbox
from bot.services.bundle import Services
from bot.services.people import ReplyTo
from bot.web_render.language import choose_language, parse_accept_language
from bot.web_render.page_sections import (
    BoardSections,
    Section,
    Stat,
    default_sections,
    member_stats,
)
from bot.web_render.qr import join_link, qr_svg
from handlers.web import WebContext, make_app
from handlers.web.middleware import SECURITY_HEADERS
from storage import users
from storage.db import Store

BOT = "village_test_bot"
EVIL_VILLAGE = "<script>alert(1)</script><img src=x onerror=alert(2)>村"
VILLAGES = [
    {"code": "qingshan", "name": "青山村"},
    {"code": "hexi", "name": "河西村"},
    {"code": "evil", "name": EVIL_VILLAGE},
]


def web_config(tmp_path: Path, **web: Any):
    data = {
        "telegram": {"token": "424242:TEST-village-affairs", "base_url": "http://127.0.0.1:9/bot"},
        "storage": {"path": str(tmp_path / "village.db")},
        "web": {"host": "127.0.0.1", "port": 0, **web},
        "township": {"name": "示范镇", "staff": [9001]},
        "villages": VILLAGES,
    }
    return parse_config(data, environ={})


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = Store(str(tmp_path / "village.db"))
    built = Services.build(web_config(tmp_path), store)
    built.membership.sync_config()
    yield built
    store.close()


def join(services: Services, user_id: int, name: str, village: str) -> None:
    with services.store.transaction() as db:
        users.seen(db, user_id, name, None, None, "zh-hans")
    person = services.membership.person(user_id)
    services.membership.join(person, village, ReplyTo(user_id))


async def _noop(update: object) -> None:
    return None


def build(services: Services, sections: BoardSections | None = None, **context: Any):
    inbox = UpdateInbox(services.store, None, _noop)  # type: ignore[arg-type]
    ctx = WebContext(**{"bot_username": BOT, **context})
    return make_app(services, inbox, ctx, sections=sections)


@pytest.fixture
async def client(aiohttp_client, services):
    return await aiohttp_client(build(services))


class Outline(HTMLParser):
    """Headings, scripts, inline styles and the html lang of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.inline: list[str] = []
        self.lang: str | None = None
        self.landmarks: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "html":
            self.lang = names.get("lang")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag in ("header", "nav", "main", "footer"):
            self.landmarks.add(tag)
        if tag == "script" and not names.get("src"):
            self.inline.append("inline script")
        if tag == "style" or "style" in names:
            self.inline.append(f"inline style on <{tag}>")
        if any(name.startswith("on") for name in names):
            self.inline.append(f"event handler on <{tag}>")


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def assert_well_formed_page(html: str, lang: str = "zh-CN") -> None:
    page = outline(html)
    assert page.lang == lang
    assert page.inline == []
    assert page.landmarks == {"header", "nav", "main", "footer"}
    assert page.headings[0] == 1 and page.headings.count(1) == 1, page.headings
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"heading jumps from h{before} to h{after}"


# --------------------------------------------------------------------------- pages


async def test_index_lists_every_village_with_its_members(client, services):
    join(services, 1001, "王秀英", "qingshan")
    join(services, 1002, "李建国", "qingshan")
    response = await client.get("/")
    assert response.status == 200
    assert response.content_type == "text/html"
    html = await response.text()
    assert_well_formed_page(html)
    for name in ("青山村", "河西村"):
        assert name in html
    assert 'href="/v/qingshan"' in html and 'href="/v/hexi"' in html
    assert "已加入村民" in html and "2人" in html
    # nothing the other features will fill is faked
    for absent in ("按时", "逾期", "满意率"):
        assert absent not in html


def test_the_member_counts_follow_a_join_and_a_leave(services):
    """Remembered per village version (figure_memory): the members' triggers move it (m027)."""
    villages = services.membership.villages()

    def residents() -> dict[str, int]:
        return {code: stats[0].value for code, stats in member_stats(services, villages).items()}

    assert residents() == {"evil": 0, "hexi": 0, "qingshan": 0}
    join(services, 1001, "王秀英", "qingshan")
    assert residents() == {"evil": 0, "hexi": 0, "qingshan": 1}
    join(services, 1002, "李建国", "hexi")
    services.membership.leave(services.membership.person(1001), ReplyTo(1001))
    assert residents() == {"evil": 0, "hexi": 1, "qingshan": 0}


async def test_village_board_shows_the_join_link_and_its_qr_code(client):
    response = await client.get("/v/qingshan")
    assert response.status == 200
    html = await response.text()
    assert_well_formed_page(html)
    link = join_link(BOT, "qingshan")
    assert link == "https://t.me/village_test_bot?start=v_qingshan"
    assert f'href="{link}"' in html
    assert 'src="/v/qingshan/join.svg"' in html
    svg = await client.get("/v/qingshan/join.svg")
    assert svg.status == 200
    assert svg.content_type == "image/svg+xml"
    body = await svg.read()
    assert body == qr_svg(link, title="青山村")
    assert b"<svg" in body and b"<script" not in body
    assert svg.headers["ETag"]


async def test_village_codes_are_case_insensitive_and_unknown_ones_are_a_localized_404(client):
    assert (await client.get("/v/QingShan")).status == 200
    response = await client.get("/v/nowhere")
    assert response.status == 404
    html = await response.text()
    assert "页面不存在" in html and "nowhere" in html
    assert_well_formed_page(html)
    response = await client.get("/v/nowhere?lang=en")
    assert response.status == 404
    assert "Page not found" in await response.text()
    assert (await client.get("/v/nowhere/join.svg")).status == 404


async def test_unknown_paths_are_a_localized_404_page(client):
    response = await client.get("/no/such/page")
    assert response.status == 404
    assert response.content_type == "text/html"
    html = await response.text()
    assert "页面不存在" in html
    assert 'href="/"' in html
    response = await client.get("/no/such/page", headers={"Accept-Language": "en-GB,en;q=0.9"})
    html = await response.text()
    assert "Page not found" in html and 'lang="en"' in html


async def test_without_a_bot_username_the_join_section_says_so(aiohttp_client, services):
    client = await aiohttp_client(build(services, bot_username=""))
    html = await (await client.get("/v/qingshan")).text()
    assert "t.me" not in html
    assert "机器人尚未连接" in html
    assert (await client.get("/v/qingshan/join.svg")).status == 404


async def test_the_sandbox_page_does_not_exist_in_serve_mode(client):
    for path in ("/sandbox", "/sandbox/api/users"):
        assert (await client.get(path)).status == 404
    assert (await client.post("/sandbox/api/send_text", json={})).status in (404, 405)


async def test_healthz_still_answers_json(client):
    response = await client.get("/healthz")
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ok" and body["villages"] == 3


# --------------------------------------------------------------------------- language


async def test_chinese_by_default_english_by_query_or_browser(client):
    html = await (await client.get("/")).text()
    assert 'lang="zh-CN"' in html and "各村村务公开" in html
    html = await (await client.get("/?lang=en")).text()
    assert 'lang="en"' in html and "Village affairs disclosure" in html
    assert 'href="/v/qingshan?lang=en"' in html  # an explicit choice is kept in links
    assert 'href="/?lang=zh-CN"' in html  # the switch back
    html = await (await client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"})).text()
    assert 'lang="en"' in html and 'href="/v/qingshan"' in html
    html = await (await client.get("/", headers={"Accept-Language": "en;q=0.2,zh-CN"})).text()
    assert 'lang="zh-CN"' in html
    html = await (await client.get("/?lang=fr", headers={"Accept-Language": "en"})).text()
    assert 'lang="en"' in html


def test_accept_language_parsing():
    assert parse_accept_language("zh-TW,zh;q=0.9,en-US;q=0.8") == ["zh-CN", "en"]
    assert parse_accept_language("en;q=0.3, zh-Hans;q=0.7") == ["zh-CN", "en"]
    assert parse_accept_language("fr, de;q=0.5") == []
    assert parse_accept_language("en;q=0, zh;q=bad") == []
    assert choose_language(None, "fr", "zh-CN") == "zh-CN"
    assert choose_language("EN", None, "zh-CN") == "en"
    assert choose_language("zh", "en", "en") == "zh-CN"


# --------------------------------------------------------------------------- headers, caching


@pytest.mark.parametrize(
    "path", ["/", "/v/qingshan", "/v/qingshan/join.svg", "/static/site.css", "/nope", "/healthz"]
)
async def test_every_response_carries_the_security_headers(client, path):
    response = await client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_pages_answer_if_none_match_and_if_modified_since_with_304(client, services):
    first = await client.get("/v/qingshan")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    assert first.headers["Cache-Control"] == "no-cache"
    assert "Accept-Language" in first.headers["Vary"]
    again = await client.get("/v/qingshan", headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.headers["ETag"] == etag
    assert await again.read() == b""
    again = await client.get("/v/qingshan", headers={"If-Modified-Since": modified})
    assert again.status == 304
    # another language is another body
    english = await client.get("/v/qingshan?lang=en", headers={"If-None-Match": etag})
    assert english.status == 200
    # the page changes when the data does
    join(services, 1001, "王秀英", "qingshan")
    changed = await client.get("/v/qingshan", headers={"If-None-Match": etag})
    assert changed.status == 200
    assert changed.headers["ETag"] != etag


async def test_static_files_are_served_locally_with_validators(client):
    for path, kind in (("/static/site.css", "text/css"), ("/static/sandbox.js", "javascript")):
        response = await client.get(path)
        assert response.status == 200
        assert kind in response.content_type
        assert response.headers.get("ETag") and response.headers.get("Last-Modified")
    for path in ("/", "/v/qingshan"):
        html = await (await client.get(path)).text()
        external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]*)"', html)
        assert all(url.startswith("https://t.me/") for url in external), external


# --------------------------------------------------------------------------- escaping


async def test_village_and_user_text_shows_literally(client, services):
    html = await (await client.get("/")).text()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;村" in html
    assert outline(html).inline == []
    html = await (await client.get("/v/evil")).text()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert outline(html).inline == []


async def test_a_404_for_a_hostile_code_shows_it_literally(client):
    response = await client.get("/v/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert response.status == 404
    html = await response.text()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --------------------------------------------------------------------------- sections


async def test_features_plug_their_figures_and_sections_into_the_pages(aiohttp_client, services):
    def disclosure_status(services, villages):
        return {
            v.code: [Stat("web.stats.residents", "按时" if v.code == "qingshan" else "—", "good")]
            for v in villages
        }

    def wall(services, village, language):
        if village.code != "qingshan":
            return None
        return Section("sections/list.html", "web.board.figures", ["<b>修路款</b>"], "wall")

    sections = default_sections()
    sections.village_stats.append(disclosure_status)
    sections.village_sections.append(wall)
    client = await aiohttp_client(build(services, sections))
    html = await (await client.get("/")).text()
    assert "按时" in html and "stat-good" in html
    board = await (await client.get("/v/qingshan")).text()
    assert 'id="wall"' in board and "&lt;b&gt;修路款&lt;/b&gt;" in board
    assert_well_formed_page(board)
    other = await (await client.get("/v/hexi")).text()
    assert 'id="wall"' not in other
