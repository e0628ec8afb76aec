"""The county's figures counted again for a new day in a worker thread (issue 12 §3): "today"
is part of what figure_memory remembers, so without this the first page after midnight would
count all the county's villages on the event loop."""

from __future__ import annotations

from datetime import date

from bot.core.periods import Period, quarter_of
from bot.services.context import Context
from bot.services.topics.stats import compute


class FigureWarmup:
    """Once per local day: the current quarter's and year's figures of every village, read on
    a connection of the worker's own (`Store.reader()`)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.day: date | None = None

    def due(self) -> bool:
        """True when today's figures have not been counted yet."""
        return self.ctx.local_date(self.ctx.now()) != self.day

    def warm(self) -> date:
        """Count today's figures (in a worker thread); returns the day counted."""
        today = self.ctx.local_date(self.ctx.now())
        with self.ctx.store.reader() as db:
            for period in (quarter_of(today), Period.whole_year(today.year)):
                compute(db, period, today, self.ctx.tz)
        self.day = today
        return today
