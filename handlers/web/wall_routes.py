"""Point-topic requests on the web: a topic's page, a village's feedback wall (回音壁) with
filters and pages, the statistics page with SVG charts, and the favicon.

What is public is decided by `bot/services/topics/wall_pages.py` (PT-04, PT-10, SEC-04); unknown
receipts are a 404.
"""

from __future__ import annotations

from functools import cache, partial
from urllib.parse import urlencode

from aiohttp import web

from bot.core.local_time import local_time
from bot.core.pages import BadCursor
from bot.core.periods import previous_quarter, quarter_of
from bot.services.people import Denied
from bot.services.topics.wall_pages import WALL_STATUSES, TopicBoard
from bot.web_render.templates import STATIC
from bot.web_render.topic_sections import (
    category_name,
    days_text,
    post_views,
    ratio_text,
    stats_view,
    status_text,
    step_text,
    timely_text,
    topic_board_of,
)
from handlers.web.disclosure_routes import village_of
from handlers.web.keys import SERVICES
from handlers.web.respond import conditional, html_page, language_of
from handlers.web.township_query import UnknownTownship, township_villages

WALL_PAGE = 10
FAVICON = STATIC / "favicon.svg"


def topic_board(request: web.Request) -> TopicBoard:
    return topic_board_of(request.app[SERVICES])


def helpers(request: web.Request, language: str) -> dict:
    """What the topic templates use to show values in the reader's language."""
    tz = request.app[SERVICES].config.township.tz
    return {
        "when": lambda moment: local_time(moment, tz),
        "day": lambda moment: local_time(moment, tz)[:10],
        "category_name": lambda code: category_name(language, code),
        "status_text": lambda status, reopened=0: status_text(language, status, reopened),
        "timely": lambda on_time: timely_text(language, on_time),
        "step_text": lambda step: step_text(language, step),
    }


async def topic(request: web.Request) -> web.Response:
    """GET /t/<receipt>: one topic — in full once answered or declined, else only its state."""
    language = language_of(request)
    found = topic_board(request).topic(request.match_info["receipt"])
    if found is None:
        raise web.HTTPNotFound()
    asked = request.app[SERVICES].disclosures.line_questions.asked_about(found.receipt)
    return html_page(
        request, "topic.html", language, t=found, asked=asked, **helpers(request, language)
    )


def _wall_link(code: str, **query: str | None) -> str:
    kept = {k: v for k, v in query.items() if v}
    return f"/v/{code}/wall" + (f"?{urlencode(kept)}" if kept else "")


async def wall(request: web.Request) -> web.Response:
    """GET /v/<code>/wall?category=&status=&cursor=: the whole wall, filtered, page by page."""
    language = language_of(request)
    found = village_of(request)
    if found is None:
        code = request.match_info["code"]
        return html_page(request, "not_found.html", language, status=404, village_code=code)
    board = topic_board(request)
    category = request.query.get("category") or None
    if category not in board.categories:
        category = None
    status = request.query.get("status") or None
    if status not in WALL_STATUSES:
        status = None
    cursor = request.query.get("cursor")
    try:
        page = board.wall(
            village_code=found.code,
            category=category,
            status=status,
            cursor=cursor,
            limit=WALL_PAGE,
        )
    except BadCursor:
        raise web.HTTPFound(_wall_link(found.code, category=category, status=status)) from None
    lang = request.query.get("lang") if request.query.get("lang") in ("zh-CN", "en") else None
    return html_page(
        request,
        "wall.html",
        language,
        village=found,
        page=page,
        views=post_views(page.items, board.tz),
        categories=board.categories,
        statuses=tuple(WALL_STATUSES),
        category=category,
        wall_status=status,
        first_page=cursor is None,
        wall_link=lambda **q: _wall_link(found.code, lang=lang, **q),
        **helpers(request, language),
    )


async def stats(request: web.Request) -> web.Response:
    """GET /stats?village=&period=: per village and period, as SVG charts and tables."""
    language = language_of(request)
    services = request.app[SERVICES]
    board = topic_board(request)
    try:
        within = township_villages(request)
    except UnknownTownship as unknown:
        return html_page(
            request, "not_found.html", language, status=404, township_code=unknown.code
        )
    config, code = services.config, request.query.get("village") or None
    township_code = request.query.get("township") if within is not None else None
    if config.is_county and within is None and code and (place := config.township_of(code)):
        # One village asked county-wide: the choice around it is its own township's villages.
        township_code, within = place.code, frozenset(config.township_villages(place.code))
    # A county-wide view offers its townships to choose from, not a list of 300 villages.
    county_wide = config.is_county and within is None
    villages = [] if county_wide else services.membership.villages()
    villages = [v for v in villages if within is None or v.code in within]
    if code not in {v.code for v in villages}:
        code = None
    period_text = (request.query.get("period") or "").strip()[:20]
    bad_period = None
    try:
        period = board.period(period_text or None)
    except Denied:
        bad_period = period_text
        period = board.period(None)
    # A county's whole view is one row per township, each linking to its villages (STAT-11).
    found = board.county_stats(period) if county_wide else board.stats(period, code, within)
    view = stats_view(language, found)
    today = board.today()
    shortcuts = (
        ("web.stats_page.this_quarter", quarter_of(today).text),
        ("web.stats_page.last_quarter", previous_quarter(today).text),
        ("web.stats_page.this_year", str(today.year)),
        ("web.stats_page.last_year", str(today.year - 1)),
    )
    return html_page(
        request,
        "stats_page.html",
        language,
        status=400 if bad_period is not None else 200,
        view=view,
        villages=villages,
        townships=config.all_townships if county_wide else (),
        village_code=code,
        township_code=township_code,
        period_text=period_text if bad_period is None else bad_period,
        bad_period=bad_period,
        shortcuts=shortcuts,
        rate=ratio_text,
        **_language_helpers(language),
    )


@cache
def _language_helpers(language: str) -> dict[str, object]:
    """The statistics page's text helpers for a language, the same objects every time: its
    tables are a part rendered once for what it shows, and the helpers are part of that."""
    return {
        "category_name": partial(category_name, language),
        "days_text": partial(days_text, language),
    }


async def favicon(request: web.Request) -> web.Response:
    """GET /favicon.ico: the site's small SVG icon (browsers ask for it on their own)."""
    return conditional(request, FAVICON.read_bytes(), "image/svg+xml", charset=None)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/t/{receipt}", topic)
    app.router.add_get("/v/{code}/wall", wall)
    app.router.add_get("/stats", stats)
    app.router.add_get("/favicon.ico", favicon)
