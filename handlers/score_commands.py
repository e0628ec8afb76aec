"""`/score [quarter]`: the villages' transparency scores with their inputs (township staff),
or the own village's (officials). The service checks the role."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.services.scores.score_text import score_lines
from bot.services.scores.scoring import Scores
from handlers.common import person, refusals, reply, services


@refusals
async def score(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/score [2026Q3]`: ranks, scores and inputs for a quarter (default: the last complete)."""
    who = person(update, context)
    bundle = services(context)
    period, ranked = Scores(bundle.ctx).for_person(who, " ".join(context.args or []) or None)
    formula_url = bundle.config.web.public_url.rstrip("/") + "/score/formula"
    reply(update, context, score_lines(who.language, period, ranked, formula_url))
