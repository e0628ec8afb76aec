"""Read timeouts of the web server: a client that sends its request too slowly is cut off
instead of holding a connection (and memory) open (issue "Trust" §5)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from bot.config import WebConfig


def runner_options(settings: WebConfig) -> dict[str, Any]:
    """Options of `web.AppRunner`: aiohttp closes a connection whose next request has not
    arrived whole (request line and headers) within its keep-alive timeout."""
    return {"keepalive_timeout": settings.header_timeout_seconds}


def body_read_timeout(seconds: float):
    """A middleware reading a request's body within `seconds` (408 otherwise), before the
    handler sees it; the handler's `read()`/`json()` then answer from what was read.

    Multipart forms are left to their handler, which streams them.
    """

    @web.middleware
    async def read_in_time(request: web.Request, handler) -> web.StreamResponse:
        if request.body_exists and not request.content_type.startswith("multipart/"):
            try:
                async with asyncio.timeout(seconds):
                    await request.read()
            except TimeoutError:
                raise web.HTTPRequestTimeout(text="request body too slow") from None
        return await handler(request)

    return read_in_time
