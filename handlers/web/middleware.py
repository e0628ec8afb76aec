"""What every response gets: security headers, and localized error pages instead of bare text."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from handlers.web.respond import html_page, language_of

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: every response, static files and errors included."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def _wants_page(request: web.Request) -> bool:
    """Error pages are for people; machine endpoints keep their plain answers."""
    return request.method in ("GET", "HEAD") and not request.path.startswith(
        ("/sandbox/api/", "/api/", "/healthz")
    )


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """404 and unexpected errors as localized pages (the webhook's own answers pass through)."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        if not _wants_page(request):
            raise
        return html_page(request, "not_found.html", language_of(request), status=404)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("error serving %s %s", request.method, request.path)
        if not _wants_page(request):
            raise
        return html_page(request, "error.html", language_of(request), status=500)
