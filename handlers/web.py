"""The aiohttp web app: health check and the Telegram webhook (public pages come later)."""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web

from bot.delivery.inbox import UpdateInbox
from bot.services.bundle import Services
from storage import inbox, outbox

log = logging.getLogger(__name__)

SERVICES = web.AppKey("services", Services)
INBOX = web.AppKey("inbox", UpdateInbox)
MAX_UPDATE_BYTES = 1 << 20


async def healthz(request: web.Request) -> web.Response:
    """Liveness with a small status: villages and queue sizes."""
    services = request.app[SERVICES]
    db = services.store.db
    return web.json_response(
        {
            "status": "ok",
            "township": services.config.township.name,
            "villages": len(services.membership.villages()),
            "inbox": inbox.counts(db),
            "outbox": outbox.counts(db),
        }
    )


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
        update = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError) as exc:
        raise web.HTTPBadRequest(text="body is not JSON") from exc
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        raise web.HTTPBadRequest(text="not a Telegram update")
    request.app[INBOX].accept([update])
    return web.json_response({"ok": True})


def make_app(services: Services, update_inbox: UpdateInbox) -> web.Application:
    """Build the web application (app-factory idiom)."""
    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app[SERVICES] = services
    app[INBOX] = update_inbox
    app.router.add_get("/healthz", healthz)
    if services.config.telegram.mode == "webhook":
        app.router.add_post(services.config.telegram.webhook_path, telegram_webhook)
    return app
