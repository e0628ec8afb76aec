"""The public pages in headless Chromium: phone and desktop, screenshots, no script runs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from bot.services.bundle import Services
from storage.db import Store
from tests.browser import DESKTOP, PHONE, browser, open_page, screenshot
from tests.test_web_pages import EVIL_VILLAGE, build, join, web_config

__all__ = ["browser"]  # the fixture, imported for pytest


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = Store(str(tmp_path / "village.db"))
    built = Services.build(web_config(tmp_path), store)
    built.membership.sync_config()
    join(built, 1001, "王秀英", "qingshan")
    join(built, 1002, "<img src=x onerror=alert(3)>李", "hexi")
    yield built
    store.close()


@pytest.fixture
async def site(services: Services) -> AsyncIterator[str]:
    server = TestServer(build(services), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_township_index(browser, site, viewport):
    async with open_page(browser, viewport) as tab:
        response = await tab.page.goto(f"{site}/")
        assert response is not None and response.status == 200
        await tab.page.get_by_role("heading", level=1, name="各村村务公开").wait_for()
        cards = tab.page.locator(".card")
        assert await cards.count() == 3
        assert await tab.page.get_by_text(EVIL_VILLAGE, exact=True).count() == 1
        await screenshot(tab, "web-index")
        await tab.assert_readable_on_a_phone()
        tab.assert_clean()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_village_board(browser, site, viewport):
    async with open_page(browser, viewport) as tab:
        await tab.page.goto(f"{site}/")
        await tab.page.get_by_role("link", name="查看青山村公开栏").click()
        await tab.page.get_by_role("heading", level=1, name="青山村村务公开栏").wait_for()
        assert tab.page.url == f"{site}/v/qingshan"
        qr = tab.page.get_by_role("img", name="青山村加入二维码", exact=False)
        assert await qr.evaluate("img => img.complete && img.naturalWidth > 0")
        box = await qr.bounding_box()
        assert box is not None and box["width"] >= 200  # big enough to scan from a screen
        join_button = tab.page.get_by_role("link", name="在 Telegram 中打开")
        href = await join_button.get_attribute("href")
        assert href == "https://t.me/village_test_bot?start=v_qingshan"
        await screenshot(tab, "web-village")
        await tab.assert_readable_on_a_phone()
        tab.assert_clean()


async def test_english_and_the_language_switch(browser, site):
    async with open_page(browser, PHONE, locale="en-US") as tab:
        await tab.page.goto(f"{site}/v/hexi")
        await tab.page.get_by_role("heading", level=1, name="河西村 public board").wait_for()
        await screenshot(tab, "web-village-en")
        await tab.page.get_by_role("link", name="切换到中文").click()
        await tab.page.get_by_role("heading", level=1, name="河西村村务公开栏").wait_for()
        assert await tab.page.evaluate("document.documentElement.lang") == "zh-CN"
        tab.assert_clean()


async def test_hostile_names_show_literally_and_no_script_runs(browser, site):
    async with open_page(browser, PHONE) as tab:
        await tab.page.goto(f"{site}/v/evil")
        heading = tab.page.get_by_role("heading", level=1)
        assert await heading.inner_text() == f"{EVIL_VILLAGE}村务公开栏"
        assert await tab.page.locator("main script, main img[src='x']").count() == 0
        await tab.page.goto(f"{site}/")
        await tab.page.wait_for_load_state("load")
        await screenshot(tab, "web-index-hostile")
        tab.assert_clean()


async def test_pages_work_without_javascript(browser, site):
    async with open_page(browser, PHONE, javascript=False) as tab:
        await tab.page.goto(f"{site}/")
        await tab.page.get_by_role("link", name="查看河西村公开栏").click()
        await tab.page.get_by_role("heading", level=1, name="河西村村务公开栏").wait_for()
        response = await tab.page.goto(f"{site}/nowhere")
        assert response is not None and response.status == 404
        await tab.page.get_by_role("heading", level=1, name="页面不存在").wait_for()
        await screenshot(tab, "web-404")
        tab.assert_clean(allow=("status of 404",))
