"""Incoming updates: stored before Telegram is told they arrived, then handled exactly once.

Each update is stored and handled inside its own guard: one that cannot be stored, read or
handled is parked as failed with its error (and logged), and the loop goes on with the next.
Each person's updates are handled strictly in order, one at a time (a lane per person), while
different people's lanes run side by side: one person's import waiting on the heavy-work pool
never holds up anyone else's message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any

from telegram import Bot, Update

from bot.delivery.update_json import ORIGINAL, UNREADABLE, blocked_change, sender_of
from storage import inbox, users
from storage.db import Store, current_update_id, disk_full

log = logging.getLogger(__name__)

# An update that crashed the process this many times is parked instead of crashing it again.
MAX_ATTEMPTS = 3
# Set by the error handler while an update is handled, so the inbox can park it as failed.
handling_error: ContextVar[BaseException | None] = ContextVar("handling_error", default=None)
# Told (chat_id, user_id) when an update that came from a person could not even be read.
Apology = Callable[[int, int], None]
# Updates taken from the table but not yet handled, at most (memory stays bounded in a flood).
IN_HAND = 500
# Lanes handling an update at the same moment, at most.
SLOTS = 16
# Updates kept as built at receipt until handled, at most; the rest are built again from their
# stored JSON when handled (memory stays bounded in a flood).
KEEP_BUILT = 1000
PENDING, PARKED = 1, 2  # how an update was stored (0: not new)


class UpdateInbox:
    """Stores raw updates (polling or webhook) and feeds them to the application, each person's
    in order."""

    def __init__(
        self,
        store: Store,
        bot: Bot,
        process: Callable[[Update], Awaitable[None]],
        *,
        apologise: Apology = lambda chat_id, user_id: None,
    ) -> None:
        self.store = store
        self.bot = bot
        self.process = process
        self.apologise = apologise
        self._wake = asyncio.Event()
        self._stopping = False
        self._disk_full = False  # set by a lane; run() tries again after the next wake
        self._queues: dict[object, deque[inbox.InboxItem]] = {}
        self._lanes: dict[object, asyncio.Task] = {}
        self._in_hand: set[int] = set()
        self._slots = asyncio.Semaphore(SLOTS)
        self._built: dict[int, Update] = {}  # stored and pending, as built when received
        self.handled = 0
        self._crash: Exception | None = None  # what stopped a lane unexpectedly
        # Updates by outcome since start ("done", "failed"), for /metrics.
        self.outcomes: Counter[str] = Counter()
        # Called after new updates are stored: someone wrote, so a reply is likely on its way.
        self.on_accept: list[Callable[[], None]] = []

    def accept(self, raw_updates: list[Any], built: Mapping[int, Update] | None = None) -> int:
        """Store updates and their senders in one transaction; returns how many were new. The
        objects already `built` for them (by update_id) are used when each is handled, instead
        of building them again from the stored JSON.

        Never raises for a bad update: Telegram would send the same batch again and again.
        """
        new = 0
        waiting: list[int] = []  # stored new and pending: each will be handled
        with self.store.transaction(handling=False) as db:
            for raw in raw_updates:
                stored = self._store_one(db, raw)
                new += stored != 0
                if stored == PENDING:
                    waiting.append(raw["update_id"])
        for update_id in waiting:  # only once committed: one never stored is never handled
            if built and update_id in built and len(self._built) < KEEP_BUILT:
                self._built[update_id] = built[update_id]
        self._wake.set()
        if new:
            for hook in self.on_accept:
                hook()
        return new

    def _store_one(self, db, raw: Any) -> int:
        """0 when not new, PENDING when stored to be handled, PARKED when stored as failed."""
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        if not isinstance(update_id, int) or not 0 <= update_id <= inbox.MAX_UPDATE_ID:
            # No row can hold it; the log line is all that is left of it.
            self._outcome(update_id, "failed", "update_id missing or out of range")
            return 0
        if isinstance(raw.get(ORIGINAL), dict):
            raw = raw[ORIGINAL]  # stored as received: handling it parks it and tells the person
        elif UNREADABLE in raw:
            self._outcome(update_id, "failed", raw[UNREADABLE])
            return PARKED * inbox.park(db, update_id, {"update_id": update_id}, raw[UNREADABLE])
        try:
            new = inbox.store(db, [raw])
        except (RecursionError, ValueError, OverflowError) as exc:
            self._outcome(update_id, "failed", f"{type(exc).__name__}: {exc}")
            return PARKED * inbox.park(db, update_id, {"update_id": update_id}, _describe(exc))
        _remember_sender(db, raw)
        return PENDING * new

    async def run(self) -> None:
        """Handle stored updates until stopped."""
        try:
            while not self._stopping:
                self._disk_full = False
                await self.handle_pending()
                if self._stopping:
                    break
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(5.0):
                        await self._wake.wait()
        finally:
            await asyncio.gather(*self._lanes.values(), return_exceptions=True)

    def stop(self) -> None:
        """Stop after the updates in hand."""
        self._stopping = True
        self._wake.set()

    async def handle_pending(self) -> int:
        """Handle every pending update, each person's in order; returns how many were handled."""
        before = self.handled
        while not self._stopping:
            self._wake.clear()
            self._dispatch()
            if not self._lanes:
                break
            woken = asyncio.ensure_future(self._wake.wait())
            await asyncio.wait({*self._lanes.values(), woken}, return_when=asyncio.FIRST_COMPLETED)
            woken.cancel()
            if self._crash is not None:
                raise self._crash  # an unexpected database error: the loop stops, /healthz shows it
        return self.handled - before

    def _dispatch(self) -> None:
        """Give each pending update not yet in hand to its person's lane, starting lanes."""
        if self._disk_full or len(self._in_hand) >= IN_HAND:
            return
        # The oldest pending ones; those in hand are among them, so this many leaves room.
        for item in inbox.pending(self.store.db, limit=len(self._in_hand) + 100):
            if item.update_id in self._in_hand:
                continue
            self._in_hand.add(item.update_id)
            key = _lane_of(item.payload, item.update_id)
            self._queues.setdefault(key, deque()).append(item)
            if key not in self._lanes:
                self._lanes[key] = asyncio.create_task(self._run_lane(key))

    async def _run_lane(self, key: object) -> None:
        """Handle one person's updates in order until none is left (or the disk is full)."""
        queue = self._queues[key]
        try:
            while queue and not self._stopping and not self._disk_full:
                async with self._slots:
                    if not await self._handle(queue[0]):
                        self._disk_full = True  # this update and the rest wait (run())
                        break
                self._in_hand.discard(queue.popleft().update_id)
                self.handled += 1
        except Exception as error:  # not the update's fault (that is parked): stop handling
            self._crash = error
        finally:
            # Whatever is left stays pending in the table and is taken again later.
            self._in_hand.difference_update(item.update_id for item in queue)
            del self._queues[key], self._lanes[key]

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
        started = time.monotonic()
        built = self._built.pop(item.update_id, None)
        if item.attempts >= MAX_ATTEMPTS:
            error: BaseException | str | None = "crashed the bot repeatedly"
        else:
            with self.store.transaction() as db:
                inbox.begin_attempt(db, item.update_id)
            error = await self._process(item, built)
        changed = self.store.marked_done(item.update_id)  # and forgotten there, in any case
        if not isinstance(error, str) and disk_full(error):
            # Not the update's fault: it stays pending, this attempt uncounted (nothing lost).
            with self.store.transaction(handling=False) as db:
                inbox.end_attempt(db, item.update_id)
            log.error("the disk is full: update %s waits for space", item.update_id)
            return False
        if error is not None:
            with self.store.transaction(handling=False) as db:
                inbox.mark_failed(db, item.update_id, _describe(error))
        elif not changed:
            # A handler that changed nothing; one that did was marked done with its change.
            with self.store.transaction(handling=False) as db:
                inbox.mark_done(db, item.update_id)
        self._outcome(item.update_id, "done" if error is None else "failed", error, started)
        return True

    async def _process(self, item: inbox.InboxItem, built: Update | None) -> BaseException | None:
        """Handle one update (as built when received, else built now from its stored JSON); the
        error that stopped it, or None."""
        try:
            update = built or Update.de_json(item.payload, self.bot)
        except Exception as exc:  # python-telegram-bot could not read it: nothing to run
            self._apologise_raw(item.payload)
            return exc
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
        return error

    def _apologise_raw(self, payload: Any) -> None:
        person = _person_of(payload)
        if person is None:
            return
        try:
            self.apologise(*person)
        except Exception:
            log.exception("could not tell the person about update %s", payload.get("update_id"))

    def _outcome(
        self,
        update_id: object,
        outcome: str,
        error: BaseException | str | None,
        started: float | None = None,
    ) -> None:
        """Count the update and write its one log line: id, outcome, time taken, error."""
        self.outcomes[outcome] += 1
        took = f" ms={(time.monotonic() - started) * 1000:.0f}" if started is not None else ""
        if error is None:
            log.info("update=%s outcome=%s%s", update_id, outcome, took)
        else:
            reason = _describe(error)
            log.warning("update=%s outcome=%s%s error=%r", update_id, outcome, took, reason)


