"""Every web route in the permission matrix (DESIGN §2, §8). The web has no login: every
visitor is anonymous, so a route may show only what is public, masked (SEC-03, SEC-04), and must
refuse the rest. The route list is read from the app's own router: a new route without an entry
here fails, and each entry's addresses must resolve to the route it speaks for."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from bot.config import parse_config
from bot.services.bundle import Services
from storage import board_photos
from storage import disclosures as store_d
from storage.db import Store
from tests.test_web_disclosures import demo_board, draft, publish
from tests.test_web_pages import VILLAGES, build
from tests.test_web_topics import (
    ID_NUMBER,
    PHONE,
    REQUESTERS,
    SECRET_OPEN_TEXT,
    URGE_NOTE,
    at,
    wall_world,
)

# A notice whose numbers are spelled the ways masking once missed (issue 10 §2).
CARD = "6222020200001234"
ODD_SPELLINGS = "电话１３８１２３４５６７８，身份证350102-19900101-1234，卡号6222　0202　0000　1234"
HIDDEN_TITLES = ("还在起草的公开", "审核中的公开", "批准待发的公开")
SECRET = "s3cret-Token_1"


@dataclass(frozen=True, slots=True)
class Entry:
    """What one route shows a visitor (addresses answered 200) and refuses (with a status)."""

    shown: tuple[str, ...] = ()
    refused: tuple[tuple[str, int], ...] = ()
    method: str = "GET"


# Keyed by "METHOD canonical path" as the router names it. {names} are filled from the world.
ROUTES: dict[str, Entry] = {
    "GET /healthz": Entry(shown=("/healthz",)),  # loop states and queue sizes, no person
    "GET /metrics": Entry(shown=("/metrics",)),
    "POST /telegram/webhook": Entry(
        refused=(("/telegram/webhook", 403),), method="POST"
    ),  # only with the secret
    "GET /": Entry(shown=("/",)),
    "GET /v/{code}": Entry(shown=("/v/qingshan",), refused=(("/v/nowhere", 404),)),
    # A township of a county; a single-township instance's own is "main".
    "GET /z/{code}": Entry(shown=("/z/main",), refused=(("/z/nowhere", 404),)),
    "GET /v/{code}/join.svg": Entry(
        shown=("/v/qingshan/join.svg",), refused=(("/v/nowhere/join.svg", 404),)
    ),
    "GET /d/{id}": Entry(shown=("/d/{subsidy}", "/d/{odd}"), refused=("/d/{hidden}",)),
    "GET /d/{id}/poster.pdf": Entry(
        shown=("/d/{subsidy}/poster.pdf",), refused=("/d/{hidden}/poster.pdf",)
    ),
    "GET /d/{id}/board-photo": Entry(
        shown=("/d/{odd}/board-photo",),
        refused=("/d/{hidden}/board-photo", ("/d/{subsidy}/board-photo", 404)),
    ),
    "GET /search": Entry(shown=("/search?q=公开", "/search?q=电话", "/search?q=草稿")),
    "GET /feed.atom": Entry(shown=("/feed.atom",)),
    "GET /v/{code}/feed.atom": Entry(
        shown=("/v/qingshan/feed.atom",), refused=(("/v/nowhere/feed.atom", 404),)
    ),
    "GET /t/{receipt}": Entry(
        shown=("/t/{answered}", "/t/{open}"), refused=(("/t/QS-0000-000", 404),)
    ),
    "GET /v/{code}/wall": Entry(shown=("/v/qingshan/wall",), refused=(("/v/nowhere/wall", 404),)),
    "GET /stats": Entry(shown=("/stats",)),
    "GET /score": Entry(shown=("/score", "/score?period=2026Q3")),  # counts of published facts
    "GET /score/formula": Entry(shown=("/score/formula",)),
    "GET /api/v1/scores": Entry(
        shown=("/api/v1/scores",), refused=(("/api/v1/scores?period=x", 400),)
    ),
    "GET /favicon.ico": Entry(shown=("/favicon.ico",)),
    "GET /api/v1/villages/{code}/topics": Entry(
        shown=("/api/v1/villages/qingshan/topics",),
        refused=(("/api/v1/villages/nowhere/topics", 404),),
    ),
    "GET /api/v1/topics/{receipt}": Entry(
        shown=("/api/v1/topics/{answered}", "/api/v1/topics/{open}"),
        refused=(("/api/v1/topics/QS-0000-000", 404),),
    ),
    "GET /api/v1/villages": Entry(shown=("/api/v1/villages",)),
    "GET /api/v1/villages/{code}/disclosures": Entry(
        shown=("/api/v1/villages/qingshan/disclosures",),
        refused=(("/api/v1/villages/nowhere/disclosures", 404),),
    ),
    "GET /api/v1/disclosures/{id}": Entry(
        shown=("/api/v1/disclosures/{subsidy}", "/api/v1/disclosures/{odd}"),
        refused=("/api/v1/disclosures/{hidden}",),
    ),
    "GET /api/v1/stats": Entry(shown=("/api/v1/stats",)),
    "GET /api/v1/openapi.json": Entry(shown=("/api/v1/openapi.json",)),
    "* /api/{tail}": Entry(refused=(("/api/v2/secrets", 404),)),
    "GET /static": Entry(shown=("/static/site.css",)),
}


@dataclass(frozen=True, slots=True)
class World:
    ids: dict[str, str]  # placeholder → value
    hidden: tuple[int, ...]  # disclosures not public: a draft, one in review, one approved


def _not_public(services: Services) -> tuple[int, ...]:
    draft_id = draft(services, HIDDEN_TITLES[0])
    review, approved = draft(services, HIDDEN_TITLES[1]), draft(services, HIDDEN_TITLES[2])
    with services.store.transaction() as db:
        for item in (review, approved):
            assert store_d.transition(db, item, "draft", "in_review")
        assert store_d.transition(db, approved, "in_review", "approved")
    return draft_id, review, approved


def build_world(services: Services) -> World:
    services.clock.set(at(date(2026, 10, 1)))
    topics = wall_world(services, services.clock)
    demo = demo_board(services)
    odd = publish(
        services,
        kind="notice",
        category="其他",
        period="2026-10-17",
        title="联系方式",
        body=ODD_SPELLINGS,
    )
    with services.store.transaction() as db:
        when = datetime(2026, 10, 18, 1, 0, tzinfo=UTC)
        board_photos.add(
            db,
            disclosure_id=odd,
            village_code="qingshan",
            content=b"\x89PNG\r\n\x1a\n",
            mime_type="image/png",
            taken_at=when,
            taken_from="received",
            received_at=when,
            sent_by=2001,
        )
    hidden = (*_not_public(services), demo.draft)
    ids = {
        "subsidy": str(demo.subsidy),
        "odd": str(odd),
        "answered": topics.answered.receipt,
        "open": topics.open.receipt,
    }
    return World(ids, hidden)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    data = {
        "telegram": {
            "token": "424242:TEST-village-affairs",
            "base_url": "http://127.0.0.1:9/bot",
            "mode": "webhook",
            "webhook_url": "https://cwgk.example.cn/telegram/webhook",
            "webhook_secret": SECRET,
        },
        "storage": {"path": str(tmp_path / "village.db")},
        "web": {"host": "127.0.0.1", "port": 0, "public_url": "https://cwgk.example.cn"},
        "township": {"name": "示范镇", "staff": [9001]},
        "villages": VILLAGES,
    }
    store = Store(str(tmp_path / "village.db"))
    built = Services.build(parse_config(data, environ={}), store)
    built.membership.sync_config()
    yield built
    store.close()


def route_keys(app: web.Application) -> set[str]:
    return {f"{r.method} {r.resource.canonical}" for r in app.router.routes() if r.method != "HEAD"}


def addresses(world: World, entry: Entry) -> tuple[list[str], list[tuple[str, int]]]:
    def fill(template: str) -> list[str]:
        if "{hidden}" in template:
            return [template.replace("{hidden}", str(h)) for h in world.hidden]
        return [template.format(**world.ids)]

    shown = [url for t in entry.shown for url in fill(t)]
    refused = []
    for item in entry.refused:
        template, status = (item, 404) if isinstance(item, str) else item
        refused += [(url, status) for url in fill(template)]
    return shown, refused


def spelled_out(text: str) -> str:
    """The text with full-width forms folded and separators between digits dropped."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"(?<=\d)[\s.\-·]+(?=\d)", "", folded)


