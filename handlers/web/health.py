"""GET /healthz: liveness with a small status."""

from __future__ import annotations

from aiohttp import web

from handlers.web.keys import SERVICES
from storage import inbox, outbox


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
