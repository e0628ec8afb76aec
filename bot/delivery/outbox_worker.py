"""The outbox worker: sends what people are owed, within Telegram's limits, surviving crashes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.config import OutboxConfig
from bot.delivery.messages import KINDS, Message, Text, decode
from bot.delivery.pacing import Pacing
from bot.delivery.wire import retry_seconds, send
from storage import audit, outbox, users
from storage.db import Store
from storage.outbox import OutboxMessage
from storage.times import utcnow

log = logging.getLogger(__name__)

IDLE_WAIT = 30.0
MAX_BACKOFF = 300.0
EDIT_WAIT = 0.2  # seconds an edit waits for the message it edits to be sent
# The kinds a person reads in a chat, kept in the order queued (a menu is not read in order).
IN_ORDER = tuple(kind for kind in KINDS if kind != "menu")
# Telegram's answer to an edit that changes nothing (the BadRequest text, lower case).
NOT_MODIFIED = "message is not modified"


def lanes(in_flight: int) -> tuple[int, int]:
    """(bulk, reply) sends in flight at once for `[outbox] in_flight`: with room for more than
    one, a reply someone waits for gets a lane of its own beside the bulk sends, and the rest
    overlap bulk sends so a round trip does not delay the next slot. With one (DESIGN §7: at
    most the one message in flight is sent twice after a crash) a reply takes the next turn.
    A chat has at most one send in flight, so each person still reads their messages in order."""
    reply = 1 if in_flight > 1 else 0
    return in_flight - reply, reply


class OutboxWorker:
    """One task that drains the outbox in priority order; wake() it after queuing something."""

    def __init__(
        self,
        store: Store,
        bot: Bot,
        limits: OutboxConfig,
        *,
        now: Callable[[], datetime] = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.bot = bot
        self.limits = limits
        self.now = now
        self.monotonic = monotonic
        self.pacing = Pacing(limits)
        self.max_backoff = MAX_BACKOFF  # the longest wait before a retry (tests shorten it)
        self._wake = asyncio.Event()
        self._stopping = False
        self._in_flight: dict[int, asyncio.Task] = {}  # chat → its send being answered
        self._bulk_in_flight = 0
        self.bulk_lanes, self.reply_lanes = lanes(limits.in_flight)

    def wake(self) -> None:
        """Tell the worker there may be something new to send."""
        self._wake.set()

    def someone_wrote(self) -> None:
        """Someone wrote to the bot: while people talk, bulk sends keep a place for replies."""
        self.pacing.talking(self.monotonic())

    def stop(self) -> None:
        """Finish the sends in flight, then return from run()."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Send until stopped; rows stay in the database, so a crash only delays them."""
        while not self._stopping:
            try:
                wait = await self.send_due()
            except Exception:
                log.exception("outbox worker failed; retrying shortly")
                wait = 1.0
            if self._stopping:
                break
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()
        await self.drain()

    async def drain(self) -> None:
        """Wait until every send in flight is answered and its answer recorded."""
        while self._in_flight:
            await asyncio.gather(*self._in_flight.values(), return_exceptions=True)

    async def send_due(self) -> float:
        """Start every send whose time has come, whose chat is free and for which a lane is free;
        return seconds to wait (an answer coming back wakes the worker sooner)."""
        while not self._stopping:
            busy = self._in_flight.keys()
            if len(busy) >= self.bulk_lanes + self.reply_lanes:
                return IDLE_WAIT
            due = outbox.next_due(self.store.db, self.now(), in_order=IN_ORDER, busy=busy)
            if due is None:
                return self._idle_wait(self.now(), busy)
            if due.waiting_until is not None:
                # A message awaiting its retry: the later ones to its chat wait for it, in order.
                with self.store.transaction() as db:
                    outbox.hold_behind(db, outbox.by_id(db, due.id), IN_ORDER)
                continue
            # What nobody waits for is spread over the second, leaving room for replies.
            bulk = due.priority > outbox.INTERACTIVE
            if bulk and self._bulk_in_flight >= self.bulk_lanes:
                return IDLE_WAIT  # replies pick first, so none is due: wait for an answer
            now = self.monotonic()
            overall_at = self.pacing.overall_ready_at(now, spread=bulk)
            if overall_at > now:
                return overall_at - now
            chat_at = self.pacing.chat_ready_at(due.chat_id, now)
            if chat_at > now:
                # The chat waits in the queue, so the next picks pass over it without reading it;
                # rounded up to the next microsecond, so the hold always moves it on.
                until = self.now() + timedelta(microseconds=math.ceil((chat_at - now) * 1e6))
                with self.store.transaction() as db:
                    outbox.hold_chat(db, due.chat_id, until)
                continue
            self._start(outbox.by_id(self.store.db, due.id), bulk=bulk)
        return 0.0

    def _start(self, message: OutboxMessage, *, bulk: bool) -> None:
        """Start one send in its own task; it takes its place under the limits at once, so the
        next pick, before any answer, already counts it."""
        owed = self._edit_target(message, decode(message.kind, message.payload, message.file))
        if owed is None:
            return
        self.pacing.started(message.chat_id, self.monotonic())
        self._bulk_in_flight += bulk
        task = asyncio.create_task(self._deliver(message, owed, bulk=bulk))
        self._in_flight[message.chat_id] = task

    async def _deliver(self, message: OutboxMessage, owed: Message, *, bulk: bool) -> None:
        """Send and record the answer; the chat stays busy until its row says what happened."""
        try:
            await self._send(message, owed)
        except Exception:
            log.exception("outbox %s: recording the send failed", message.idempotency_key)
            self.pacing.pause(message.chat_id, self.monotonic() + 1.0)
        finally:
            self._bulk_in_flight -= bulk
            del self._in_flight[message.chat_id]
            self.wake()

    def _idle_wait(self, now: datetime, busy: Collection[int]) -> float:
        upcoming = outbox.next_due_at(self.store.db, busy=busy)
        if upcoming is None:
            return IDLE_WAIT
        return min(IDLE_WAIT, max(0.01, (upcoming - now).total_seconds()))

    def _edit_target(self, message: OutboxMessage, owed: Message) -> Message | None:
        """An edit of a message queued under a key, pointed at the message Telegram sent; None
        (and the row set aside) while that message is still waiting or when it never went."""
        if not isinstance(owed, Text) or owed.edit_of_key is None:
            return owed
        target = outbox.get(self.store.db, owed.edit_of_key)
        if target is not None and target.message_id is not None:
            return replace(owed, edit_message_id=target.message_id, edit_of_key=None)
        with self.store.transaction() as db:
            if target is None or target.status != "pending":
                outbox.mark_failed(db, message.id, "nothing to edit: its message was not sent")
            else:  # wait for the message being edited, without counting an attempt
                at = self.now() + timedelta(seconds=EDIT_WAIT)
                outbox.postpone(db, message.id, at, "waiting for the message it edits")
        return None

    async def _send(self, message: OutboxMessage, owed: Message) -> None:
        try:
            message_id = await self._paced_send(message.chat_id, owed)
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            self.pacing.pause(message.chat_id, self.monotonic() + seconds)
            self._retry(message, seconds, f"429 retry after {seconds}s", count_attempt=False)
        except Forbidden as exc:
            self._blocked(message, str(exc))
        except BadRequest as exc:
            if NOT_MODIFIED in exc.message.lower():
                # The message already reads so: an earlier attempt that timed out made the edit.
                with self.store.transaction() as db:
                    outbox.mark_sent(db, message.id, None)
                return
            with self.store.transaction() as db:
                outbox.mark_failed(db, message.id, f"400 {exc.message}")
            log.warning("outbox %s failed permanently: %s", message.idempotency_key, exc.message)
        except (NetworkError, TelegramError) as exc:
            backoff = min(self.max_backoff, 2.0**message.attempts)
            self._retry(message, backoff, f"{type(exc).__name__}: {exc}")
        else:
            with self.store.transaction() as db:
                outbox.mark_sent(db, message.id, message_id)

    async def _paced_send(self, chat_id: int, owed: Message) -> int | None:
        """Send; its place under the overall limit, held since its start, counts from its answer."""
        try:
            return await send(self.bot, chat_id, owed)
        finally:
            self.pacing.finished(self.monotonic())

    def _retry(self, message: OutboxMessage, seconds: float, error: str, *, count_attempt=True):
        with self.store.transaction() as db:
            if count_attempt and message.attempts + 1 >= self.limits.max_attempts:
                outbox.mark_failed(db, message.id, error)
                log.warning("outbox %s gave up: %s", message.idempotency_key, error)
                return
            at = self.now() + timedelta(seconds=seconds)
            if count_attempt:
                outbox.retry_later(db, message.id, at, error)
            else:
                outbox.postpone(db, message.id, at, error)

    def _blocked(self, message: OutboxMessage, error: str) -> None:
        """The person blocked the bot (403): stop writing to them until they write again."""
        with self.store.transaction() as db:
            outbox.mark_failed(db, message.id, f"403 {error}")
            outbox.fail_pending_for_chat(db, message.chat_id, f"403 {error}")
            if message.chat_id > 0 and users.get(db, message.chat_id) is not None:
                users.set_active(db, message.chat_id, False)
                audit.record(
                    db, None, "user.unreachable", f"user:{message.chat_id}", after={"error": error}
                )
