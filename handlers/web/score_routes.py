"""The transparency score on the web (issue 13 §8): the ranking of a quarter with each score's
inputs beside it, the formula page, and the same ranking as JSON. Public: counted from
published items and topic dates only, no person named."""

from __future__ import annotations

import json

from aiohttp import web

from bot.core.periods import Period
from bot.services.people import Denied
from bot.services.scores.formula import WEIGHTS
from bot.services.scores.scoring import Scores
from bot.web_render.score_view import formula_view, ranking_json
from handlers.web.api import ApiError, api, api_township
from handlers.web.keys import SERVICES
from handlers.web.respond import conditional, html_page, language_of


def _period(scores: Scores, text: str) -> tuple[Period, str | None]:
    """The quarter asked for, or the last complete one and the text that was not a quarter."""
    try:
        return scores.period(text or None), None
    except Denied:
        return scores.default_period(), text


async def ranking(request: web.Request) -> web.Response:
    """GET /score?period=2026Q3: every village's rank, score and inputs for the quarter."""
    language = language_of(request)
    scores = Scores(request.app[SERVICES].ctx)
    text = (request.query.get("period") or "").strip()[:20]
    period, bad = _period(scores, text)
    return html_page(
        request,
        "score.html",
        language,
        period=period,
        period_text=text if bad is None else "",
        bad_period=bad,
        ranked=scores.ranking(None, period),
        weights=WEIGHTS,
    )


async def formula(request: web.Request) -> web.Response:
    """GET /score/formula: the inputs, their weights, the minimum sample and an example."""
    language = language_of(request)
    view = formula_view(request.app[SERVICES].config)
    return html_page(request, "score_formula.html", language, formula=view)


@api
async def scores_api(request: web.Request) -> web.Response:
    """GET /api/v1/scores?period=2026Q3: the ranking as JSON (default: last complete quarter)."""
    scores = Scores(request.app[SERVICES].ctx)
    try:
        period = scores.period(request.query.get("period", "")[:20] or None)
    except Denied:
        message = "period must be a quarter that has begun, like 2026Q3"
        raise ApiError(400, "bad_period", message) from None
    within = api_township(request)  # ?township=: that township's villages (issue 13 §1)
    codes = None if within is None else sorted(within)
    document = ranking_json(period.text, scores.ranking(codes, period))
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return conditional(request, body, "application/json")


def add_routes(app: web.Application) -> None:
    """Before the API's catch-all 404."""
    app.router.add_get("/score", ranking)
    app.router.add_get("/score/formula", formula)
    app.router.add_get("/api/v1/scores", scores_api)
