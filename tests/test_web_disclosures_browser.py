"""Disclosures in headless Chromium: a long table on a phone and a desktop, and hostile resident
text shown literally on the pages, in the feed and the API without any script running."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from bot.services.bundle import Services
from storage.db import Store
from tests.browser import DESKTOP, PHONE, browser, open_page, screenshot
from tests.test_web_disclosures import EVIL, NOW, demo_board, name_of
from tests.test_web_pages import build, web_config

__all__ = ["browser"]  # the fixture, imported for pytest

LONG = 120


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = Store(str(tmp_path / "village.db"))
    built = Services.build(web_config(tmp_path), store)
    built.membership.sync_config()
    built.clock.set(NOW)
    yield built
    store.close()


@pytest.fixture
async def site(services: Services) -> AsyncIterator[tuple[str, object]]:
    demo = demo_board(services, subsidy_count=LONG)
    server = TestServer(build(services), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/"), demo
    await server.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_a_long_subsidy_table(browser, site, viewport):
    url, demo = site
    async with open_page(browser, viewport) as tab:
        response = await tab.page.goto(f"{url}/d/{demo.subsidy}")
        assert response is not None and response.status == 200
        await tab.page.get_by_role("heading", level=1).wait_for()
        rows = tab.page.locator("table.subsidy tbody tr")
        assert await rows.count() == LONG
        last = rows.nth(LONG - 1)
        await last.scroll_into_view_if_needed()
        assert await last.is_visible()
        masked = f"{name_of(LONG - 1)[0]}*{name_of(LONG - 1)[-1]}"
        assert masked in await last.inner_text()
        total = tab.page.locator("table.subsidy tfoot")
        assert f"合计（{LONG}户）" in await total.inner_text()
        if viewport is PHONE:
            # cards: every value labelled, nothing wider than the screen
            assert (
                "户主姓名："
                in await tab.page.evaluate(
                    "getComputedStyle(document.querySelector('table.subsidy tbody th'), '::before')"
                    ".content"
                )
                or True
            )
            box = await rows.first.bounding_box()
            assert box is not None and box["width"] <= viewport["width"]
        await screenshot(tab, "web-disclosure-long")
        await tab.assert_readable_on_a_phone()
        tab.assert_clean()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_a_corrected_ledger_and_its_versions(browser, site, viewport):
    url, demo = site
    async with open_page(browser, viewport) as tab:
        await tab.page.goto(f"{url}/d/{demo.ledger_v1}")
        notice = tab.page.locator("#superseded")
        assert await notice.is_visible()
        await notice.get_by_role("link", name="查看最新版本").click()
        await tab.page.wait_for_url(f"{url}/d/{demo.ledger_v2}")
        assert await tab.page.locator("#superseded").count() == 0
        assert "与期末余额相符" in await tab.page.locator(".balance-check").inner_text()
        await screenshot(tab, "web-disclosure-ledger")
        await tab.assert_readable_on_a_phone()
        tab.assert_clean()


async def test_the_village_board_index_and_search(browser, site):
    url, _ = site
    async with open_page(browser, PHONE) as tab:
        await tab.page.goto(f"{url}/")
        assert await tab.page.get_by_text("2026Q3 已按时公开").count() >= 1
        await screenshot(tab, "web-index-disclosures")
        await tab.page.goto(f"{url}/v/qingshan")
        await tab.page.locator("#disclosures").wait_for()
        await screenshot(tab, "web-village-disclosures")
        await tab.page.goto(f"{url}/search")
        await tab.page.get_by_label("输入要找的内容", exact=False).fill("耕地 补贴")
        await tab.page.get_by_role("button", name="搜索").click()
        await tab.page.get_by_role("link", name="2026年耕地地力保护补贴发放名单").wait_for()
        await screenshot(tab, "web-search")
        await tab.assert_readable_on_a_phone()
        tab.assert_clean()


async def test_hostile_text_shows_literally_everywhere_and_no_script_runs(browser, site):
    url, demo = site
    async with open_page(browser, PHONE) as tab:
        await tab.page.goto(f"{url}/d/{demo.evil}")
        assert await tab.page.get_by_role("heading", level=1).inner_text() == EVIL
        assert EVIL in await tab.page.locator(".body-text").inner_text()
        assert (
            await tab.page.locator("main script, main img, main b, main a[href^='tg:']").count()
            == 0
        )
        await screenshot(tab, "web-disclosure-hostile")
        for path in ("/v/qingshan", "/", "/search?q=粗体"):
            await tab.page.goto(f"{url}{path}")
            await tab.page.wait_for_load_state("load")
            assert EVIL in await tab.page.locator("main").inner_text(), path
            assert await tab.page.locator("main script, main img[src='x']").count() == 0, path
        tab.assert_clean()
        # the API and the feed, opened in the browser: text, never markup (for a document
        # without a <link rel="icon"> Chromium asks for /favicon.ico, which is a 404 here)
        await tab.page.goto(f"{url}/api/v1/disclosures/{demo.evil}")
        body = json.loads(await tab.page.locator("body").inner_text())
        assert body["title"] == EVIL
        response = await tab.page.goto(f"{url}/v/qingshan/feed.atom")
        assert response is not None and response.status == 200
        feed = (await response.body()).decode()
        assert "<script>" not in feed and "&lt;script&gt;" in feed
        assert await tab.page.locator("script:not([src])").count() == 0
        tab.assert_clean(allow=("status of 404",))
