"""The services one running bot shares between its handlers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from bot.config import Config
from bot.core.clock import Clock
from bot.services import housekeeping
from bot.services.calendar import WorkCalendar
from bot.services.disclosures.service import DisclosureService
from bot.services.membership import MembershipService
from bot.services.ticks import Ticker
from bot.services.topics.schedule import TopicSchedule
from bot.services.topics.service import TopicService
from storage.db import Store


@dataclass(frozen=True, slots=True)
class Services:
    config: Config
    store: Store
    clock: Clock
    membership: MembershipService
    ticker: Ticker
    calendar: WorkCalendar
    topics: TopicService
    topic_schedule: TopicSchedule
    disclosures: DisclosureService

    @classmethod
    def build(cls, config: Config, store: Store, clock: Clock | None = None) -> Services:
        """Create every service over one database and one clock, and register their scheduled
        checks."""
        clock = clock or Clock()
        ticker = Ticker()
        calendar = WorkCalendar(store, config.township.default_language, clock=clock)
        topics = TopicService(store, config, calendar, clock=clock)
        topic_schedule = TopicSchedule(topics)
        topic_schedule.register(ticker)
        disclosures = DisclosureService(store, config, clock=clock)
        ticker.register("disclosures.publish", disclosures.publish_due)  # SCH-01, SCH-02
        ticker.register("disclosures.remind", disclosures.remind)  # SCH-01, SCH-09
        topic_schedule.sections.append(disclosures.digest_lines)
        ticker.register("inbox.prune", partial(housekeeping.prune_inbox, store))
        return cls(
            config,
            store,
            clock,
            MembershipService(store, config, clock=clock),
            ticker,
            calendar=calendar,
            topics=topics,
            topic_schedule=topic_schedule,
            disclosures=disclosures,
        )