def assert_nothing_private(url: str, text: str) -> None:
    flat = spelled_out(text)
    for number in (PHONE, ID_NUMBER, CARD, "350102199001011234"):
        assert number not in flat, (url, number)
    for secret in (*REQUESTERS.values(), SECRET_OPEN_TEXT, URGE_NOTE, *HIDDEN_TITLES, SECRET):
        assert secret not in text, (url, secret)


async def test_every_route_shows_only_what_is_public_and_refuses_the_rest(aiohttp_client, services):
    world = build_world(services)
    app = build(services)
    assert route_keys(app) == set(ROUTES), "give each web route an entry in ROUTES"
    client = await aiohttp_client(app)
    for key, entry in ROUTES.items():
        shown, refused = addresses(world, entry)
        for url, _ in [(u, 200) for u in shown] + refused:
            match = await app.router.resolve(make_mocked_request(entry.method, url))
            assert f"{match.route.method} {match.route.resource.canonical}" == key, url
        for url in shown:
            response = await client.request(entry.method, url)
            assert response.status == 200 or (key == "GET /healthz" and response.status == 503), url
            body = await response.read()
            if not body.startswith((b"%PDF", b"\x89PNG")):
                assert_nothing_private(url, body.decode("utf-8"))
        for url, status in refused:
            response = await client.request(entry.method, url)
            assert response.status == status, url
            assert_nothing_private(url, await response.text())
