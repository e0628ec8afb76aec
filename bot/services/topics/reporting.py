"""/stats and /report for officials and township staff: who may see which village, and the
figures, chart and workbook the pure `stats`, `chart` and `report_xlsx` modules make."""

from __future__ import annotations

from functools import partial

from bot.core.periods import Period
from bot.core.safe_sheets import FileToWrite, to_xlsx
from bot.i18n import t_plain
from bot.services.context import Context
from bot.services.people import Person
from bot.services.permissions import allowed, require
from bot.services.topics.chart import bar_chart
from bot.services.topics.report_xlsx import report_sheets
from bot.services.topics.stats import Counts, compute, stats_period
from storage import villages


class TopicReporting:
    """Statistics, the chart and the XLSX report, each for a period."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def stats(self, person: Person, args: list[str]) -> tuple[Period, list[Counts], Counts]:
        """/stats [village] [period]: township staff see all villages, officials their own."""
        village_code, period_text = None, None
        for arg in args:
            village = villages.get(self.ctx.store.db, arg.strip().lower())
            if village is not None:
                village_code = village.code
            else:
                period_text = arg
        if not allowed(person, "topic.stats"):  # every village for the township, else one's own
            own = person.village_code
            require(person, "topic.stats", village=village_code or own)
            village_code = own
        today = self.ctx.local_date(self.ctx.now())
        period = stats_period(period_text, today)
        rows, total = compute(self.ctx.store.db, period, today, self.ctx.tz, village_code)
        return period, rows, total

    def chart(self, period: Period, rows: list[Counts], language: str) -> bytes:
        """The bar chart PNG for /stats, labelled in the reader's language."""
        labels = tuple(
            t_plain(language, f"topics.chart.{k}") for k in ("filed", "answered", "overdue")
        )
        title = t_plain(language, "topics.chart.title", period=period.text)
        return bar_chart(rows, title, labels, t_plain(language, "topics.chart.empty"))

    def report(
        self, person: Person, period_text: str | None, language: str
    ) -> tuple[Period, FileToWrite]:
        """/report <period>: the XLSX workbook (township staff only), read now, written by
        whoever calls `write` (a worker thread: a county's report is seconds of work)."""
        require(person, "topic.report")
        today = self.ctx.local_date(self.ctx.now())
        period = stats_period(period_text, today)
        rows, total = compute(self.ctx.store.db, period, today, self.ctx.tz)
        sheets = report_sheets(
            self.ctx.store.db,
            period,
            rows,
            total,
            self.ctx.tz,
            lambda key: t_plain(language, key),
        )
        return period, FileToWrite(f"topics-{period.text}.xlsx", partial(to_xlsx, sheets))
