"""POST <webhook_path>: Telegram's pushed updates, stored before we answer."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

from bot.delivery.update_json import read_update
from handlers.web.keys import INBOX, SERVICES

log = logging.getLogger(__name__)

MAX_UPDATE_BYTES = 1 << 20


async def telegram_webhook(request: web.Request) -> web.Response:
    """Store the update before answering 200: Telegram counts it delivered once we answer."""
    expected = request.app[SERVICES].config.telegram.webhook_secret
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        log.warning("webhook call with a wrong secret from %s", request.remote)
        raise web.HTTPForbidden(text="wrong secret token")
    if (request.content_length or 0) > MAX_UPDATE_BYTES:
        raise web.HTTPRequestEntityTooLarge(MAX_UPDATE_BYTES, request.content_length or 0)
    try:
        # One nested too deeply is read as a stand-in, to be parked: answering with an error
        # would make Telegram send it again and hold back every update after it.
        update = read_update((await request.read()).decode("utf-8", "replace"))
    except ValueError as exc:
        raise web.HTTPBadRequest(text="body is not JSON") from exc
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        raise web.HTTPBadRequest(text="not a Telegram update")
    request.app[INBOX].accept([update])  # never fails for a bad update: it is parked
    return web.json_response({"ok": True})
