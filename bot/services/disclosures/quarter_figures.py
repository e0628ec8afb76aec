"""Each village's regular quarterly disclosure and its published counts, as the public pages
show them (SCH-01, SCH-09): read village by village and remembered per village version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.periods import previous_quarter
from bot.services import figure_memory, figure_totals
from bot.services.context import Context
from bot.services.disclosures.publication_calendar import publication_month
from storage import disclosure_board as board
from storage import villages


@dataclass(frozen=True, slots=True)
class QuarterStatus:
    """A village's regular quarterly disclosure in the current quarter (SCH-01, SCH-09).

    state: on_time (published by the deadline), late (published after it), missing (nothing
    published and the deadline has passed), pending (nothing yet, the deadline is still ahead).
    """

    village_code: str
    period: str
    state: str
    deadline: date
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class VillageFigures:
    code: str
    name: str
    published: int
    superseded: int
    finance: int
    subsidy: int
    notice: int
    quarter: QuarterStatus


class QuarterFigures:
    """The quarterly schedule and published counts of villages (a part of the public board)."""

    ctx: Context

    # -- the quarterly schedule --------------------------------------------------------------

    def quarter_statuses(
        self, village_codes: Sequence[str] | None = None
    ) -> dict[str, QuarterStatus]:
        """Each active village's (of these, None: all) status for the disclosure due in the
        current quarter; one village's page reads only its own publications."""
        return self._statuses(self._villages(village_codes))

    def _statuses(self, chosen: list[villages.Village]) -> dict[str, QuarterStatus]:
        today = self.ctx.local_date(self.ctx.now())
        parsed = previous_quarter(today)
        period = parsed.text
        month = publication_month(parsed)
        assert month is not None
        deadline = date(month[0], month[1], self.ctx.config.disclosure.deadline_day)
        # Read village by village (disclosures_village), even for all of them: a search by
        # state alone would read every public row of the county to count one quarter.
        db = self.ctx.store.db

        def status_of(stale: Sequence[str]) -> dict[str, QuarterStatus]:
            found = {
                p.village_code: p.first_published_at
                for p in board.period_publications(db, period, stale)
            }
            return {code: status(code, found.get(code)) for code in stale}

        def status(code: str, published: datetime | None) -> QuarterStatus:
            if published is not None:
                state = "on_time" if self.ctx.local_date(published) <= deadline else "late"
            else:
                state = "missing" if today > deadline else "pending"
            return QuarterStatus(code, period, state, deadline, published)

        # Remembered per village and day until one of its disclosures changes (a county's 300
        # statuses are not worked out again after a change in one village).
        codes = [v.code for v in chosen]
        key = ("quarter_status", period, deadline, today)
        return figure_memory.village_figures(db, key, codes, status_of)

    def _villages(self, village_codes: Sequence[str] | None) -> list[villages.Village]:
        db = self.ctx.store.db
        if village_codes is None:
            return villages.all_active(db)
        return villages.active_among(db, village_codes)

    def quarter_status(self, village_code: str) -> QuarterStatus | None:
        return self.quarter_statuses([village_code]).get(village_code)

    # -- figures -----------------------------------------------------------------------------

    def figures(self, village_codes: Sequence[str] | None = None) -> list[VillageFigures]:
        """Per active village (of these, None: all): published items by state and kind, and
        the quarter's status. A page of a county's villages names its own, so it counts only
        theirs; the list is kept while none of them moved (figure_totals), and is shared."""
        db = self.ctx.store.db
        asked = None if village_codes is None else frozenset(village_codes)

        def count(stale: Sequence[str]) -> dict[str, board.VillageCounts | None]:
            found = {c.village_code: c for c in board.counts(db, stale)}
            return {code: found.get(code) for code in stale}

        def build() -> tuple[list[VillageFigures], None]:
            chosen = self._villages(None if asked is None else sorted(asked))
            # Remembered per village until one of its disclosures changes (a county: 20,000).
            codes = [v.code for v in chosen]
            counted = figure_memory.village_figures(db, ("disclosure_counts",), codes, count)
            statuses = self._statuses(chosen)
            return [_figures_of(v, counted.get(v.code), statuses[v.code]) for v in chosen], None

        today = self.ctx.local_date(self.ctx.now())  # a quarter's state turns with the day
        return figure_totals.added_up(db, ("disclosure_figures", today, asked), asked, build)


def _figures_of(
    village: villages.Village, c: board.VillageCounts | None, status: QuarterStatus
) -> VillageFigures:
    return VillageFigures(
        village.code,
        village.name,
        c.published if c else 0,
        c.superseded if c else 0,
        c.finance if c else 0,
        c.subsidy if c else 0,
        c.notice if c else 0,
        status,
    )
