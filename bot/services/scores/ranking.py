"""Villages ranked by their score for one quarter (PERF-02): equal scores share a rank, and a
village without a score is listed after the ranked ones, unranked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from bot.services.scores.formula import Input


@dataclass(frozen=True, slots=True)
class VillageScore:
    """One village's score for a quarter (None: 样本不足) and the inputs it came from."""

    code: str
    name: str
    period: str
    score: Decimal | None
    inputs: tuple[Input, ...]


@dataclass(frozen=True, slots=True)
class Ranked:
    rank: int | None  # None: no score, so no place in the ranking
    village: VillageScore


def rank(scores: Iterable[VillageScore]) -> list[Ranked]:
    """Highest score first; equal scores (as shown, to one decimal) share the higher rank and
    the next rank skips (1, 1, 3); villages without a score last, by code."""
    listed = list(scores)
    scored = sorted((s for s in listed if s.score is not None), key=lambda s: (-s.score, s.code))
    out: list[Ranked] = []
    for position, village in enumerate(scored, 1):
        tied = out and out[-1].village.score == village.score
        out.append(Ranked(out[-1].rank if tied else position, village))
    unscored = sorted((s for s in listed if s.score is None), key=lambda s: s.code)
    return out + [Ranked(None, s) for s in unscored]
