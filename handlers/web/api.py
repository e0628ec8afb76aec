"""The read-only JSON API under /api/v1/ (masked exactly like the pages) and its OpenAPI
document. Errors are JSON too: {"error": {"code", "message"}}."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.core.pages import CURSOR_MAX, BadCursor, Page, decode_cursor, encode_cursor
from bot.services.disclosures.disclosure_pages import PAGE_MAX
from bot.services.people import Denied
from bot.web_render import api_json, disclosures_openapi, topics_json
from bot.web_render.topic_sections import topic_board_of
from handlers.web.disclosure_routes import ID_ROUTE, base_url, board, dated, village_of
from handlers.web.keys import SERVICES
from handlers.web.respond import conditional
from handlers.web.township_query import UnknownTownship, township_villages

JSON = "application/json"
DEFAULT_LIMIT = 20


def _dump(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _error(status: int, code: str, message: str) -> web.Response:
    return web.Response(
        status=status,
        body=_dump(api_json.error(code, message)),
        content_type=JSON,
        charset="utf-8",
        headers={"Cache-Control": "no-store"},
    )


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.response = _error(status, code, message)


def _limit(request: web.Request) -> int:
    text = request.query.get("limit")
    if text is None:
        return DEFAULT_LIMIT
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= PAGE_MAX:
        raise ApiError(400, "bad_limit", f"limit must be a whole number from 1 to {PAGE_MAX}")
    return int(text)


def _cursor(request: web.Request) -> str | None:
    cursor = request.query.get("cursor")
    if cursor is not None and (not cursor or len(cursor) > CURSOR_MAX):
        raise ApiError(400, "bad_cursor", "this cursor was not handed out here")
    return cursor


def _json(request: web.Request, document: Any) -> web.Response:
    return conditional(request, _dump(document), JSON)


def api(handler):
    """Turn ApiError into its JSON answer."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as failed:
            return failed.response

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


# -- villages: a handful, paginated by code --------------------------------------------------


def _after_village(cursor: str) -> str:
    try:
        tag, code = decode_cursor(cursor, 2)
    except BadCursor:
        tag = code = ""
    if tag != "v":
        raise ApiError(400, "bad_cursor", "this cursor was not handed out here")
    return code


@api
async def villages(request: web.Request) -> web.Response:
    """GET /api/v1/villages: every village (of `?township=`) with its figures and quarter status."""
    limit, cursor = _limit(request), _cursor(request)
    within = api_township(request)
    after = "" if cursor is None else _after_village(cursor)
    # A county's figures are counted for the page's villages only (and the one after it).
    codes = request.app[SERVICES].membership.page_of_villages(after, limit + 1, within)
    figures = board(request).figures(codes)
    page = Page.of(figures, limit, lambda last: encode_cursor("v", last.code))
    url = base_url(request)
    return _json(
        request,
        {"items": [api_json.village(f, url) for f in page.items], "next_cursor": page.next_cursor},
    )


def api_township(request: web.Request) -> frozenset[str] | None:
    """The villages of `?township=` (None: every village); an unknown code is a JSON 404."""
    try:
        return township_villages(request)
    except UnknownTownship:
        raise ApiError(404, "unknown_township", "no such township") from None


def in_township(request: web.Request, village_code: str) -> None:
    """A village route (or an item of a village) asked with `?township=` must be of it."""
    within = api_township(request)
    if within is not None and village_code not in within:
        raise ApiError(404, "not_in_township", "not a village of this township")


@api
async def village_disclosures(request: web.Request) -> web.Response:
    """GET /api/v1/villages/<code>/disclosures: published versions, newest first."""
    found = village_of(request)
    if found is None:
        raise ApiError(404, "unknown_village", "no such village")
    in_township(request, found.code)
    limit, cursor = _limit(request), _cursor(request)
    category = request.query.get("category") or None
    try:
        page = board(request).page(
            village_code=found.code, category=category, cursor=cursor, limit=limit
        )
    except BadCursor:
        raise ApiError(400, "bad_cursor", "this cursor was not handed out here") from None
    url = base_url(request)
    return _json(
        request,
        {"items": [api_json.item(i, url) for i in page.items], "next_cursor": page.next_cursor},
    )


@api
async def disclosure(request: web.Request) -> web.Response:
    """GET /api/v1/disclosures/<id>: one published version in full (names masked)."""
    found = board(request).disclosure(int(request.match_info["id"]))
    if found is None:
        raise ApiError(404, "unknown_disclosure", "no such published disclosure")
    in_township(request, found.village_code)
    body = _dump(api_json.disclosure(found, base_url(request)))
    return dated(request, body, JSON, found.published_at)


@api
async def stats(request: web.Request) -> web.Response:
    """GET /api/v1/stats: counts of published disclosures and of the quarter's statuses, and
    the point-topic figures of a period (`?period=`, default the current quarter)."""
    topics = topic_board_of(request.app[SERVICES])
    try:
        topic_period = topics.period(request.query.get("period", "")[:20] or None)
    except Denied:
        raise ApiError(400, "bad_period", "period must look like 2026, 2026Q3 or 2026-05") from None
    within = api_township(request)
    figures = board(request).figures(None if within is None else sorted(within))
    # A county's whole view is one row per township, as its /stats page (STAT-11): 15 rows a
    # phone or a dashboard reads at once, not 300; ?township= lists that township's villages.
    by_township = request.app[SERVICES].config.is_county and within is None
    if by_township:
        topic_stats = topics.county_stats(topic_period)
    else:
        topic_stats = topics.stats(topic_period, within=within)
    totals = {k: 0 for k in ("published", "superseded", "finance", "subsidy", "notice")}
    states = dict.fromkeys(disclosures_openapi.QUARTER_STATES, 0)
    period = figures[0].quarter.period if figures else ""
    for f in figures:
        for k in totals:
            totals[k] += getattr(f, k)
        states[f.quarter.state] += 1
    return _json(
        request,
        {
            "township": request.app[SERVICES].config.township.name,
            "villages": len(figures),
            "disclosures": totals,
            "quarter": {"period": period, **states},
            "topics": topics_json.stats(
                topic_stats.period, list(topic_stats.rows), topic_stats.total, by_township
            ),
        },
    )


async def openapi(request: web.Request) -> web.Response:
    """GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API."""
    township = request.app[SERVICES].config.township.name
    return _json(request, disclosures_openapi.openapi(base_url(request), township))


async def unknown(request: web.Request) -> web.Response:
    """Anything else under /api/: a JSON 404."""
    return _error(404, "not_found", "no such API path; see /api/v1/openapi.json")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/villages", villages)
    app.router.add_get("/api/v1/villages/{code}/disclosures", village_disclosures)
    app.router.add_get(f"/api/v1/disclosures/{ID_ROUTE}", disclosure)
    app.router.add_get("/api/v1/stats", stats)
    app.router.add_get("/api/v1/openapi.json", openapi)
    app.router.add_route("*", "/api/{tail:.*}", unknown)
