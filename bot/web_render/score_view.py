"""What the score pages and the API show: the formula drawn from `formula.WEIGHTS` itself (so
page and code cannot disagree), and a ranking as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.config import Config
from bot.services.context import Context
from bot.services.scores.formula import (
    EXAMPLE,
    LATE_CREDIT,
    MIN_TOPICS,
    MIN_WEIGHT,
    WEIGHTS,
    Input,
    Weight,
    combine,
)
from bot.services.scores.ranking import Ranked
from bot.services.scores.scoring import Scores


@dataclass(frozen=True, slots=True)
class FormulaRow:
    key: str
    weight: int
    rules: tuple[str, ...]
    how: dict[str, int]  # the numbers its explanation names
    example: Input


@dataclass(frozen=True, slots=True)
class FormulaView:
    rows: tuple[FormulaRow, ...]
    min_topics: int
    min_weight: int
    example_weight: int
    example_score: str


def formula_view(config: Config) -> FormulaView:
    """The formula page: every input with its weight, rules and explanation, and the example
    scored by the same `combine` the ranking uses."""
    numbers = {
        "on_time": {"deadline_day": config.disclosure.deadline_day, "late": LATE_CREDIT},
        "photo": {"photo_days": config.disclosure.board_photo_days},
    }
    rows = tuple(
        FormulaRow(w.key, w.weight, w.rules, numbers.get(w.key, {}), EXAMPLE[w.key])
        for w in WEIGHTS
    )
    counted = sum(w.weight for w in WEIGHTS if EXAMPLE[w.key].value is not None)
    return FormulaView(rows, MIN_TOPICS, MIN_WEIGHT, counted, str(combine(EXAMPLE)))


def input_json(item: Input, weight: int) -> dict[str, Any]:
    return {
        "key": item.key,
        "weight": weight,
        "value": item.shown,
        "good": item.good,
        "counted": item.counted,
        "left_out": item.missing or None,
    }


def ranking_json(period: str, ranked: list[Ranked]) -> dict[str, Any]:
    """`/api/v1/scores`: the quarter, the weights and every village's rank, score and inputs."""
    weights = {w.key: w.weight for w in WEIGHTS}
    return {
        "period": period,
        "weights": weights,
        "min_topics": MIN_TOPICS,
        "min_weight": MIN_WEIGHT,
        "villages": [
            {
                "code": r.village.code,
                "name": r.village.name,
                "rank": r.rank,
                "score": None if r.village.score is None else float(r.village.score),
                "inputs": [input_json(i, weights[i.key]) for i in r.village.inputs],
            }
            for r in ranked
        ],
    }


@dataclass(frozen=True, slots=True)
class IndexRanking:
    """The index page's short ranking: the last complete quarter; beyond `INDEX_ROWS` villages
    (a county) the first and last `INDEX_ROWS // 2` with a score, the whole list on /score."""

    period: str
    ranked: tuple[Ranked, ...]
    weights: tuple[Weight, ...] = WEIGHTS
    total: int = 0  # villages ranked in all (more than shown: the list is cut)

    @property
    def cut(self) -> bool:
        return self.total > len(self.ranked)


# A county's index would otherwise be a 300-row table on a phone; the whole ranking stays
# published on /score (PERF-02: rankings published by score).
INDEX_ROWS = 20


def index_ranking(ctx: Context, codes: list[str] | None = None) -> IndexRanking:
    """The villages (every active one, or those of one township) ranked for the last complete
    quarter: all of them, or for a long list its top and bottom."""
    scores = Scores(ctx)
    period = scores.default_period()
    ranked = scores.ranking(codes, period)
    shown = ranked
    if len(ranked) > INDEX_ROWS:
        scored = [r for r in ranked if r.rank is not None]
        half = INDEX_ROWS // 2
        shown = scored[:half] + scored[max(half, len(scored) - half) :]
    return IndexRanking(period.text, tuple(shown), total=len(ranked))
