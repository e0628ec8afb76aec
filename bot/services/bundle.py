"""The services one running bot shares between its handlers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config
from bot.services.membership import MembershipService
from bot.services.ticks import Ticker
from storage.db import Store


@dataclass(frozen=True, slots=True)
class Services:
    config: Config
    store: Store
    membership: MembershipService
    ticker: Ticker

    @classmethod
    def build(cls, config: Config, store: Store) -> Services:
        """Create every service over one database, and register their scheduled checks."""
        ticker = Ticker()
        return cls(config, store, MembershipService(store, config), ticker)
