"""The `/score` answer in chat: each village's rank and score with its inputs beside it."""

from __future__ import annotations

from bot.core.periods import Period
from bot.i18n import t
from bot.services.scores.formula import NOT_DUE, TOO_FEW, Input
from bot.services.scores.ranking import Ranked


def input_text(language: str, item: Input) -> str:
    """One input as shown beside a score: its value, or why it is left out."""
    if item.value is not None:
        return t(language, "score.value", value=item.shown)
    if item.missing == TOO_FEW:
        return t(language, "score.too_few", count=item.counted)
    if item.missing == NOT_DUE:
        return t(language, "score.not_due")
    return t(language, "score.nothing")


def score_lines(language: str, period: Period, ranked: list[Ranked], formula_url: str) -> str:
    """The ranking (or one village's line) for a quarter, and where the formula is explained."""
    lines = [t(language, "score.header", period=period.text)]
    for row in ranked:
        v = row.village
        inputs = t(language, "score.separator").join(
            t(language, f"score.input.{i.key}") + " " + input_text(language, i) for i in v.inputs
        )
        if v.score is None:
            head = t(language, "score.line_none", name=v.name)
        else:
            head = t(language, "score.line", rank=row.rank, name=v.name, score=str(v.score))
        lines.append(f"{head}\n    {inputs}")
    if not ranked:
        lines.append(t(language, "score.no_villages"))
    lines.append(t(language, "score.formula_link", url=formula_url))
    return "\n".join(lines)
