"""Routine upkeep the scheduler runs: forgetting handled updates once redelivery is impossible."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage import inbox
from storage.db import Store

# Telegram keeps an unconfirmed update for 24 hours; a week of handled ones is ample to recognise
# any redelivery, and keeps the inbox small.
KEEP_HANDLED = timedelta(days=7)


def prune_inbox(store: Store, now: datetime) -> int:
    """Delete handled and parked updates older than KEEP_HANDLED; pending ones always stay."""
    with store.transaction() as db:
        return inbox.prune(db, now - KEEP_HANDLED)
