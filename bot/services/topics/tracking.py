"""Township tracking (URG-03, STAT-05) and urging (督办, URG-01, URG-05): open and overdue lists,
urges by staff, and the daily automatic urge of overdue topics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlite_utils import Database

from bot.core.typed_text import clean
from bot.services.context import Context
from bot.services.masking import mask_text
from bot.services.people import Person, ReplyTo
from bot.services.permissions import require
from bot.services.topics import notices, topic_lookup
from bot.services.topics.text import NOTE_MAX
from bot.services.topics.topic_records import ack, record
from bot.services.topics.topic_rules import handlers_of, require_open
from bot.services.township_scope import require_village
from storage import topic_listings, topic_sweeps, topics
from storage.topics import Topic

# A tracking list shows the oldest due this many, and how many there are in all.
LISTED = 30


@dataclass(frozen=True, slots=True)
class Listing:
    """The first topics of a tracking list and how many the list holds."""

    topics: list[Topic]
    count: int


class TopicTracking:
    """What township staff watch over, and how they push it along."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def pending(
        self, person: Person, village_code: str | None, category: str | None = None
    ) -> Listing:
        """Township tracking (URG-03): the open topics of the person's township (county staff:
        of the county), or of one village (of one category); the oldest due first."""
        return self._listing(person, village_code, category, None)

    def overdue(
        self, person: Person, village_code: str | None, category: str | None = None
    ) -> Listing:
        """Open topics past their due date (STAT-05), of one village or category when named."""
        return self._listing(person, village_code, category, self.ctx.local_date(self.ctx.now()))

    def _listing(
        self, person: Person, village_code: str | None, category: str | None, before: date | None
    ) -> Listing:
        require(person, "topic.track")
        db = self.ctx.store.db
        code = topic_lookup.village_code(db, village_code)
        require_village(person, "topic.track", code)
        seen = person.villages_in_view()
        villages = [code] if code is not None else None if seen is None else sorted(seen)
        found, count = topic_listings.open_listing(
            db, villages, LISTED, category=category, due_before=before
        )
        return Listing(found, count)

    def urge(
        self, person: Person, topic: Topic, note: str | None, reply: ReplyTo | None = None
    ) -> Topic:
        """督办 by township staff (URG-01, URG-05): recorded and shown in the history."""
        require_village(person, "topic.urge", topic.village_code)
        require_open(topic)
        note = mask_text(clean(note))[:NOTE_MAX] or None  # stored and sent (SEC-03)
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            topics.add_urge(db, topic.id, person.user_id, note, now)
            after = {"note": note, "auto": False}
            event = record(db, person.user_id, "topic.urged", topic, after)
            self._urge_notice(db, event, topic, note)
            ack(db, event, reply, person, "topics.urged_ack", receipt=topic.receipt)
        return topic

    def _urge_notice(self, db: Database, event: int, topic: Topic, note: str | None) -> None:
        for uid in handlers_of(db, topic):
            notices.handler_notice(
                db,
                f"a{event}:urge:{uid}",
                uid,
                self.ctx.default_language,
                topic,
                "topics.urge_notice",
                due=topic.due_date.isoformat(),
                note=note or "—",
            )

    def auto_urge(self, now: datetime) -> Iterator[str]:
        """Topics past due are urged once a day automatically (URG-01, cn-practice §4.5): one
        topic per step, each in its own transaction, yielding its receipt (a county has
        thousands, so the ticker lets everyone else run between steps)."""
        today = self.ctx.local_date(now)
        done = topics.auto_urged_on(self.ctx.store.db, today)
        for topic_id in topic_sweeps.overdue_ids(self.ctx.store.db, today):
            if topic_id in done:
                continue
            with self.ctx.store.transaction() as db:
                # Read again: it may have been answered since the list was read.
                topic = topics.get(db, topic_id)
                if topic.status != "assigned" or topic.due_date >= today:
                    continue
                if topics.add_urge(db, topic.id, None, None, now, auto_day=today) is None:
                    continue
                late = (today - topic.due_date).days
                after = {"note": None, "auto": True, "days_late": late}
                event = record(db, None, "topic.urged", topic, after)
                self._urge_notice(db, event, topic, None)
            yield topic.receipt
