"""Long polling that confirms an update to Telegram only after it is stored in the inbox."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.delivery.update_inbox import UpdateInbox
from bot.delivery.update_json import UpdatesRequest
from bot.delivery.wire import retry_seconds
from storage.db import disk_full

log = logging.getLogger(__name__)
MIN_EMPTY_POLL = 0.2

MAX_BACKOFF = 30.0


class Poller:
    """Asks getUpdates for the next offset only once the previous batch is safely stored."""

    def __init__(
        self, bot: Bot, inbox: UpdateInbox, request: UpdatesRequest, *, timeout: int = 30
    ) -> None:
        self.bot = bot
        self.request = request  # the bot's connection for getUpdates
        self.inbox = inbox
        self.timeout = timeout
        self._stopping = False
        self.offset: int | None = None

    def stop(self) -> None:
        """Stop after the current poll."""
        self._stopping = True

    async def run(self) -> None:
        """Poll until stopped; network trouble and bad batches back off, they never end the loop."""
        backoff = 1.0
        while not self._stopping:
            try:
                await self.poll_once()
            except InvalidToken:
                raise
            except RetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc))
                continue
            except (Conflict, TimedOut, NetworkError) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0fs", exc, backoff)
            except Exception as exc:
                if disk_full(exc):
                    # Unconfirmed, Telegram keeps them: asked again once there is space.
                    log.error("the disk is full: updates left with Telegram for now")
                else:
                    log.exception(
                        "a batch of updates could not be taken; retrying in %.0fs", backoff
                    )
            else:
                backoff = 1.0
                continue
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)

    async def poll_once(self) -> None:
        """One getUpdates call; its updates are stored before the next call confirms them."""
        started = time.monotonic()
        # Read and built by the request (an unreadable update as a stand-in): the library's
        # own answer is empty, so no update is built twice (see UpdatesRequest).
        await self.bot.get_updates(
            offset=self.offset,
            timeout=self.timeout,
            allowed_updates=Update.ALL_TYPES,
            read_timeout=10,
        )
        batch, built = self.request.take_batch()
        if not batch and time.monotonic() - started < MIN_EMPTY_POLL:
            # A server that ignores the long-poll timeout would otherwise be asked in a tight
            # loop; Telegram itself answers an empty poll only after the timeout.
            await asyncio.sleep(MIN_EMPTY_POLL)
        if batch:
            # Stored first, as received; only the next call, with the higher offset, confirms them.
            self.inbox.accept(batch, built)
            ids = [_id_of(u) for u in batch if isinstance(_id_of(u), int)]
            self.offset = max(ids) + 1 if ids else self.offset


def _id_of(update: object) -> object:
    return update.get("update_id") if isinstance(update, dict) else None
