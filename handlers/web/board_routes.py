"""The public pages: the township index and each village's board (read-only, no login)."""

from __future__ import annotations

from aiohttp import web

from bot.services.people import Denied
from bot.web_render.page_sections import county_index, township_index, village_board
from bot.web_render.qr import join_link, qr_svg
from bot.web_render.score_view import index_ranking
from handlers.web.keys import CONTEXT, SECTIONS, SERVICES
from handlers.web.respond import conditional, html_page, language_of
from storage.villages import Village


async def index(request: web.Request) -> web.Response:
    """GET /: every village with what is known about it; a county's townships instead."""
    language = language_of(request)
    services = request.app[SERVICES]
    if services.config.is_county:
        view = county_index(services, request.app[SECTIONS], language)
        ranking = index_ranking(services.ctx)
        return html_page(request, "county.html", language, county=view, score_ranking=ranking)
    view = township_index(services, request.app[SECTIONS], language)
    ranking = index_ranking(services.ctx)
    return html_page(request, "index.html", language, index=view, score_ranking=ranking)


async def township(request: web.Request) -> web.Response:
    """GET /z/<code>: one township of a county with its villages (`/t/` is a topic's page)."""
    language = language_of(request)
    code = request.match_info["code"]
    services = request.app[SERVICES]
    view = township_index(services, request.app[SECTIONS], language, code)
    if view is None:
        return html_page(request, "not_found.html", language, status=404, township_code=code)
    ranking = index_ranking(services.ctx, services.config.township_villages(code))
    return html_page(request, "index.html", language, index=view, score_ranking=ranking)


def _village(request: web.Request) -> Village | None:
    try:
        return request.app[SERVICES].membership.village(request.match_info["code"])
    except Denied:
        return None


def _unknown_village(request: web.Request, language: str) -> web.Response:
    code = request.match_info["code"]
    return html_page(request, "not_found.html", language, status=404, village_code=code)


async def village(request: web.Request) -> web.Response:
    """GET /v/<code>: one village's board."""
    language = language_of(request)
    found = _village(request)
    if found is None:
        return _unknown_village(request, language)
    view = village_board(
        request.app[SERVICES],
        request.app[SECTIONS],
        found,
        request.app[CONTEXT].bot_username,
        language,
    )
    return html_page(request, "village.html", language, board=view)


async def join_qr(request: web.Request) -> web.Response:
    """GET /v/<code>/join.svg: the QR code of the village's join link."""
    found = _village(request)
    username = request.app[CONTEXT].bot_username
    if found is None or not username:
        raise web.HTTPNotFound()
    link = join_link(username, found.code)
    return conditional(request, qr_svg(link, title=found.name), "image/svg+xml", charset=None)
