"""Reminders and township alerts (SCH-01, SCH-09): the scheduler's ``remind`` job, the villages
late with last quarter's disclosure, and their line in the township digest."""

from __future__ import annotations

from datetime import date, datetime

from sqlite_utils import Database

from bot.core.periods import is_first_month_of_quarter, previous_quarter
from bot.services import notify
from bot.services.context import Context
from bot.services.disclosures.publication_calendar import reminder_due, township_alert_due
from bot.services.permissions import role_grants
from storage import audit, members, villages
from storage import disclosures as store_d
from storage.villages import Village


class Reminders:
    """Who is late with the quarterly disclosure, and the reminders and alerts owed about it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.settings = ctx.config.disclosure

    def late_villages(self, local_day: date, within: frozenset[str] | None = None) -> list[Village]:
        """Villages (of these, None: all) that missed last quarter's publication deadline, as
        of a local day (SCH-09)."""
        if is_first_month_of_quarter(local_day) and local_day.day <= self.settings.deadline_day:
            return []
        period = previous_quarter(local_day).text
        db = self.ctx.store.db
        published = ("published", "superseded")
        asked = villages.all_active(db) if within is None else villages.active_among(db, within)
        done = store_d.villages_with_item_for_period(db, [v.code for v in asked], period, published)
        return [v for v in asked if v.code not in done]

    def digest_lines(
        self, db: Database, local_day: date, within: frozenset[str] | None = None
    ) -> list[tuple[str, dict]]:
        """The township digest's line on villages (of its township) late with their quarterly
        disclosure."""
        late = self.late_villages(local_day, within)
        if not late:
            return []
        names = "、".join(v.name for v in late)
        period = previous_quarter(local_day).text
        return [("disc.digest_late", {"period": period, "villages": names, "count": len(late)})]

    def remind(self, now: datetime) -> int:
        """Scheduler job: reminders on the configured days, township alert after the deadline.

        Each notice is claimed by a unique key in the same transaction that queues it, so a
        restart or a second tick never sends it twice, and a day missed is caught up once.
        """
        local = self.ctx.local_date(now)
        period = previous_quarter(local).text
        queued = 0
        day = reminder_due(local, self.settings)
        if day is not None:
            for village in villages.all_active(self.ctx.store.db):
                queued += self._remind_village(village, period, day)
        if township_alert_due(local, self.settings):
            queued += self._alert_township(local, period)
        return queued

    def _remind_village(self, village: Village, period: str, day: int) -> int:
        """The village's official and supervisors reminded of last quarter's disclosure, unless
        it is approved or published already; the number of notices queued."""
        done = ("approved", "published", "superseded")
        if store_d.has_item_for_period(self.ctx.store.db, village.code, period, done):
            return 0
        key = f"remind:{village.code}:{period}:d{day}"
        queued = 0
        with self.ctx.store.transaction() as tx:
            if not store_d.claim_reminder(tx, key):
                return 0
            for m in members.of_village(tx, village.code):
                if role_grants(m, "disclosure.draft", village.code) or role_grants(
                    m, "disclosure.review", village.code
                ):
                    notify.message(
                        tx,
                        f"{key}:{m.user_id}",
                        m.user_id,
                        self.ctx.default_language,
                        f"disc.reminder_{m.role}",
                        village=village.name,
                        period=period,
                        day=self.settings.publish_day,
                        deadline=self.settings.deadline_day,
                    )
                    queued += 1
        return queued

    def _alert_township(self, local: date, period: str) -> int:
        """Township staff told once of the villages late with the quarter, each one audited; the
        number of notices queued."""
        late = self.late_villages(local)
        key = f"late:{period}"
        if not late:
            return 0
        queued = 0
        with self.ctx.store.transaction() as tx:
            if not store_d.claim_reminder(tx, key):
                return 0
            for v in late:
                audit.record(
                    tx,
                    None,
                    "disclosure.late",
                    f"village:{v.code}",
                    village_code=v.code,
                    after={"period": period},
                )
            for m in members.township_staff(tx):
                # Each township's staff hear of their own villages only (issue 13 §1).
                theirs = [v.name for v in late if v.code in m.township_villages]
                if not theirs:
                    continue
                notify.message(
                    tx,
                    f"{key}:{m.user_id}",
                    m.user_id,
                    self.ctx.default_language,
                    "disc.township_late",
                    period=period,
                    villages="、".join(theirs),
                    count=len(theirs),
                    deadline=self.settings.deadline_day,
                )
                queued += 1
        return queued
