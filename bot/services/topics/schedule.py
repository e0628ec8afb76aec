"""Scheduled topic work, derived from database state (DESIGN §4): automatic urges once a day,
closing unrated answers, and the township's daily digest. Each check is idempotent, so a tick
that runs twice or late after a restart does each thing exactly once."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from bot.delivery.messages import Text, queue
from bot.i18n import t
from bot.services import notify
from bot.services.context import Context
from bot.services.ticks import Ticker, run_to_end
from bot.services.topics.rating import TopicRating
from bot.services.topics.tracking import TopicTracking
from storage import members, once_marks, outbox, topic_listings, villages
from storage.topic_listings import Brief

# A digest section another feature adds (e.g. villages late with their quarterly disclosure):
# given the database, the local day and the villages of the reader's township, it returns
# catalogue lines as (key, params).
MAX_LINES = 60  # one Telegram message; /pending and /overdue list everything

DigestSection = Callable[[Database, date, frozenset[str]], list[tuple[str, dict]]]


class TopicSchedule:
    """The topic checks the ticker runs every minute."""

    def __init__(self, ctx: Context, rating: TopicRating, tracking: TopicTracking) -> None:
        self.ctx = ctx
        self.rating = rating
        self.tracking = tracking
        self.sections: list[DigestSection] = [ctx.calendar.schedule_reminder]

    def register(self, ticker: Ticker) -> None:
        ticker.register("topics.auto_close", self.rating.auto_close)
        ticker.register("topics.auto_urge", self.auto_urge)
        ticker.register("topics.digest", self.digest_steps)

    def _after_digest_time(self, now: datetime) -> bool:
        hour, minute = self.ctx.config.topics.digest_hour_minute
        return now.astimezone(self.ctx.tz).time() >= time(hour, minute)

    def auto_urge(self, now: datetime) -> Iterator[str]:
        """Overdue topics are urged once a day, in the morning with the digest (URG-01)."""
        if not self._after_digest_time(now):
            return iter(())
        return self.tracking.auto_urge(now)

    def digest(self, now: datetime) -> int:
        """The daily digest to township staff, once a day at digest time (URG-07, URG-10).

        Decided at the first tick after digest time (or after a restart); a day with nothing
        to report sends nothing. Returns how many digests were queued now."""
        return run_to_end(self.digest_steps(now))

    def digest_steps(self, now: datetime) -> Generator[None, None, int]:
        """The digest as the ticker runs it: each township's lines read in a step of its own
        (a county has 15), then one transaction queues them all; returns how many."""
        if not self._after_digest_time(now):
            return 0
        store = self.ctx.store
        today = self.ctx.local_date(now)
        if once_marks.marked(store.db, f"topics.digest.{today}"):
            return 0
        staff = members.township_staff(store.db)
        # Each township's staff get their own township's topics (issue 13 §1).
        found = {}
        for seen in {m.township_villages for m in staff}:
            found[seen] = self._lines(store.db, today, now, seen)
            yield
        sent = 0
        texts: dict[tuple[frozenset[str], str], Text] = {}  # a township's, per language
        with store.transaction() as tx:
            if not once_marks.mark(tx, f"topics.digest.{today}", now):
                return 0
            for member in staff:
                lines, news = found[member.township_villages]
                if news:
                    uid = member.user_id
                    language = notify.language_of(tx, uid, self.ctx.default_language)
                    key = (member.township_villages, language)
                    if key not in texts:
                        texts[key] = _text(language, today, lines)
                    queue(tx, f"digest:{today}:{uid}", uid, texts[key], priority=outbox.NORMAL)
                    sent += 1
        return sent

    def _lines(
        self, db: Database, today: date, now: datetime, seen: frozenset[str]
    ) -> tuple[list[tuple[str, dict]], bool]:
        since = now - timedelta(days=1)
        # Only the first MAX_LINES lines are sent (the message says there is more), so each
        # section reads and builds only the items that still fit: a county has thousands open.
        lines: list[tuple[str, dict]] = []
        names = {v.code: v.name for v in villages.active_among(db, seen)}  # one read, not one each

        def add(head: str, count: int, key: str, items: list[Brief]) -> None:
            lines.append((head, {"count": count}))
            shown = items[: max(0, MAX_LINES + 1 - len(lines))]
            lines.extend((key, _item(t, today, names)) for t in shown)

        def room() -> int:  # the items that fit after the next section's header
            return max(0, MAX_LINES - len(lines))

        new, new_count = topic_listings.filed_briefs(db, since, now, seen, room())
        add("topics.digest.new", new_count, "topics.digest.item", new)
        tomorrow = today + timedelta(days=1)
        due_today, due_count = topic_listings.open_briefs(
            db, seen, room(), due_from=today, due_before=tomorrow
        )
        add("topics.digest.due_today", due_count, "topics.digest.item", due_today)
        late, late_count = topic_listings.open_briefs(db, seen, room(), due_before=today)
        add("topics.digest.overdue", late_count, "topics.digest.late_item", late)
        escalated, escalated_count = topic_listings.escalated_briefs(db, since, seen, room())
        add("topics.digest.escalations", escalated_count, "topics.digest.item", escalated)
        extra = [line for section in self.sections for line in section(db, today, seen)]
        news = bool(new_count or due_count or late_count or escalated_count or extra)
        return lines + extra, news


def _text(language: str, today: date, lines: list[tuple[str, dict]]) -> Text:
    """A digest in one language; each line is rendered by t(), which escapes its parameters."""
    text = "\n".join(
        [t(language, "topics.digest.header", date=today.isoformat())]
        + [t(language, key, **params) for key, params in lines[:MAX_LINES]]
        + ([t(language, "topics.digest.more")] if len(lines) > MAX_LINES else [])
    )
    return Text(text)


def _item(topic: Brief, today: date, names: dict[str, str]) -> dict:
    """One topic's digest line; `names` holds the township's villages' names (a village that
    left is shown by its code)."""
    return {
        "receipt": topic.receipt,
        "village": names.get(topic.village_code, topic.village_code),
        "due": topic.due_date.isoformat(),
        "late": (today - topic.due_date).days,
    }
