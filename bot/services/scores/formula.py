"""The transparency score's formula, in one place: the inputs with their weights and the rules
they rest on, the minimum sample, and how the inputs combine (PERF-01: quantified sub-goals;
PERF-02: scores ranked in public). The formula page renders these same values.

Each input is 0–100. An input without enough to count from is left out and the weights of the
others are scaled up to 100; a village whose counted inputs weigh less than `MIN_WEIGHT` gets no
score at all ("样本不足"), so a number never rests on three topics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

# Why an input has no value: nothing to count yet, not due yet, or too few topics.
NONE, NOT_DUE, TOO_FEW = "none", "not_due", "too_few"


@dataclass(frozen=True, slots=True)
class Weight:
    """One input of the score: its key, its weight (of 100) and the rules it rests on."""

    key: str
    weight: int
    rules: tuple[str, ...]


WEIGHTS: tuple[Weight, ...] = (
    # The quarter's finance disclosure published by the deadline day of the following month.
    Weight("on_time", 30, ("SCH-01", "SCH-09")),
    # Every public item of the quarter approved by the supervision committee before publishing.
    Weight("signed", 15, ("REV-01", "REV-05")),
    # Topics due in the quarter answered by their due date.
    Weight("answered", 20, ("STAT-01", "TL-01")),
    # Rated answers of topics filed in the quarter that were 满意 or 基本满意.
    Weight("satisfied", 15, ("SAT-03", "SAT-04")),
    # Published items with a photo of the posted paper board within the allowed days.
    Weight("photo", 10, ("CH-01", "CH-02")),
    # Items of the quarter that needed no correction: a correction is honest, so it costs little.
    Weight("uncorrected", 10, ("SCH-07",)),
)
TOPIC_INPUTS = frozenset({"answered", "satisfied"})
MIN_TOPICS = 5  # a topic-based input counted from fewer topics is "样本不足"
MIN_WEIGHT = 50  # the counted inputs must carry at least this much of the 100
LATE_CREDIT = 50  # a finance disclosure published after the deadline earns half


@dataclass(frozen=True, slots=True)
class Input:
    """One input of one village and quarter: its value 0–100 (None when left out, with why),
    and what it was counted from (`good` of `counted`)."""

    key: str
    value: Fraction | None
    good: int = 0
    counted: int = 0
    missing: str = ""
    # The value as shown beside the score, a whole number: rounded once, not at every render
    # (a county's ranking shows 1,800 of them).
    shown: int | None = field(init=False, compare=False)

    def __post_init__(self) -> None:
        rounded = None if self.value is None else int(round_half_up(self.value, 0))
        object.__setattr__(self, "shown", rounded)


def round_half_up(value: Fraction, places: int) -> Decimal:
    """A fraction rounded as people round (0.05 → 0.1), exactly."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def share(good: int, counted: int, key: str, minimum: int = 1) -> Input:
    """An input counted as a share: `good` of `counted`, or left out below `minimum`."""
    if counted == 0:
        return Input(key, None, good, counted, NONE)
    if counted < minimum:
        return Input(key, None, good, counted, TOO_FEW)
    return Input(key, Fraction(100 * good, counted), good, counted)


def combine(inputs: dict[str, Input]) -> Decimal | None:
    """The score to one decimal: the weighted mean of the counted inputs, or None when they
    weigh less than `MIN_WEIGHT`."""
    counted = [(w.weight, inputs[w.key].value) for w in WEIGHTS if inputs[w.key].value is not None]
    total = sum(weight for weight, _ in counted)
    if total < MIN_WEIGHT:
        return None
    return round_half_up(sum(weight * value for weight, value in counted) / total, 1)


# The formula page's worked example: a village that published on time with every sign-off, had
# 8 of 10 topics answered on time, too few ratings, and one of four items without a photo.
EXAMPLE: dict[str, Input] = {
    "on_time": Input("on_time", Fraction(100), 1, 1),
    "signed": share(4, 4, "signed"),
    "answered": share(8, 10, "answered", MIN_TOPICS),
    "satisfied": share(3, 3, "satisfied", MIN_TOPICS),
    "photo": share(3, 4, "photo"),
    "uncorrected": share(4, 4, "uncorrected"),
}
