"""/holiday and the due dates it moves: the township's override, then every open topic it
touches recounted on the new calendar in the same transaction (cn-practice §6: deadlines are
recomputed only on an explicit admin action). A due date moves later or stays, never earlier
than already promised (TL-01), and never past the hard cap (TL-02)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlite_utils import Database

from bot.i18n import Term
from bot.services import notify
from bot.services.context import Context
from bot.services.people import Person, ReplyTo
from bot.services.topics import notices
from bot.services.topics.topic_records import record
from bot.services.topics.topic_rules import handlers_of, hard_cap
from storage import calendar_days, topics
from storage.topics import Topic


class TopicDueDates:
    """Township staff correct the working calendar; open topics follow it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def set_holiday(
        self,
        person: Person,
        day: date,
        kind: str | None,
        note: str | None,
        reply: ReplyTo | None = None,
    ) -> int:
        """Mark a day as holiday or working day (or clear it) and recount open topics' due
        dates; returns how many moved."""
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            before = calendar_days.overrides(db)
            entered = calendar_days.has_year(db, day.year)
            event = self.ctx.calendar.apply_override(db, person, day, kind, note)
            after = calendar_days.overrides(db)
            # The first entry of a year, or clearing its last, changes which dates are firm.
            span = None if calendar_days.has_year(db, day.year) != entered else day
            moved = sum(
                self._recount(db, event, topic, span, before, after, now)
                for topic in topics.open_topics(db)
            )
            notify.answer(
                db,
                f"a{event}:answer",
                reply,
                person.language,
                "topics.holiday.cleared" if kind is None else "topics.holiday.set",
                day=day.isoformat(),
                kind=Term(f"topics.holiday.{kind or 'holiday'}"),
                covered=self.ctx.calendar.coverage(db, day.year),
                moved=moved,
            )
        return moved

    def _recount(
        self,
        db: Database,
        event: int,
        topic: Topic,
        day: date | None,
        before: Mapping[date, str],
        after: Mapping[date, str],
        now: datetime,
    ) -> bool:
        """One open topic on the new calendar; True when its due date moved. A changed `day`
        outside a firm topic's span changes nothing (None: every topic may have changed)."""
        start = self.ctx.local_date(topic.cycle_start)
        touched = day is None or start < day <= topic.due_date
        if not (touched or topic.due_provisional):
            return False
        cap = hard_cap(self.ctx, start)
        result = self.ctx.calendar.recount(start, topic.due_date, cap, before, after)
        if (result.due, result.provisional) == (topic.due_date, topic.due_provisional):
            return False
        topics.set_due(db, topic.id, result.due, result.provisional, now, extended=False)
        if result.due == topic.due_date:
            return False
        was = topic.due_date.isoformat()
        due = result.due.isoformat()
        moved = record(db, None, "topic.due_moved", topic, {"due": due, "before": was})
        people = dict.fromkeys([topic.requester_id, *handlers_of(db, topic)])
        for uid in people:
            notices.to_person(
                db,
                f"a{event}:moved:{moved}:{uid}",
                uid,
                self.ctx.default_language,
                "topics.due_moved",
                receipt=topic.receipt,
                due=due,
                before=was,
                provisional=notices.due_mark(result.provisional),
            )
        return True
