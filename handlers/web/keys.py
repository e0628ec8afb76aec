"""Typed application keys and the run-time facts the web app is given by run.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from bot.delivery.update_inbox import UpdateInbox
from bot.services.bundle import Services
from bot.web_render.page_sections import BoardSections


@dataclass(frozen=True, slots=True)
class WebContext:
    """What only the running process knows.

    bot_username: the bot's @username (from getMe), for join links and QR codes.
    sandbox_api: the Bot API emulator's origin (e.g. http://127.0.0.1:40123) when running the
        sandbox; `/sandbox` exists only then. None in serve mode.
    loops: which of the process's loops (poller, inbox, outbox) are running, for /healthz;
        None when the web app runs without them (some tests).
    """

    bot_username: str = ""
    sandbox_api: str | None = None
    loops: Callable[[], dict[str, bool]] | None = None


SERVICES = web.AppKey("services", Services)
INBOX = web.AppKey("inbox", UpdateInbox)
CONTEXT = web.AppKey("web_context", WebContext)
SECTIONS = web.AppKey("board_sections", BoardSections)
SANDBOX_HTTP = web.AppKey("sandbox_http", aiohttp.ClientSession)
