"""The JSON API's topic side: a village's feedback wall and one topic, masked exactly like the
pages (the same `TopicBoard` values). Registered before the API's catch-all 404."""

from __future__ import annotations

from aiohttp import web

from bot.core.pages import BadCursor
from bot.services.topics.wall_pages import WALL_STATUSES
from bot.web_render import topics_json
from handlers.web.api import ApiError, _cursor, _json, _limit, api, in_township
from handlers.web.disclosure_routes import base_url, village_of
from handlers.web.wall_routes import topic_board


@api
async def village_topics(request: web.Request) -> web.Response:
    """GET /api/v1/villages/<code>/topics: the wall, newest answer first, by cursor."""
    found = village_of(request)
    if found is None:
        raise ApiError(404, "unknown_village", "no such village")
    in_township(request, found.code)
    limit, cursor = _limit(request), _cursor(request)
    board = topic_board(request)
    category = request.query.get("category") or None
    if category is not None and category not in board.categories:
        raise ApiError(
            400, "bad_category", "category must be one of " + ", ".join(board.categories)
        )
    status = request.query.get("status") or None
    if status is not None and status not in WALL_STATUSES:
        raise ApiError(400, "bad_status", "status must be answered or declined")
    try:
        page = board.wall(
            village_code=found.code, category=category, status=status, cursor=cursor, limit=limit
        )
    except BadCursor:
        raise ApiError(400, "bad_cursor", "this cursor was not handed out here") from None
    url = base_url(request)
    return _json(
        request,
        {
            "items": [topics_json.wall_post(p, url) for p in page.items],
            "next_cursor": page.next_cursor,
        },
    )


@api
async def topic(request: web.Request) -> web.Response:
    """GET /api/v1/topics/<receipt>: one topic (only its state while never answered)."""
    found = topic_board(request).topic(request.match_info["receipt"][:40])
    if found is None:
        raise ApiError(404, "unknown_topic", "no such topic")
    in_township(request, found.village_code)
    return _json(request, topics_json.topic(found, base_url(request)))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/villages/{code}/topics", village_topics)
    app.router.add_get("/api/v1/topics/{receipt}", topic)
