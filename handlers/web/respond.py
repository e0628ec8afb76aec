"""Rendering a page for one request: its language, links that keep it, ETag and Last-Modified."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.i18n import LANGUAGES
from bot.web_render.language import choose_language
from bot.web_render.templates import render
from handlers.web.keys import CONTEXT, SERVICES

HTML = "text/html"
PAGE_CACHE = "no-cache"  # keep a copy, but ask each time (cheap with ETag / 304)


@dataclass(slots=True)
class ContentClock:
    """When each page's content was first seen as it is now: the honest Last-Modified.

    The pages are computed from the database on every request; a page's Last-Modified is the
    moment this process first served its current content (its ETag). After a restart the clock
    starts again, which only makes browsers fetch a page once more.
    """

    limit: int = 2048
    _seen: OrderedDict[str, tuple[str, datetime]] = field(default_factory=OrderedDict)

    def modified(self, key: str, etag: str) -> datetime:
        known = self._seen.get(key)
        if known is None or known[0] != etag:
            known = (etag, datetime.now(UTC).replace(microsecond=0))
            self._seen[key] = known
        self._seen.move_to_end(key)
        while len(self._seen) > self.limit:
            self._seen.popitem(last=False)
        return known[1]


CLOCK = web.AppKey("content_clock", ContentClock)


def language_of(request: web.Request) -> str:
    """`?lang=` first, then Accept-Language, then the township's default language."""
    default = request.app[SERVICES].config.township.default_language
    return choose_language(
        request.query.get("lang"), request.headers.get("Accept-Language"), default
    )


def page_context(request: web.Request, language: str) -> dict[str, Any]:
    """What the base layout needs: township, links that keep an explicit language, the switch."""
    explicit = request.query.get("lang") in LANGUAGES

    def link(path: str) -> str:
        return f"{path}?lang={language}" if explicit else path

    other = next(code for code in LANGUAGES if code != language)
    return {
        "township": request.app[SERVICES].config.township.name,
        "bot_username": request.app[CONTEXT].bot_username,
        "link": link,
        "explicit_language": explicit,
        "other_language": other,
        "switch_url": str(request.rel_url.update_query(lang=other)),
    }


def etag_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def not_modified(request: web.Request, etag: str, modified: datetime | None) -> bool:
    """Whether the browser already has this body: its ETag first, else its date."""
    if request.if_none_match is not None:
        return any(tag.value in (etag, "*") for tag in request.if_none_match)
    since = request.if_modified_since
    return since is not None and modified is not None and modified <= since


def conditional(
    request: web.Request, body: bytes, content_type: str, *, charset: str | None = "utf-8"
) -> web.Response:
    """A 200 with ETag and Last-Modified, or a 304 when the browser already has this body."""
    etag = etag_of(body)
    modified = request.app[CLOCK].modified(f"{request.method}:{request.path_qs}", etag)
    headers = {"Cache-Control": PAGE_CACHE, "Vary": "Accept-Language"}
    if not_modified(request, etag, modified):
        response = web.Response(status=304, headers=headers)
    else:
        response = web.Response(
            body=body, content_type=content_type, charset=charset, headers=headers
        )
    response.etag = etag
    response.last_modified = modified
    return response


def html_page(
    request: web.Request, template: str, language: str, *, status: int = 200, **context: Any
) -> web.Response:
    """Render a template for this request; successful pages answer conditional requests."""
    html = render(template, language, **page_context(request, language), **context)
    body = html.encode("utf-8")
    if status != 200:
        return web.Response(
            body=body,
            status=status,
            content_type=HTML,
            charset="utf-8",
            headers={"Cache-Control": "no-store", "Vary": "Accept-Language"},
        )
    return conditional(request, body, HTML)
