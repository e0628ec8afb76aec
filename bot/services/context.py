"""What every domain service works over: one database, one configuration, one working-day
calendar and one clock, built once by `Services.build` and passed explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.core.clock import Clock
from bot.core.local_time import day_start, local_date
from bot.services.calendar import WorkCalendar
from storage.db import Store


@dataclass(frozen=True, slots=True)
class Context:
    store: Store
    config: Config
    calendar: WorkCalendar
    clock: Clock

    @classmethod
    def build(cls, config: Config, store: Store, clock: Clock | None = None) -> Context:
        """The context of a running bot; `clock` is fixed by tests and left out otherwise."""
        clock = clock or Clock()
        calendar = WorkCalendar(store, config.township.default_language, clock=clock)
        return cls(store, config, calendar, clock)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def tz(self) -> ZoneInfo:
        """The township's time zone: stored times are UTC, shown local (DESIGN §4)."""
        return self.config.township.tz

    @property
    def default_language(self) -> str:
        return self.config.township.default_language

    def local_date(self, moment: datetime) -> date:
        """The township's calendar day at a moment."""
        return local_date(moment, self.tz)

    def local_start(self, day: date) -> datetime:
        """The moment a local calendar day begins."""
        return day_start(day, self.tz)
