"""Browser tests in Debian's headless Chromium, driven by Playwright (never `playwright install`).

Reuse from any test module::

    from tests.browser import DESKTOP, PHONE, browser, open_page, screenshot  # noqa: F401

    async def test_something(browser, some_server):
        async with open_page(browser, PHONE) as tab:
            await tab.page.goto(url)
            await screenshot(tab, "something")
            tab.assert_clean()      # no console errors, CSP violations, page errors or dialogs

`make test` installs `chromium` and `fonts-noto-cjk` when missing. Screenshots go to
`tests/artifacts/` (gitignored), named `<name>-<width>x<height>.png`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Browser, ConsoleMessage, Dialog, Page, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """A headless Chromium for one test."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class Tab:
    """A page plus everything that went wrong in it."""

    page: Page
    viewport: dict[str, int]
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self, *, allow: tuple[str, ...] = ()) -> None:
        """No console errors (CSP violations are logged as errors), page errors or dialogs.

        `allow`: substrings of console errors the test caused on purpose (e.g. a 404 it asked for).
        """
        assert not self.dialogs, f"a script ran and opened dialogs: {self.dialogs}"
        unexpected = [p for p in self.problems if not any(a in p for a in allow)]
        assert not unexpected, unexpected

    async def assert_readable_on_a_phone(self) -> None:
        """Body text at least 18 px and nothing wider than the screen."""
        metrics = await self.page.evaluate(
            """() => ({
                font: parseFloat(getComputedStyle(document.body).fontSize),
                scroll: document.documentElement.scrollWidth,
                width: window.innerWidth,
            })"""
        )
        assert metrics["font"] >= 18, metrics
        assert metrics["scroll"] <= metrics["width"], f"sideways scrolling: {metrics}"


@asynccontextmanager
async def open_page(
    browser: Browser,
    viewport: dict[str, int] = PHONE,
    *,
    locale: str = "zh-CN",
    javascript: bool = True,
) -> AsyncIterator[Tab]:
    """A fresh browser context (no shared cookies or cache) with one watched page."""
    context = await browser.new_context(
        viewport=viewport, locale=locale, java_script_enabled=javascript, device_scale_factor=1
    )
    page = await context.new_page()
    tab = Tab(page, viewport)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            tab.problems.append(f"console: {message.text}")

    async def on_dialog(dialog: Dialog) -> None:
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
    page.on("dialog", on_dialog)
    try:
        yield tab
    finally:
        await context.close()


async def screenshot(tab: Tab, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG under tests/artifacts/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = f"{tab.viewport['width']}x{tab.viewport['height']}"
    path = ARTIFACTS / f"{name}-{size}.png"
    await tab.page.screenshot(path=str(path), full_page=full_page)
    return path
