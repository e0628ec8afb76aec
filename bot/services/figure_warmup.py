"""The county's figures counted again in a worker thread after each tick (issue 12 §3): "today"
is part of what figure_memory remembers, and the morning's urges and closes touch every village,
so without this the first page after midnight or after the sweep would count all the county's
villages on the event loop. Only what went stale is counted; otherwise it reads the versions."""

from __future__ import annotations

from datetime import date

from bot.core.periods import Period, previous_quarter, quarter_of
from bot.services.context import Context
from bot.services.scores.inputs import villages_inputs
from bot.services.topics.stats import category_counts, compute
from storage import villages


class FigureWarmup:
    """The current quarter's and year's topic figures and categories and the ranked quarter's
    score inputs of every village, read on a connection of the worker's own (`Store.reader()`)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def warm(self) -> date:
        """Count what is stale (in a worker thread); returns the day counted for."""
        today = self.ctx.local_date(self.ctx.now())
        if not self.ctx.store.has_reader:
            return today  # no connection of its own to read on: pages count for themselves
        with self.ctx.store.reader() as db:
            codes = [v.code for v in villages.all_active(db)]
            for period in (quarter_of(today), Period.whole_year(today.year)):
                compute(db, period, today, self.ctx.tz)
                category_counts(db, period, self.ctx.tz, codes)
            villages_inputs(self.ctx, codes, previous_quarter(today), db)
        return today
