"""Topics on the public board in headless Chromium: a topic with its timeline and the stats page
on a phone and a desktop (screenshots in tests/artifacts/), and a resident's hostile text shown
literally on every page, in the feed and the API with no script running."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date

import pytest
from aiohttp.test_utils import TestServer

from tests.browser import DESKTOP, PHONE, browser, open_page, screenshot
from tests.test_web_pages import build
from tests.test_web_topics import EVIL_TOPIC, World, at, services, wall_world

__all__ = ["browser", "services"]  # fixtures, imported for pytest


@pytest.fixture
def world(services) -> World:
    clock = services.clock
    clock.set(at(date(2026, 10, 1)))
    return wall_world(services, clock)


@pytest.fixture
async def site(world: World) -> AsyncIterator[str]:
    server = TestServer(build(world.services), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_a_topic_with_its_timeline(browser, site, world, viewport):
    async with open_page(browser, viewport) as tab:
        page = tab.page
        await page.goto(f"{site}/v/qingshan")
        await page.get_by_role("heading", level=2, name="回音壁").wait_for()
        await page.get_by_role("link", name=f"点题 {world.answered.receipt}").click()
        await page.get_by_role("heading", level=1, name=f"点题 {world.answered.receipt}").wait_for()
        assert page.url == f"{site}/t/{world.answered.receipt}"
        timeline = page.locator("ol.timeline > li")
        assert await timeline.count() >= 4
        await page.get_by_text("点题人评价：满意").wait_for()
        assert "138****5678" in await page.locator("main").inner_text()
        await screenshot(tab, "web-topic")
        await tab.assert_readable_on_a_phone()

        await page.goto(f"{site}/t/{world.open.receipt}")
        await page.get_by_text("办理期间不公开问题内容", exact=False).wait_for()
        await screenshot(tab, "web-topic-open")
        await page.goto(f"{site}/v/qingshan/wall?status=declined")
        await page.get_by_role("link", name="全部").first.wait_for()
        await screenshot(tab, "web-wall")
        await tab.assert_readable_on_a_phone()
        tab.assert_clean()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_the_stats_page(browser, site, world, viewport):
    async with open_page(browser, viewport) as tab:
        page = tab.page
        await page.goto(f"{site}/")
        await page.get_by_role("link", name="统计").first.click()
        await page.get_by_role("heading", level=1, name="点题办理统计").wait_for()
        await page.get_by_label("期间").fill("2026")
        await page.get_by_role("button", name="查看").click()
        await page.wait_for_url(f"{site}/stats?village=&period=2026")
        charts = page.get_by_role("img", name="2026 各村按时办结率")
        await charts.wait_for()
        box = await charts.bounding_box()
        assert box is not None and box["width"] <= viewport["width"]
        # chart labels stay readable: at least 16 px on any screen
        size = await page.locator(".bar-label").first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert size >= 16
        await screenshot(tab, "web-stats")
        await tab.assert_readable_on_a_phone()
        tab.assert_clean()


async def test_stats_and_topics_without_javascript(browser, site, world):
    async with open_page(browser, PHONE, javascript=False) as tab:
        await tab.page.goto(f"{site}/stats?village=qingshan&period=2026")
        await tab.page.get_by_role("img", name="2026 各村满意率").wait_for()
        await tab.page.get_by_role("link", name="去年（2025）").click()
        await tab.page.get_by_role("heading", level=1, name="点题办理统计").wait_for()
        assert "period=2025" in tab.page.url
        tab.assert_clean()


async def test_hostile_topic_text_is_literal_everywhere_and_no_script_runs(browser, site, world):
    receipt = world.declined.receipt
    pages = [
        "/",
        "/v/qingshan",
        "/v/qingshan/wall",
        "/v/qingshan/wall?category=lowincome",
        f"/t/{receipt}",
        "/search?q=低保",
        "/stats",
    ]
    async with open_page(browser, PHONE) as tab:
        for path in pages:
            response = await tab.page.goto(f"{site}{path}")
            assert response is not None and response.status == 200, path
            await tab.page.wait_for_load_state("load")
            assert await tab.page.locator("main script, main img[src='x'], main b").count() == 0
            if path != "/stats":
                shown = tab.page.get_by_text(EVIL_TOPIC, exact=True)
                assert await shown.count() >= 1, path
        await tab.page.goto(f"{site}/t/{receipt}")
        await screenshot(tab, "web-topic-hostile")
        for path in (f"/api/v1/topics/{receipt}", "/v/qingshan/feed.atom", "/feed.atom"):
            response = await tab.page.goto(f"{site}{path}")
            assert response is not None and response.status == 200, path
            body = await response.text()
            if path.startswith("/api/"):
                assert response.headers["content-type"].startswith("application/json")
                assert json.loads(body)["question"] == EVIL_TOPIC
            else:
                assert "<script>" not in body and "&lt;script&gt;" in body, path
        tab.assert_clean()
