"""Scores of villages for a quarter, for the web (public: published facts only) and for chat
(township staff see the ranking, a village's officials their own village's score)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.core.periods import Period, parse_period, previous_quarter, quarter_of
from bot.services import figure_totals
from bot.services.context import Context
from bot.services.people import Denied, Person
from bot.services.permissions import allowed, require
from bot.services.scores.formula import WEIGHTS
from bot.services.scores.inputs import Counted, counted_until, villages_counted
from bot.services.scores.ranking import Ranked, VillageScore, rank
from storage import villages


class Scores:
    """The transparency score (issue 13 §8) of villages for one quarter, and their ranking."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def today(self) -> date:
        return self.ctx.local_date(self.ctx.now())

    def default_period(self) -> Period:
        """The last complete quarter."""
        return previous_quarter(self.today())

    def period(self, text: str | None) -> Period:
        """A quarter as people write it (2026Q3, 2026年第三季度); default: the last complete one.
        A quarter that has not begun yet has nothing to count."""
        text = (text or "").strip()
        if not text:
            return self.default_period()
        period = parse_period(text)
        if period is None or period.kind != "quarter":
            raise Denied("score.bad_period", text=text[:20])
        if period.first > quarter_of(self.today()).first:
            raise Denied("score.future_period", period=period.text)
        return period

    def village(self, code: str, name: str, period: Period) -> VillageScore:
        """One village's score and the inputs it came from."""
        return self._score(code, name, period, villages_counted(self.ctx, [code], period)[code])

    @staticmethod
    def _score(code: str, name: str, period: Period, counted: Counted) -> VillageScore:
        ordered = tuple(counted.inputs[w.key] for w in WEIGHTS)
        return VillageScore(code, name, period.text, counted.score, ordered)

    def ranking(self, codes: Sequence[str] | None, period: Period) -> list[Ranked]:
        """The given active villages (None: every one) ranked for the quarter; the county page
        ranks each township's villages with this. Kept whole until a village moves or an
        input turns by the clock (figure_totals); the list is shared: callers never change it."""
        db = self.ctx.store.db
        asked = None if codes is None else frozenset(codes)

        def build() -> tuple[list[Ranked], datetime]:
            chosen = villages.all_active(db) if asked is None else villages.active_among(db, asked)
            found, until = counted_until(self.ctx, [v.code for v in chosen], period)
            return rank(self._score(v.code, v.name, period, found[v.code]) for v in chosen), until

        key = ("ranking", period.text, asked)
        return figure_totals.added_up(db, key, asked, build, self.ctx.now())

    def for_person(self, person: Person, text: str | None) -> tuple[Period, list[Ranked]]:
        """`/score [quarter]`: every village for township staff, the own village for officials."""
        if allowed(person, "score.ranking"):
            period = self.period(text)
            seen = person.villages_in_view()  # township staff: their township's villages (§1)
            return period, self.ranking(None if seen is None else sorted(seen), period)
        require(person, "score.own", village=person.village_code)
        period = self.period(text)
        return period, self.ranking([person.village_code or ""], period)
