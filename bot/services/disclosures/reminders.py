"""Reminders and township alerts (SCH-01, SCH-09): the scheduler's ``remind`` job, the villages
late with last quarter's disclosure, and their line in the township digest."""

from __future__ import annotations

from datetime import date, datetime

from sqlite_utils import Database

from bot.core.periods import is_first_month_of_quarter, previous_quarter
from bot.services import notify
from bot.services.disclosures.base import DisclosureBase
from bot.services.disclosures.publication_calendar import reminder_due, township_alert_due
from storage import audit, members, villages
from storage import disclosures as store_d
from storage.villages import Village


class DisclosureReminders(DisclosureBase):
    """Who is late with the quarterly disclosure, and the reminders and alerts owed about it."""

    def late_villages(self, local_day: date) -> list[Village]:
        """Villages that missed last quarter's publication deadline, as of a local day (SCH-09)."""
        if is_first_month_of_quarter(local_day) and local_day.day <= self.settings.deadline_day:
            return []
        period = previous_quarter(local_day).text
        db = self.store.db
        published = ("published", "superseded")
        return [
            v
            for v in villages.all_active(db)
            if not store_d.has_item_for_period(db, v.code, period, published)
        ]

    def digest_lines(self, db: Database, local_day: date) -> list[tuple[str, dict]]:
        """The township digest's line on villages late with their quarterly disclosure."""
        late = self.late_villages(local_day)
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
        local = now.astimezone(self.tz).date()
        period = previous_quarter(local).text
        queued = 0
        day = reminder_due(local, self.settings)
        db = self.store.db
        if day is not None:
            for village in villages.all_active(db):
                if store_d.has_item_for_period(
                    db, village.code, period, ("approved", "published", "superseded")
                ):
                    continue
                key = f"remind:{village.code}:{period}:d{day}"
                with self.store.transaction() as tx:
                    if not store_d.claim_reminder(tx, key):
                        continue
                    for m in members.of_village(tx, village.code):
                        if m.role in ("official", "supervisor"):
                            notify.message(
                                tx,
                                f"{key}:{m.user_id}",
                                m.user_id,
                                self.default_language,
                                f"disc.reminder_{m.role}",
                                village=village.name,
                                period=period,
                                day=self.settings.publish_day,
                                deadline=self.settings.deadline_day,
                            )
                            queued += 1
        if township_alert_due(local, self.settings):
            late = self.late_villages(local)
            key = f"late:{period}"
            if late:
                with self.store.transaction() as tx:
                    if store_d.claim_reminder(tx, key):
                        for v in late:
                            audit.record(
                                tx,
                                None,
                                "disclosure.late",
                                f"village:{v.code}",
                                village_code=v.code,
                                after={"period": period},
                            )
                        names = "、".join(v.name for v in late)
                        for m in members.township_staff(tx):
                            notify.message(
                                tx,
                                f"{key}:{m.user_id}",
                                m.user_id,
                                self.default_language,
                                "disc.township_late",
                                period=period,
                                villages=names,
                                count=len(late),
                                deadline=self.settings.deadline_day,
                            )
                            queued += 1
        return queued
