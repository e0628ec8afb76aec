"""/stats and /report for officials and township staff: who may see which village, and the
figures, chart and workbook the pure `stats`, `chart` and `report_xlsx` modules make."""

from __future__ import annotations

from datetime import date
from functools import partial

from bot.core.periods import Period
from bot.core.safe_sheets import FileToWrite, to_xlsx
from bot.i18n import t_plain
from bot.services.context import Context
from bot.services.people import Denied, Person
from bot.services.permissions import allowed, require
from bot.services.topics.chart import bar_chart
from bot.services.topics.report_xlsx import Label, report_sheets
from bot.services.topics.stats import Counts, compute, stats_period, township_rows
from bot.services.township_scope import require_village
from storage import townships, villages


class TopicReporting:
    """Statistics, the chart and the XLSX report, each for a period."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def stats(self, person: Person, args: list[str]) -> tuple[Period, list[Counts], Counts]:
        """/stats [village|township] [period]: township staff see their township's villages,
        county staff every township's (or one's), officials their own village."""
        db = self.ctx.store.db
        village_code, township_code, period_text = None, None, None
        for arg in args:
            word = arg.strip().lower()
            if (village := villages.get(db, word)) is not None:
                village_code = village.code
            elif townships.get(db, word) is not None:
                township_code = word
            else:
                period_text = arg
        seen = None
        if not allowed(person, "topic.stats"):  # the township's villages, else one's own
            own = person.village_code
            require(person, "topic.stats", village=village_code or own)
            village_code = own
        else:
            require_village(person, "topic.stats", village_code)
            seen = self._seen(person, township_code)
        today = self.ctx.local_date(self.ctx.now())
        period = stats_period(period_text, today)
        township = township_code or person.township_code
        if village_code is None and seen is not None and township is not None:
            return period, *township_rows(db, township, period, today, self.ctx.tz)
        rows, total = compute(db, period, today, self.ctx.tz, village_code, seen)
        return period, rows, total

    def _seen(self, person: Person, township_code: str | None) -> frozenset[str] | None:
        """The villages a staff member's figures cover: their township's, or the county's (or
        one named township's, for county staff)."""
        seen = person.villages_in_view()
        if township_code is None:
            return seen
        if seen is not None and township_code != person.township_code:
            raise Denied("county.other_township", village=township_code)
        return frozenset(v.code for v in villages.of_township(self.ctx.store.db, township_code))

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
        """/report <period>: the XLSX workbook (township staff only), read and written by
        whoever calls `write` (a worker thread: a county's report is seconds of work)."""
        require(person, "topic.report")
        today = self.ctx.local_date(self.ctx.now())
        period = stats_period(period_text, today)
        seen = person.villages_in_view()  # the township's villages, the county's for county staff
        write = partial(self._workbook, period, today, seen, lambda key: t_plain(language, key))
        return period, FileToWrite(f"topics-{period.text}.xlsx", write)

    def _workbook(
        self, period: Period, today: date, seen: frozenset[str] | None, label: Label
    ) -> bytes:
        """Read and write the workbook, in a worker thread on a connection of its own: a
        county's period is every one of its topics, seconds of reading the loop must not wait
        for (issue 12 §3)."""
        with self.ctx.store.reader() as db:
            rows, total = compute(db, period, today, self.ctx.tz, within=seen)
            sheets = report_sheets(db, period, rows, total, self.ctx.tz, label)
        return to_xlsx(sheets)
