"""A whole county on one instance (issue 13 §1): townships side by side (/compare, the county
web index) and the weekly county digest to county staff, who read across villages and act on
none (ROLE-09; the digest as URG-07's periodic briefing, the comparison as STAT-11's summary)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.core.periods import Period, quarter_of
from bot.delivery.messages import Text, queue
from bot.i18n import t
from bot.services import figure_memory, notify
from bot.services.context import Context
from bot.services.people import Person
from bot.services.permissions import require
from bot.services.topics.stats import (
    Counts,
    figures_key,
    percent,
    stats_period,
    village_counts,
)
from storage import (
    disclosures,
    figure_versions,
    members,
    once_marks,
    outbox,
    townships,
    villages,
)
from storage.figure_versions import COUNTY
from storage.townships import Township
from storage.villages import Village

_PUBLISHED = ("published", "superseded")


@dataclass(frozen=True, slots=True)
class TownshipFigures:
    """One township's topic counts for a period, and how many of its villages published the
    quarter's disclosure (the quarter the period starts in)."""

    code: str
    name: str
    villages: int
    counts: Counts
    published: int

    def params(self) -> dict[str, object]:
        """The figures as catalogue parameters (county.line)."""
        c = self.counts
        return {
            "name": self.name,
            "filed": c.filed,
            "answered": c.answered,
            "on_time_rate": percent(c.on_time_rate),
            "overdue": c.overdue,
            "published": self.published,
            "villages": self.villages,
        }


class CountyService:
    """What county staff read across townships; they act on none of it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def compare(
        self, person: Person, period_text: str | None
    ) -> tuple[Period, list[TownshipFigures]]:
        """/compare [period]: every township's figures side by side (county staff only)."""
        require(person, "county.compare")
        period = stats_period(period_text, self.ctx.local_date(self.ctx.now()))
        return period, self.figures(period)

    def figures(self, period: Period) -> list[TownshipFigures]:
        """Each active township's figures for a period, in code order: remembered under the
        county's version (m026), and summed again only for the townships whose version moved
        (one village's change: that village counted, its township's 20 summed). Shared:
        callers never change them."""
        db = self.ctx.store.db
        today = self.ctx.local_date(self.ctx.now())
        key = figures_key(db, period, today, self.ctx.tz)

        def county(_: Sequence[str]) -> dict[str, list[TownshipFigures]]:
            listed = {t.code: t for t in townships.all_active(db)}

            def summed(stale: Sequence[str]) -> dict[str, TownshipFigures]:
                return {code: self._township(listed[code], period, today) for code in stale}

            found = figure_memory.village_figures(
                db, ("townships", *key), list(listed), summed, figure_versions.of_groups
            )
            return {COUNTY: [found[code] for code in listed]}

        remembered = figure_memory.village_figures(
            db, ("county", *key), [COUNTY], county, figure_versions.of_groups
        )
        return remembered[COUNTY]

    def _township(self, township: Township, period: Period, today: date) -> TownshipFigures:
        """One township's figures: its villages' remembered counts summed (figure_memory)."""
        db = self.ctx.store.db
        codes = villages.codes_of_township(db, township.code)
        versions = figure_versions.of(db, codes)  # read once for both figures
        counts = village_counts(db, period, today, self.ctx.tz, codes, versions)
        total = Counts.total_of(township.code, township.name, counts.values())
        published = self._published(quarter_of(period.first).text, codes, versions)
        done = sum(published.values())
        return TownshipFigures(township.code, township.name, len(codes), total, done)

    def _published(
        self, quarter: str, codes: list[str], versions: figure_memory.Versions
    ) -> dict[str, bool]:
        """Whether each village published anything for the quarter, remembered per village
        version like the figures (a disclosure's change moves it; `versions`: theirs, read)."""
        db = self.ctx.store.db

        def read(stale: Sequence[str]) -> dict[str, bool]:
            return {c: disclosures.has_item_for_period(db, c, quarter, _PUBLISHED) for c in stale}

        key = ("published", quarter)
        return figure_memory.village_figures(db, key, codes, read, lambda *_: versions)

    def township(self, code: str) -> tuple[Township, list[Village]] | None:
        """An active township and its villages (public pages, ?township=), or None."""
        db = self.ctx.store.db
        found = townships.get(db, code.strip().lower()) if code else None
        return (found, villages.of_township(db, found.code)) if found else None

    def weekly_digest(self, now: datetime) -> int:
        """The weekly county digest, once a week on the configured day after its time: one
        message per county staff member (key per ISO week, so a restart sends none twice)."""
        settings = self.ctx.config.county
        local = now.astimezone(self.ctx.tz)
        if local.isoweekday() != settings.digest_weekday or local.time() < time(
            *settings.digest_hour_minute
        ):
            return 0
        year, week, _ = local.date().isocalendar()
        mark = f"county.digest.{year}-W{week:02d}"
        store = self.ctx.store
        if once_marks.marked(store.db, mark):
            return 0
        period = quarter_of(local.date())
        rows = self.figures(period)
        with store.transaction() as tx:
            if not once_marks.mark(tx, mark, now):
                return 0
            staff = sorted({m.user_id for m in members.county_staff(tx)})
            for uid in staff:
                language = notify.language_of(tx, uid, self.ctx.default_language)
                head = t(language, "county.digest_header", period=period.text, week=week)
                lines = [t(language, "county.line", **row.params()) for row in rows]
                text = Text("\n".join([head, *lines]))
                queue(
                    tx, f"county-digest:{year}-W{week:02d}:{uid}", uid, text, priority=outbox.NORMAL
                )
        return len(staff)
