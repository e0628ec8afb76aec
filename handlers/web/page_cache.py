"""Rendered public pages kept in memory: the same address, language, data and day serve the
bytes already rendered, with their ETag, instead of templates and queries (issue 12).

A page is public and the same for everyone asking it in one language. An entry is keyed on
what else it shows: the data version (raised by SQLite triggers on every table a page reads,
whichever process writes) and the township's local date; it also expires after `TTL`, so
nothing relative to the clock is more than that stale. Memory is bounded in bytes (LRU).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler
from multidict import CIMultiDict

from bot.services.page_state import page_stamp
from handlers.web.keys import SERVICES
from handlers.web.respond import language_of, not_modified

TTL = timedelta(seconds=60)
# Per entry beyond its body: the key, the headers and the objects holding them.
OVERHEAD = 512
# Public GET routes (canonical paths as the router names them) whose 200 answers depend only
# on the address, the language, the data and the day. Not /healthz, /metrics, the webhook, the
# sandbox or static files (tests/test_page_cache.py checks against the permission matrix).
ROUTES = frozenset(
    {
        "/",
        "/z/{code}",
        "/v/{code}",
        "/v/{code}/join.svg",
        "/v/{code}/wall",
        "/v/{code}/feed.atom",
        "/d/{id}",
        "/d/{id}/poster.pdf",
        "/d/{id}/board-photo",
        "/t/{receipt}",
        "/search",
        "/feed.atom",
        "/stats",
        "/score",
        "/score/formula",
        "/favicon.ico",
        "/api/v1/villages",
        "/api/v1/villages/{code}/disclosures",
        "/api/v1/villages/{code}/topics",
        "/api/v1/disclosures/{id}",
        "/api/v1/topics/{receipt}",
        "/api/v1/stats",
        "/api/v1/scores",
        "/api/v1/openapi.json",
    }
)
CONDITIONS = (hdrs.IF_NONE_MATCH, hdrs.IF_MODIFIED_SINCE, hdrs.IF_MATCH, hdrs.IF_UNMODIFIED_SINCE)

Key = tuple[str, str, str, int, date]


@dataclass(frozen=True, slots=True)
class Entry:
    """A rendered 200: its body and the headers its handler set (security headers are added
    to every response when it is sent), with the ETag kept so a hit never hashes again."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    modified: datetime | None
    expires: datetime

    @property
    def size(self) -> int:
        return len(self.body) + OVERHEAD


@dataclass(slots=True)
class PageCache:
    """A byte-bounded LRU of rendered pages; an entry larger than an eighth of the bound is
    not kept (a board photo must not push out every page)."""

    max_bytes: int
    ttl: timedelta = TTL
    size: int = 0
    _stamp: tuple[int, date] | None = None
    _entries: OrderedDict[Key, Entry] = field(default_factory=OrderedDict)

    def at(self, stamp: tuple[int, date]) -> None:
        """Forget every page at once when the data or the day changed (their keys would
        never match again; this only frees their memory sooner)."""
        if stamp != self._stamp:
            self._entries.clear()
            self.size = 0
            self._stamp = stamp

    def get(self, key: Key, now: datetime) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires <= now:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: Key, entry: Entry) -> None:
        if entry.size * 8 > self.max_bytes:
            return
        if key in self._entries:
            self._drop(key)
        self._entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Key) -> bool:
        return key in self._entries

    def _drop(self, key: Key) -> None:
        self.size -= self._entries.pop(key).size


PAGES = web.AppKey("page_cache", PageCache)


def cacheable(request: web.Request) -> bool:
    """A GET or HEAD of a public route listed above."""
    if request.method not in (hdrs.METH_GET, hdrs.METH_HEAD):
        return False
    resource = request.match_info.route.resource
    return resource is not None and resource.canonical in ROUTES


def entry_of(response: web.StreamResponse, expires: datetime) -> Entry | None:
    """What to keep of a handler's answer: a 200 with its whole body in hand, else nothing."""
    if (
        type(response) is not web.Response
        or response.status != 200
        or not isinstance(response.body, bytes)
        or response.etag is None
    ):
        return None
    headers = tuple((name, value) for name, value in response.headers.items())
    return Entry(response.body, headers, response.etag.value, response.last_modified, expires)


def answer(request: web.Request, entry: Entry) -> web.Response:
    """The kept page, or a 304 when the browser already has it (the same rule as
    `respond.conditional`)."""
    if not_modified(request, entry.etag, entry.modified):
        headers = CIMultiDict(entry.headers)
        headers.popall(hdrs.CONTENT_TYPE, None)
        return web.Response(status=304, headers=headers)
    return web.Response(body=entry.body, headers=CIMultiDict(entry.headers))


def unconditional(request: web.Request) -> web.Request:
    """The request without its conditions, so the handler renders the whole page to keep."""
    if not any(name in request.headers for name in CONDITIONS):
        return request
    headers = CIMultiDict(request.headers)
    for name in CONDITIONS:
        headers.popall(name, None)
    return request.clone(headers=headers)


@web.middleware
async def page_cache(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Serve a public page from the cache, or render it and keep it."""
    cache = request.app.get(PAGES)
    if cache is None or not cacheable(request):
        return await handler(request)
    ctx = request.app[SERVICES].ctx
    # The stamp is read before rendering: a page rendered from newer data than its key says
    # is only replaced sooner, never served stale.
    version, day = page_stamp(ctx)
    cache.at((version, day))
    key = (request.method, request.path_qs, language_of(request), version, day)
    now = ctx.now()
    entry = cache.get(key, now)
    if entry is None:
        response = await handler(unconditional(request))
        entry = entry_of(response, now + cache.ttl)
        if entry is None:
            return response
        cache.put(key, entry)
    return answer(request, entry)
