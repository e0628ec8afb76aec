"""The public pages: the township index and each village's board (read-only, no login)."""

from __future__ import annotations

from aiohttp import web

from bot.services.people import Denied
from bot.web_render.page_sections import township_index, village_board
from bot.web_render.qr import join_link, qr_svg
from bot.web_render.score_view import index_ranking
from handlers.web.keys import CONTEXT, SECTIONS, SERVICES
from handlers.web.respond import conditional, html_page, language_of
from storage.villages import Village


async def index(request: web.Request) -> web.Response:
    """GET /: every village with what is known about it."""
    language = language_of(request)
    view = township_index(request.app[SERVICES], request.app[SECTIONS], language)
    score_ranking = index_ranking(request.app[SERVICES].ctx)
    return html_page(request, "index.html", language, index=view, score_ranking=score_ranking)


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
