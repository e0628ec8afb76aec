"""Long polling that confirms an update to Telegram only after it is stored in the inbox."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.delivery.inbox import UpdateInbox
from bot.delivery.wire import retry_seconds
from storage.db import disk_full

log = logging.getLogger(__name__)
MIN_EMPTY_POLL = 0.2


class Poller:
    """Asks getUpdates for the next offset only once the previous batch is safely stored."""

    def __init__(self, bot: Bot, inbox: UpdateInbox, *, timeout: int = 30) -> None:
        self.bot = bot
        self.inbox = inbox
        self.timeout = timeout
        self._stopping = False

    def stop(self) -> None:
        """Stop after the current poll."""
        self._stopping = True

    async def run(self) -> None:
        """Poll until stopped; network trouble backs off, it never ends the loop."""
        offset: int | None = None
        backoff = 1.0
        while not self._stopping:
            started = time.monotonic()
            try:
                updates = await self.bot.get_updates(
                    offset=offset,
                    timeout=self.timeout,
                    allowed_updates=Update.ALL_TYPES,
                    read_timeout=10,
                )
            except InvalidToken:
                raise
            except RetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc))
                continue
            except (Conflict, TimedOut, NetworkError) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            if not updates and time.monotonic() - started < MIN_EMPTY_POLL:
                # A server that ignores the long-poll timeout would otherwise be asked in a tight
                # loop; Telegram itself answers an empty poll only after the timeout.
                await asyncio.sleep(MIN_EMPTY_POLL)
            if updates:
                # Stored first; only the next call, with the higher offset, confirms them.
                try:
                    self.inbox.accept([u.to_dict() for u in updates])
                except sqlite3.OperationalError as error:
                    if not disk_full(error):
                        raise
                    # Unconfirmed, Telegram keeps them: asked again once there is space.
                    log.error("the disk is full: updates left with Telegram for now")
                    await asyncio.sleep(backoff)
                    continue
                offset = updates[-1].update_id + 1
