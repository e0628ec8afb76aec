"""The services one running bot shares between its handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from bot.config import Config
from bot.core.clock import Clock
from bot.heavy_work import HeavyWork
from bot.services import housekeeping
from bot.services.calendar import WorkCalendar
from bot.services.context import Context
from bot.services.county import CountyService
from bot.services.disclosures.disclosure_wing import Disclosures
from bot.services.membership import MembershipService
from bot.services.ticks import Ticker
from bot.services.topics.schedule import TopicSchedule
from bot.services.topics.topic_wing import Topics
from storage.db import Store


@dataclass(frozen=True, slots=True)
class Services:
    ctx: Context
    membership: MembershipService
    ticker: Ticker
    topics: Topics
    topic_schedule: TopicSchedule
    disclosures: Disclosures
    county: CountyService
    heavy: HeavyWork = field(default_factory=HeavyWork)  # closed by run.py when it stops

    @classmethod
    def build(cls, config: Config, store: Store, clock: Clock | None = None) -> Services:
        """Create every service over one context, and register their scheduled checks."""
        ctx = Context.build(config, store, clock)
        ticker = Ticker()
        topics = Topics.build(ctx)
        topic_schedule = TopicSchedule(ctx, topics.rating, topics.tracking)
        topic_schedule.register(ticker)
        disclosures = Disclosures.build(ctx)
        ticker.register("disclosures.publish", disclosures.publishing.publish_due)  # SCH-01, 02
        ticker.register("disclosures.remind", disclosures.reminders.remind)  # SCH-01, SCH-09
        topic_schedule.sections.append(disclosures.reminders.digest_lines)
        topic_schedule.sections.append(disclosures.board_photos.digest_lines)  # CH-01
        county = CountyService(ctx)
        ticker.register("county.digest", county.weekly_digest)  # issue 13 §1
        keep_days = config.storage.keep_delivered_days
        ticker.register("delivery.prune", partial(housekeeping.prune_delivered, store, keep_days))
        membership = MembershipService(ctx)
        return cls(ctx, membership, ticker, topics, topic_schedule, disclosures, county)

    @property
    def config(self) -> Config:
        return self.ctx.config

    @property
    def store(self) -> Store:
        return self.ctx.store

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @property
    def calendar(self) -> WorkCalendar:
        return self.ctx.calendar
