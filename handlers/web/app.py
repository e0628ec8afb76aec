"""The app factory: routes, middleware and the resources the web app holds."""

from __future__ import annotations

from aiohttp import web

from bot.delivery.update_inbox import UpdateInbox
from bot.services.bundle import Services
from bot.web_render.disclosure_sections import add_disclosure_sections
from bot.web_render.page_sections import BoardSections, default_sections
from bot.web_render.templates import STATIC
from bot.web_render.topic_sections import add_topic_sections
from handlers.web import (
    api,
    api_topics,
    board_routes,
    disclosure_routes,
    health,
    metrics_page,
    sandbox_page,
    score_routes,
    wall_routes,
    webhook,
)
from handlers.web.keys import CONTEXT, INBOX, SECTIONS, SERVICES, WebContext
from handlers.web.middleware import error_pages, security_headers
from handlers.web.page_cache import PAGES, PageCache, page_cache
from handlers.web.respond import CLOCK, ContentClock

SANDBOX_UPLOAD_BYTES = 20 * 1024 * 1024


def make_app(
    services: Services,
    update_inbox: UpdateInbox,
    context: WebContext | None = None,
    *,
    sections: BoardSections | None = None,
) -> web.Application:
    """Build the web application (app-factory idiom).

    `context` carries what only the running process knows (the bot's username, the emulator in
    sandbox mode); `sections` are the pluggable page parts (defaults: `default_sections()` with
    the disclosures' and topics' parts added).
    """
    context = context or WebContext()
    sandbox = context.sandbox_api is not None
    app = web.Application(
        client_max_size=SANDBOX_UPLOAD_BYTES if sandbox else webhook.MAX_UPDATE_BYTES,
        middlewares=[error_pages, page_cache],
    )
    app[SERVICES] = services
    app[INBOX] = update_inbox
    app[CONTEXT] = context
    app[SECTIONS] = sections or add_topic_sections(add_disclosure_sections(default_sections()))
    app[CLOCK] = ContentClock()
    if services.config.web.page_cache_mb:
        app[PAGES] = PageCache(services.config.web.page_cache_mb * 1024 * 1024)
    app.on_response_prepare.append(security_headers)

    app.router.add_get("/healthz", health.healthz)
    app.router.add_get("/metrics", metrics_page.metrics_page)
    if services.config.telegram.mode == "webhook":
        app.router.add_post(services.config.telegram.webhook_path, webhook.telegram_webhook)
    app.router.add_get("/", board_routes.index)
    app.router.add_get("/z/{code}", board_routes.township)
    app.router.add_get("/v/{code}", board_routes.village)
    app.router.add_get("/v/{code}/join.svg", board_routes.join_qr)
    disclosure_routes.add_routes(app)
    wall_routes.add_routes(app)
    api_topics.add_routes(app)  # before the API's catch-all 404
    score_routes.add_routes(app)  # likewise
    api.add_routes(app)
    app.router.add_static("/static/", STATIC, append_version=False)
    if sandbox:
        sandbox_page.add_routes(app)
    return app
