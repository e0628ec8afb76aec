"""Incoming updates: stored before Telegram is told they arrived, then handled exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from telegram import Bot, ChatMemberUpdated, Update

from storage import inbox, users
from storage.db import Store, current_update_id, disk_full

log = logging.getLogger(__name__)

# An update that crashed the process this many times is parked instead of crashing it again.
MAX_ATTEMPTS = 3
# Set by the error handler while an update is handled, so the inbox can park it as failed.
handling_error: ContextVar[BaseException | None] = ContextVar("handling_error", default=None)


class UpdateInbox:
    """Stores raw updates (polling or webhook) and feeds them one by one to the application."""

    def __init__(
        self, store: Store, bot: Bot, process: Callable[[Update], Awaitable[None]]
    ) -> None:
        self.store = store
        self.bot = bot
        self.process = process
        self._wake = asyncio.Event()
        self._stopping = False
        self.on_handled: Callable[[], None] = lambda: None

    def accept(self, raw_updates: list[dict]) -> int:
        """Store updates and their senders in one transaction; returns how many were new."""
        with self.store.transaction() as db:
            new = inbox.store(db, raw_updates)
            for raw in raw_updates:
                try:
                    _remember_sender(db, Update.de_json(raw, self.bot))
                except (TypeError, ValueError, KeyError, AttributeError):
                    # Kept anyway: a malformed update is parked by the handler, never lost here.
                    log.warning("could not read the sender of update %s", raw.get("update_id"))
        self._wake.set()
        return new

    async def run(self) -> None:
        """Handle stored updates until stopped."""
        while not self._stopping:
            await self.handle_pending()
            if self._stopping:
                break
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=5.0)

    def stop(self) -> None:
        """Stop after the update in hand."""
        self._stopping = True
        self._wake.set()

    async def handle_pending(self) -> int:
        """Handle every pending update in order; returns how many were handled."""
        handled = 0
        while not self._stopping:
            batch = inbox.pending(self.store.db, limit=50)
            if not batch:
                break
            for item in batch:
                if self._stopping:
                    break
                if not await self._handle(item):
                    return handled  # the disk is full: this update and the rest wait (run())
                handled += 1
        return handled

    async def _handle(self, item: inbox.InboxItem) -> bool:
        """Handle one update; False when the disk is full and it stays pending for later."""
        try:
            return await self._attempt(item)
        except sqlite3.OperationalError as error:
            if not disk_full(error):
                raise
            log.error("the disk is full: update %s waits for space", item.update_id)
            return False

    async def _attempt(self, item: inbox.InboxItem) -> bool:
        if item.attempts >= MAX_ATTEMPTS:
            with self.store.transaction() as db:
                inbox.mark_failed(db, item.update_id, "crashed the bot repeatedly")
            return True
        with self.store.transaction() as db:
            inbox.begin_attempt(db, item.update_id)
        update = Update.de_json(item.payload, self.bot)
        update_token = current_update_id.set(item.update_id)
        error_token = handling_error.set(None)
        try:
            await self.process(update)
            error = handling_error.get()
        except Exception as exc:  # process() reports handler errors itself; this is a last resort
            error = exc
        finally:
            current_update_id.reset(update_token)
        handling_error.reset(error_token)
        if disk_full(error):
            # Not the update's fault: it stays pending, this attempt uncounted (nothing lost).
            with self.store.transaction() as db:
                inbox.end_attempt(db, item.update_id)
            return False
        with self.store.transaction() as db:
            if error is None:
                inbox.mark_done(db, item.update_id)
            else:
                inbox.mark_failed(db, item.update_id, f"{type(error).__name__}: {error}")
        self.on_handled()
        return True


def _remember_sender(db, update: Update) -> None:
    user = update.effective_user
    if user is None or user.is_bot:
        return
    users.seen(db, user.id, user.first_name, user.last_name, user.username, user.language_code)
    member = update.my_chat_member
    if isinstance(member, ChatMemberUpdated) and member.chat.type == "private":
        # The person blocked (kicked) or unblocked the bot in their private chat.
        users.set_active(db, user.id, member.new_chat_member.status != "kicked")
