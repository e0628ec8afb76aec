"""Progress of long work shown in one message, edited as the work advances and told when done.

The work (often in the heavy-work pool) only calls `Progress.report`; a task on the loop turns
the latest figures into an outbox edit now and then. Nothing is shown for work quicker than
`[progress] after_seconds`. Progress messages are notes about an update, not its state change,
so they commit on their own (`handling=False`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator

from bot.config import ProgressConfig
from bot.delivery.messages import Text, queue
from bot.i18n import Term, t
from storage import outbox
from storage.db import Store


class Progress:
    """How far the work has come; `report` may be called from any thread."""

    def __init__(self) -> None:
        self.figures: tuple[int, int | None] | None = None

    def report(self, done: int, total: int | None = None) -> None:
        """Record the latest figures (one assignment, atomic: the loop reads whole pairs)."""
        self.figures = (done, total)


class _Shown:
    """The progress message of one piece of work, queued under one key and edited under it."""

    def __init__(self, store: Store, chat_id: int, language: str, what: str) -> None:
        self.store = store
        self.chat_id = chat_id
        self.language = language
        self.what = Term(f"progress.what.{what}")
        self.key = f"progress:{chat_id}:{uuid.uuid4().hex}"
        self.started = time.monotonic()
        self.edits = 0
        self.shown = False

    def text(self, progress: Progress) -> str:
        seconds = round(time.monotonic() - self.started)
        done, total = progress.figures or (None, None)
        if done is None:
            return t(self.language, "progress.working", what=self.what, seconds=seconds)
        key = "progress.counted" if total is None else "progress.counted_of"
        return t(self.language, key, what=self.what, done=done, total=total, seconds=seconds)

    def show(self, text: str) -> None:
        """Queue the message the first time, then an edit replacing any edit not yet sent."""
        with self.store.transaction(handling=False) as db:
            if not self.shown:
                queue(db, self.key, self.chat_id, Text(text), priority=outbox.INTERACTIVE)
                self.shown = True
                return
            outbox.drop_pending(db, f"{self.key}:edit:")
            self.edits += 1
            owed = Text(text, edit_of_key=self.key)
            queue(
                db, f"{self.key}:edit:{self.edits}", self.chat_id, owed, priority=outbox.INTERACTIVE
            )

    async def follow(self, progress: Progress, limits: ProgressConfig) -> None:
        await asyncio.sleep(limits.after_seconds)
        while True:
            self.show(self.text(progress))
            await asyncio.sleep(limits.every_seconds)


@contextlib.asynccontextmanager
async def progress_shown(
    store: Store, limits: ProgressConfig, chat_id: int, language: str, what: str
) -> AsyncIterator[Progress]:
    """Run the block with a Progress to report to; if it outlasts the threshold, one message
    follows it and finally says it is done (or stopped, when the block failed)."""
    progress = Progress()
    shown = _Shown(store, chat_id, language, what)
    follower = asyncio.create_task(shown.follow(progress, limits), name=f"progress:{what}")
    ending = "progress.stopped"
    try:
        yield progress
        ending = "progress.done"
    finally:
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
        if shown.shown:
            seconds = round(time.monotonic() - shown.started)
            shown.show(t(language, ending, what=shown.what, seconds=seconds))
