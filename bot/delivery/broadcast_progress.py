"""The progress of broadcasts (a publication's notices to its subscribers), shown to the official
who published in one message that is edited as the notices leave and says when all are sent.

A broadcast is followed from the database (`storage/broadcasts.py`), so a restart picks it up
again; nothing is shown for one that finishes within `[progress] after_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from bot.config import ProgressConfig
from bot.delivery.messages import Text, queue
from bot.i18n import Term, t
from storage import broadcasts, outbox
from storage.broadcasts import Broadcast
from storage.db import Store
from storage.times import utcnow

WHAT = Term("progress.what.broadcast")


class BroadcastProgress:
    """Looks at unfinished broadcasts every `every_seconds` and shows how far each has come."""

    def __init__(self, store: Store, limits: ProgressConfig) -> None:
        self.store = store
        self.limits = limits
        self._seen: dict[str, float] = {}  # key prefix → when this process first saw it
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        """Follow broadcasts until stopped."""
        while not self._stopping.is_set():
            self.check(time.monotonic())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self.limits.every_seconds)

    def stop(self) -> None:
        self._stopping.set()

    def check(self, now: float) -> None:
        """One look at every unfinished broadcast."""
        for b in broadcasts.unfinished(self.store.db):
            seen = self._seen.setdefault(b.key_prefix, now)
            left = outbox.count_left(self.store.db, b.key_prefix)
            done = left == 0
            if b.shown or (now - seen >= self.limits.after_seconds and not done):
                self._show(b, b.total - left, round(now - seen), done)
            if done:
                with self.store.transaction(handling=False) as db:
                    broadcasts.finish(db, b.key_prefix, utcnow())
                self._seen.pop(b.key_prefix, None)

    def _show(self, b: Broadcast, sent: int, seconds: int, done: bool) -> None:
        """Queue the progress message the first time, then an edit replacing any not yet sent."""
        if done:
            text = t(b.language, "progress.done", what=WHAT, seconds=seconds)
        else:
            text = t(
                b.language, "progress.counted_of", what=WHAT, done=sent, total=b.total,
                seconds=seconds,
            )  # fmt: skip
        key = f"{b.key_prefix}progress"
        with self.store.transaction(handling=False) as db:
            edits = broadcasts.record_shown(db, b.key_prefix)
            if not b.shown:
                queue(db, key, b.chat_id, Text(text), priority=outbox.INTERACTIVE)
                return
            outbox.drop_pending(db, f"{key}:edit:")
            queue(
                db,
                f"{key}:edit:{edits + 1}",
                b.chat_id,
                Text(text, edit_of_key=key),
                priority=outbox.INTERACTIVE,
            )