def _describe(error: BaseException | str) -> str:
    if isinstance(error, str):
        return error
    if isinstance(error, RecursionError):
        return "RecursionError: JSON nested too deeply"
    return f"{type(error).__name__}: {error}"


def _person_of(payload: Any) -> tuple[int, int] | None:
    """(chat_id, user_id) of a private message in a raw update, when it has both."""
    if not isinstance(payload, dict):
        return None
    for kind in ("message", "edited_message"):
        fields = payload.get(kind)
        if not isinstance(fields, dict):
            continue
        chat, sender = fields.get("chat"), fields.get("from")
        if isinstance(chat, dict) and isinstance(sender, dict):
            chat_id, user_id = chat.get("id"), sender.get("id")
            if isinstance(chat_id, int) and isinstance(user_id, int) and chat_id == user_id:
                return chat_id, user_id
    return None


def _lane_of(payload: Any, update_id: int) -> object:
    """Whose update this is: updates of one person (or, without a sender, one chat) share a lane
    and are handled in order; one that names neither has a lane of its own."""
    for kind, fields in payload.items() if isinstance(payload, dict) else ():
        if kind == "update_id" or not isinstance(fields, dict):
            continue
        sender = fields.get("from") or fields.get("user")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return ("person", sender["id"])
        chat = fields.get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return ("chat", chat["id"])
    return ("update", update_id)


def _remember_sender(db, raw: dict) -> None:
    # Read from the JSON: building the update's objects here as well would double their cost.
    # A malformed update is parked when handled, never lost here.
    user = sender_of(raw)
    if user is None:
        return
    users.seen(db, user.id, user.first_name, user.last_name, user.username, user.language_code)
    blocked = blocked_change(raw)
    if blocked is not None:
        # The person blocked (kicked) or unblocked the bot in their private chat.
        users.set_active(db, user.id, not blocked)
