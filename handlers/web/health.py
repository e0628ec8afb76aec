"""GET /healthz: 200 while the bot works, 503 with the reasons when it does not."""

from __future__ import annotations

from aiohttp import web

from handlers.web.keys import CONTEXT, SERVICES
from storage import inbox, metrics, outbox
from storage.times import utcnow

# A message due this long ago and still not sent means the outbox is stuck (or Telegram is).
MAX_OUTBOX_LAG_SECONDS = 300.0


async def healthz(request: web.Request) -> web.Response:
    """The loops that must run, the outbox lag and queue sizes; unhealthy (503) when a loop
    has stopped or the outbox lags more than MAX_OUTBOX_LAG_SECONDS."""
    services = request.app[SERVICES]
    db = services.store.db
    loops_of = request.app[CONTEXT].loops
    loops = loops_of() if loops_of else {}
    lag = metrics.outbox_lag_seconds(db, utcnow())
    problems = [f"{name} loop is not running" for name, running in loops.items() if not running]
    if lag > MAX_OUTBOX_LAG_SECONDS:
        problems.append(f"outbox lags {lag:.0f}s behind")
    return web.json_response(
        {
            "status": "unhealthy" if problems else "ok",
            "problems": problems,
            "loops": loops,
            "outbox_lag_seconds": round(lag, 1),
            "township": services.config.township.name,
            "villages": len(services.membership.villages()),
            "inbox": inbox.counts(db),
            "outbox": outbox.counts(db),
        },
        status=503 if problems else 200,
    )
