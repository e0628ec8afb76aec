"""Routine upkeep the scheduler runs: forgetting handled updates and sent messages once the
retention setting ([storage] keep_delivered_days) has passed."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage import inbox, outbox
from storage.db import Store


def prune_delivered(store: Store, keep_days: int, now: datetime) -> dict[str, int]:
    """Delete handled or parked updates and sent or abandoned messages older than `keep_days`;
    pending ones always stay. Returns how many of each went."""
    before = now - timedelta(days=keep_days)
    with store.transaction() as db:
        return {"inbox": inbox.prune(db, before), "outbox": outbox.prune(db, before)}
