"""The rendered-page cache through aiohttp's test client: a hit is the same answer without a
query but the version's, every kind of change shows on the very next request, languages and
days are kept apart, entries expire, memory is bounded, and only public 200s are kept."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.services.bundle import Services
from handlers.web.page_cache import PAGES, ROUTES, Entry, PageCache
from storage.db import Store
from tests import test_web_topics
from tests.test_web_disclosures import publish
from tests.test_web_pages import build, web_config
from tests.test_web_permissions import ROUTES as PERMISSIONS
from tests.test_web_topics import HEAD, person

VERSION_READ = "SELECT version FROM data_version WHERE id = 1"


# The feedback wall's services and world, as the wall's own page tests build them.
services = test_web_topics.services
world = test_web_topics.world


@pytest.fixture
async def client(aiohttp_client, services, world):
    return await aiohttp_client(build(services))


@contextmanager
def queries(services: Services) -> Iterator[list[str]]:
    """The statements the store's connection runs meanwhile."""
    seen: list[str] = []
    services.store.db.conn.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        services.store.db.conn.set_trace_callback(None)


async def fetch(client, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    response = await client.get(path, headers=headers)
    kept = {k.lower(): v for k, v in response.headers.items() if k.lower() != "date"}
    return response.status, kept, await response.read()


async def test_a_hit_is_the_same_answer_reading_only_the_version(client, services, world):
    receipt = world.answered.receipt
    paths = ["/", "/v/qingshan", "/v/qingshan/wall", f"/t/{receipt}", "/stats", "/feed.atom"]
    paths += [f"/api/v1/topics/{receipt}", "/api/v1/villages", "/api/v1/stats"]
    for path in paths:
        first = await fetch(client, path)
        with queries(services) as seen:
            again = await fetch(client, path)
        assert first[0] == 200, path
        assert again == first, path
        assert seen == [VERSION_READ], path
        assert "content-security-policy" in again[1] and "etag" in again[1]


async def test_a_conditional_request_is_answered_304_from_the_cache(client, services, world):
    _, headers, _ = await fetch(client, "/v/qingshan")
    with queries(services) as seen:
        by_tag = await client.get("/v/qingshan", headers={"If-None-Match": headers["etag"]})
        by_date = await client.get(
            "/v/qingshan", headers={"If-Modified-Since": headers["last-modified"]}
        )
        other = await client.get("/v/qingshan", headers={"If-None-Match": '"elsewhere"'})
    assert (by_tag.status, by_date.status, other.status) == (304, 304, 200)
    assert by_tag.headers["etag"] == headers["etag"]
    assert by_tag.headers["cache-control"] == headers["cache-control"]
    assert "Content-Security-Policy" in by_tag.headers
    assert await by_tag.read() == b""
    assert seen == [VERSION_READ] * 3


async def test_a_first_conditional_request_fills_the_cache(client, services, world):
    _, headers, body = await fetch(client, "/stats")
    services.clock.advance(timedelta(minutes=5))  # past the TTL: rendered again
    response = await client.get("/stats", headers={"If-None-Match": headers["etag"]})
    assert response.status == 304
    with queries(services) as seen:
        assert (await fetch(client, "/stats"))[2] == body
    assert seen == [VERSION_READ]


async def test_languages_are_kept_apart(client, world):
    chinese = await fetch(client, "/v/qingshan", **{"Accept-Language": "zh-CN"})
    english = await fetch(client, "/v/qingshan", **{"Accept-Language": "en"})
    asked = await fetch(client, "/v/qingshan?lang=en", **{"Accept-Language": "zh-CN"})
    assert chinese[2] != english[2]
    assert b'lang="en"' in english[2] and b'lang="en"' in asked[2]
    assert (await fetch(client, "/v/qingshan", **{"Accept-Language": "zh-CN"})) == chinese
    assert (await fetch(client, "/v/qingshan", **{"Accept-Language": "en"})) == english


async def test_an_answered_topic_shows_at_once(client, services, world):
    receipt = world.open.receipt
    paths = [f"/t/{receipt}", f"/api/v1/topics/{receipt}", "/v/qingshan/wall"]
    before = [(await fetch(client, p))[2] for p in paths]
    svc = services.topics
    answer = "宅基地审批材料已在村务公开栏张贴。"
    svc.answering.answer(person(services, HEAD), svc.reading.get(world.open.id), answer)
    for path, old in zip(paths, before, strict=True):
        assert answer.encode() not in old
        assert answer.encode() in (await fetch(client, path))[2], path


async def test_a_published_disclosure_shows_at_once(client, services, world):
    paths = ["/v/qingshan", "/feed.atom", "/api/v1/villages/qingshan/disclosures", "/"]
    before = [(await fetch(client, p))[2] for p in paths]
    title = "第四季度道路硬化工程公示"
    publish(services, kind="notice", title=title, category="工程项目", at=services.clock.now())
    for path, old in zip(paths, before, strict=True):
        new = (await fetch(client, path))[2]
        assert new != old, path
    assert title.encode() in (await fetch(client, "/feed.atom"))[2]


async def test_a_holiday_moves_a_due_date_at_once(client, services, world):
    path = f"/t/{world.open.receipt}"
    due = services.topics.reading.get(world.open.id).due_date
    assert due.isoformat().encode() in (await fetch(client, path))[2]
    staff = person(services, 9001)
    assert services.topics.due_dates.set_holiday(staff, date(2026, 10, 12), "holiday", "补假")
    moved = services.topics.reading.get(world.open.id).due_date
    assert moved > due
    assert moved.isoformat().encode() in (await fetch(client, path))[2]


async def test_a_write_by_another_process_shows_at_once(client, services, world):
    path = f"/t/{world.answered.receipt}"
    old = (await fetch(client, path))[2]
    other = sqlite3.connect(services.store.path, isolation_level=None)
    try:
        other.execute(
            "UPDATE topic_answers SET text = '另一个进程改过的回答' WHERE id = ?",
            [world.answered.answer_id],
        )
    finally:
        other.close()
    new = (await fetch(client, path))[2]
    assert "另一个进程改过的回答".encode() in new and new != old


async def test_entries_expire_after_the_ttl(client, services, world):
    services.clock.set(datetime(2026, 10, 20, 4, 0, tzinfo=UTC))  # noon in Shanghai
    await fetch(client, "/")
    services.clock.advance(timedelta(seconds=59))
    with queries(services) as hit:
        await fetch(client, "/")
    services.clock.advance(timedelta(seconds=2))
    with queries(services) as expired:
        await fetch(client, "/")
    assert hit == [VERSION_READ]
    assert len(expired) > 1


async def test_the_township_date_turning_renders_again(client, services, world):
    services.clock.set(datetime(2026, 10, 20, 15, 59, 40, tzinfo=UTC))  # 23:59:40 in Shanghai
    await fetch(client, "/v/qingshan")
    services.clock.advance(timedelta(seconds=10))
    with queries(services) as same_day:
        await fetch(client, "/v/qingshan")
    services.clock.advance(timedelta(seconds=20))  # 00:00:10, within the TTL
    with queries(services) as next_day:
        await fetch(client, "/v/qingshan")
    assert same_day == [VERSION_READ]
    assert len(next_day) > 1


async def test_error_answers_and_private_routes_are_never_kept(client, services, world):
    for path in ("/v/nowhere", "/api/v1/villages/nowhere/topics", "/healthz"):
        first = await client.get(path)
        with queries(services) as seen:
            again = await client.get(path)
        assert again.status == first.status
        assert len(seen) > 1, path  # answered afresh
    for path in ("/t/QS-0000-000", "/metrics", "/api/v1/villages?limit=0", "/static/site.css"):
        await client.get(path)
    assert len(client.app[PAGES]) == 0
    assert (await client.get("/v/qingshan")).status == 200
    assert len(client.app[PAGES]) == 1


def test_only_routes_the_permission_matrix_shows_everyone_are_kept():
    public = {key.split(" ", 1)[1] for key, entry in PERMISSIONS.items() if entry.method == "GET"}
    assert public >= ROUTES
    private = {"/healthz", "/metrics", "/telegram/webhook"}
    assert not ROUTES & private
    assert not any(route.startswith("/sandbox") for route in ROUTES)


async def test_the_cache_can_be_turned_off(aiohttp_client, tmp_path: Path):
    store = Store(str(tmp_path / "off.db"))
    try:
        services = Services.build(web_config(tmp_path, page_cache_mb=0), store)
        services.membership.sync_config()
        client = await aiohttp_client(build(services))
        assert PAGES not in client.app
        for _ in range(2):
            with queries(services) as seen:
                assert (await client.get("/")).status == 200
            assert len(seen) > 1
    finally:
        store.close()


def _entry(size: int) -> Entry:
    moment = datetime(2026, 10, 20, tzinfo=UTC)
    return Entry(b"x" * size, (), "tag", None, moment + timedelta(minutes=1))


def _key(name: str) -> tuple[str, str, str, int, date]:
    return ("GET", name, "zh-CN", 1, date(2026, 10, 20))


def test_the_cache_is_bounded_in_bytes_dropping_the_least_recently_used():
    now = datetime(2026, 10, 20, tzinfo=UTC)
    cache = PageCache(max_bytes=64 * 1024)  # fourteen entries of 4 KiB and their overhead
    for n in range(16):
        cache.put(_key(f"k{n}"), _entry(4096))
    assert len(cache) == 14 and cache.size <= cache.max_bytes
    assert _key("k0") not in cache and _key("k1") not in cache  # the oldest went first
    assert cache.get(_key("k2"), now) is not None  # now the most recently used
    cache.put(_key("k16"), _entry(4096))
    cache.put(_key("k17"), _entry(4096))
    assert _key("k2") in cache and _key("k3") not in cache and _key("k4") not in cache
    assert cache.size == sum(e.size for e in cache._entries.values()) <= cache.max_bytes
    cache.put(_key("huge"), _entry(9 * 1024))  # more than an eighth of the bound: not kept
    assert _key("huge") not in cache and len(cache) == 14
    assert cache.get(_key("k2"), now + timedelta(minutes=2)) is None  # expired
    assert _key("k2") not in cache


def test_the_cache_size_is_checked(tmp_path: Path):
    assert web_config(tmp_path).web.page_cache_mb == 12
    assert web_config(tmp_path, page_cache_mb=0).web.page_cache_mb == 0
    for wrong in (-1, 65):
        with pytest.raises(ConfigError, match="page_cache_mb"):
            web_config(tmp_path, page_cache_mb=wrong)
