"""The outbox worker's concurrent sends (DESIGN §7): a reply goes beside the bulk sends in flight,
one chat never has two sends in flight, and across all lanes no second at Telegram holds more than
the cap. A fake clock and a fake bot: each answer comes after a latency counted in fake seconds,
and the simulation moves the clock from one answer or wake-up to the next."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import NetworkError, RetryAfter

from bot.config import OutboxConfig
from bot.delivery import messages
from bot.delivery.messages import Text
from bot.delivery.outbox_worker import OutboxWorker
from bot.delivery.pacing import TALKING
from storage import outbox
from storage.db import Store
from storage.times import utcnow

os.environ.setdefault("PTB_TIMEDELTA", "1")  # as the bot runs: retry_after as a timedelta
SETTLE = 20  # loop turns that let every started or answered send run to its next wait
LIMIT = 3600.0  # fake seconds a simulation may take before it counts as stuck


class FakeClock:
    """Fake seconds, with timers the fake bot's answers wait on."""

    def __init__(self) -> None:
        self.t = 0.0
        # Ahead of the real time the rows are queued at, so they are due from the start.
        self.base = utcnow() + timedelta(hours=1)
        self._timers: list[tuple[float, int, asyncio.Future]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return self.base + timedelta(seconds=self.t)

    def sleep(self, seconds: float) -> asyncio.Future:
        done = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.t + seconds, next(self._order), done))
        return done

    def next_timer(self) -> float:
        return self._timers[0][0] if self._timers else float("inf")

    def advance(self, to: float) -> None:
        self.t = max(self.t, to)
        while self._timers and self._timers[0][0] <= self.t:
            heapq.heappop(self._timers)[2].set_result(None)


@dataclass
class Call:
    """One send as Telegram saw it: it may count it at any moment from `start` to `end`."""

    chat_id: int
    text: str
    start: float
    end: float = float("inf")
    answer: str = "ok"  # ok, 429, network or broken


class FakeBot:
    """Answers each sendMessage (as the outbox sends a text: `do_api_request`) after its planned
    latency; the plan may fail a call instead."""

    def __init__(self, clock: FakeClock, latencies: list[float], faults: list[str]) -> None:
        self.clock = clock
        self.latencies = latencies
        self.faults = faults
        self.calls: list[Call] = []
        self.most_in_flight = 0

    async def do_api_request(self, endpoint: str, api_kwargs: dict) -> dict:
        assert endpoint == "sendMessage"
        chat_id, text = api_kwargs["chat_id"], api_kwargs["text"]
        n = len(self.calls)
        call = Call(chat_id, text, self.clock.t)
        self.calls.append(call)
        in_flight = sum(c.end == float("inf") for c in self.calls)
        self.most_in_flight = max(self.most_in_flight, in_flight)
        await self.clock.sleep(self.latencies[n % len(self.latencies)])
        call.end = self.clock.t
        call.answer = self.faults[n] if n < len(self.faults) else "ok"
        if call.answer == "429":
            raise RetryAfter(retry_after=timedelta(seconds=1))
        if call.answer == "network":
            raise NetworkError("connection reset")
        if call.answer == "broken":
            raise RuntimeError("a bug between the answer and its record")
        return {"message_id": n + 1, "chat": {"id": chat_id, "type": "private"}, "text": text}


def world(latencies=(0.02,), faults=(), **limits) -> tuple[Store, FakeClock, FakeBot, OutboxWorker]:
    store = Store(":memory:")
    clock = FakeClock()
    bot = FakeBot(clock, list(latencies), list(faults))
    settings = {"global_per_second": 5, "max_attempts": 20, "in_flight": 3, **limits}
    config = OutboxConfig(**settings)
    worker = OutboxWorker(store, bot, config, now=clock.now, monotonic=clock.monotonic)
    worker.max_backoff = 2.0
    return store, clock, bot, worker


def queue(store: Store, key: str, chat_id: int, priority: int = outbox.BULK) -> None:
    with store.transaction() as db:
        messages.queue(db, key, chat_id, Text(key), priority=priority)


async def settle() -> None:
    for _ in range(SETTLE):
        await asyncio.sleep(0)


async def start_due(worker: OutboxWorker) -> float:
    """Start what may go now (an old worker, sending one at a time, would wait here for the
    answer that never comes without the clock moving); the seconds until it wants to look again."""
    wait = await asyncio.wait_for(worker.send_due(), timeout=5)
    await settle()
    return wait


async def step(worker: OutboxWorker, clock: FakeClock) -> None:
    """Start what may go, then move the clock to the next answer or wake-up and let it land."""
    wait = await start_due(worker)
    clock.advance(min(clock.t + wait, clock.next_timer()))
    await settle()


async def run_until_sent(store: Store, clock: FakeClock, worker: OutboxWorker) -> None:
    while outbox.counts(store.db).get("pending", 0):
        assert clock.t < LIMIT, "the outbox stopped sending"
        await step(worker, clock)


async def test_a_reply_goes_while_bulk_sends_are_in_flight():
    store, clock, bot, worker = world(latencies=[0.5])  # slow answers
    for uid in range(3000, 3010):
        queue(store, f"bulk:{uid}", uid)
    # Bulk sends start a slot apart (1/5 s here, up to half a slot early).
    clock.advance(await start_due(worker))
    await start_due(worker)
    assert [c.chat_id for c in bot.calls] == [3000, 3001]
    assert clock.t < bot.calls[0].end  # both still in flight
    queue(store, "reply:1001", 1001, outbox.INTERACTIVE)
    await start_due(worker)
    reply = bot.calls[-1]
    assert reply.chat_id == 1001
    assert reply.start == clock.t and all(c.end > reply.start for c in bot.calls[:-1])
    await run_until_sent(store, clock, worker)
    assert bot.most_in_flight == 3
    assert outbox.get(store.db, "reply:1001").status == "sent"


async def test_one_in_flight_sends_one_at_a_time_replies_first():
    # DESIGN §7's bound: after a crash at most the one message in flight is sent twice.
    store, clock, bot, worker = world(latencies=[0.5], in_flight=1)
    for uid in range(3000, 3004):
        queue(store, f"bulk:{uid}", uid)
    clock.advance(await start_due(worker))
    queue(store, "reply:1001", 1001, outbox.INTERACTIVE)
    await run_until_sent(store, clock, worker)
    assert bot.most_in_flight == 1
    assert [c.chat_id for c in bot.calls][:2] == [3000, 1001]  # the reply takes the next turn


async def test_one_chat_waits_for_its_send_in_flight_and_keeps_its_order():
    store, clock, bot, worker = world(latencies=[0.3, 0.01, 1.4, 0.05], global_per_second=20)
    for n in range(6):
        queue(store, f"notice:{n}", 7, outbox.NORMAL)
        queue(store, f"other:{n}", 100 + n)
    queue(store, "reply", 7, outbox.INTERACTIVE)
    await run_until_sent(store, clock, worker)
    to_seven = [c for c in bot.calls if c.chat_id == 7]
    assert [c.text for c in to_seven][1:] == [f"notice:{n}" for n in range(6)]
    for before, after in itertools.pairwise(to_seven):
        assert after.start >= max(before.end, before.start + 1.0)  # one at a time, 1 s apart
    assert bot.most_in_flight > 1  # the other chats' sends did overlap


async def test_a_429_pauses_only_its_chat_and_the_message_goes_once_after_it():
    store, clock, bot, worker = world(latencies=[0.05], faults=["ok", "429"])
    queue(store, "bulk:1", 1)
    queue(store, "bulk:2", 2)
    queue(store, "bulk:2b", 2)
    queue(store, "bulk:3", 3)
    await run_until_sent(store, clock, worker)
    refused = bot.calls[1]
    assert (refused.chat_id, refused.answer) == (2, "429")
    retried = [c for c in bot.calls if c.chat_id == 2][1:]
    assert [c.text for c in retried] == ["bulk:2", "bulk:2b"]
    assert retried[0].start >= refused.end + 1.0  # retry_after honoured
    assert next(c for c in bot.calls if c.chat_id == 3).start < refused.end + 1.0
    sent = [c.text for c in bot.calls if c.answer == "ok"]
    assert sorted(sent) == ["bulk:1", "bulk:2", "bulk:2b", "bulk:3"]
    assert outbox.get(store.db, "bulk:2").attempts == 1  # a 429 is not a failed attempt


async def test_a_send_that_breaks_unexpectedly_frees_its_chat_and_goes_again():
    store, clock, bot, worker = world(faults=["broken"])
    queue(store, "notice", 5, outbox.NORMAL)
    queue(store, "next", 5, outbox.NORMAL)
    await run_until_sent(store, clock, worker)
    assert [(c.text, c.answer) for c in bot.calls] == [
        ("notice", "broken"),
        ("notice", "ok"),
        ("next", "ok"),
    ]
    assert bot.calls[1].start >= bot.calls[0].end + 1.0  # the chat rested before trying again


def most_in_any_second(calls: list[Call]) -> int:
    """The most sends Telegram may have counted in one second, whenever between its start and
    its answer it counted each: a send started at s shares a second with every earlier one
    answered after s - 1."""
    worst = 0
    for latest in calls:
        together = [c for c in calls if c.start <= latest.start and c.end > latest.start - 1.0]
        worst = max(worst, len(together))
    return worst


messages_strategy = st.lists(
    st.tuples(
        st.sampled_from([1, 2, 3, 4, 5, 6, -100, -200]),
        st.sampled_from([outbox.INTERACTIVE, outbox.NORMAL, outbox.BULK]),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=40, deadline=None)
@given(
    queued=messages_strategy,
    late=messages_strategy,
    latencies=st.lists(st.floats(0.001, 0.6), min_size=1, max_size=12),
    faults=st.lists(st.sampled_from(["ok", "ok", "429", "network"]), max_size=8),
    cap=st.integers(2, 8),
    in_flight=st.integers(1, 3),
)
def test_the_cap_holds_in_every_second_across_lanes(
    queued, late, latencies, faults, cap, in_flight
):
    asyncio.run(simulate(queued, late, latencies, faults, cap, in_flight))


async def simulate(queued, late, latencies, faults, cap, in_flight) -> None:
    limits = {"global_per_second": cap, "group_per_minute": 4, "in_flight": in_flight}
    store, clock, bot, worker = world(latencies, faults, **limits)
    keys = [f"m{n}" for n in range(len(queued) + len(late))]
    for key, (chat, priority) in zip(keys, queued, strict=False):
        queue(store, key, chat, priority)
    await step(worker, clock)
    # More arrive while the first are in flight, replies among them.
    for key, (chat, priority) in zip(keys[len(queued) :], late, strict=True):
        queue(store, key, chat, priority)
    await run_until_sent(store, clock, worker)
    order = {key: n for n, key in enumerate(keys)}
    chats = dict(zip(keys, [chat for chat, _ in queued + late], strict=True))
    priorities = dict(zip(keys, [p for _, p in queued + late], strict=True))

    assert most_in_any_second(bot.calls) <= cap
    delivered = [c.text for c in bot.calls if c.answer == "ok"]
    assert sorted(delivered) == sorted(keys)  # each exactly once
    for key in keys:
        assert outbox.get(store.db, key).message_id is not None
    by_chat = defaultdict(list)
    for call in bot.calls:
        by_chat[call.chat_id].append(call)
    for chat, calls in by_chat.items():
        for before, after in itertools.pairwise(calls):
            assert after.start >= before.end  # never two in flight to one chat
            if chat > 0:
                assert after.start >= before.start + 1.0
            if before.answer == "429":
                assert after.start >= before.end + 1.0
        if chat < 0:
            starts = [c.start for c in calls]
            assert all(b - a >= 60.0 for a, b in zip(starts, starts[4:], strict=False))
        for priority in {priorities[c.text] for c in calls}:
            same = [order[c.text] for c in calls if c.answer == "ok"]
            same = [n for n in same if priorities[keys[n]] == priority]
            assert same == sorted(same), (chat, priority)
    assert bot.most_in_flight <= in_flight
    assert all(chats[c.text] == c.chat_id for c in bot.calls)


async def run_until(clock: FakeClock, worker: OutboxWorker, until: float) -> None:
    """Send as the worker does until the fake clock reads `until`."""
    while clock.t < until:
        wait = await start_due(worker)
        clock.advance(min(clock.t + wait, clock.next_timer(), until))
        await settle()


def broadcast(store: Store, count: int) -> None:
    for uid in range(10_000, 10_000 + count):
        queue(store, f"notice:{uid}", uid)


async def test_a_reply_gets_the_next_place_under_a_full_broadcast():
    # One send at a time (the default): at the cap every place is taken, yet while people talk
    # a reply goes as soon as the send in flight is answered, never waiting for a place to free.
    # Each resident writes (the inbox tells the worker), and their reply is queued 5 ms later.
    store, clock, bot, worker = world(latencies=[0.01], in_flight=1, global_per_second=25)
    broadcast(store, 400)
    asked = [3.0 + 0.31 * n for n in range(20)]
    for n, at in enumerate(asked):
        await run_until(clock, worker, at - 0.005)
        worker.someone_wrote()
        await run_until(clock, worker, at)
        queue(store, f"reply:{n}", 1000 + n % 5, outbox.INTERACTIVE)
    await run_until(clock, worker, 12.0)
    replies = {c.text: c for c in bot.calls if c.text.startswith("reply:")}
    waits = [replies[f"reply:{n}"].start - at for n, at in enumerate(asked)]
    assert waits[0] <= 1 / 25 + 0.01  # nobody talked yet: the next place that frees
    assert max(waits[1:]) <= 0.01  # then at most the send in flight
    assert most_in_any_second(bot.calls) <= 25
    talking = replies["reply:0"].start
    bulk = [c for c in bot.calls if c.text.startswith("notice:") and c.start > talking]
    assert most_in_any_second(bulk) == 24  # the broadcast leaves the replies' place free


async def test_with_nobody_talking_a_broadcast_reaches_the_cap():
    store, clock, bot, worker = world(latencies=[0.004], in_flight=1, global_per_second=25)
    worker.someone_wrote()
    queue(store, "reply", 1000, outbox.INTERACTIVE)
    broadcast(store, 300)
    await run_until(clock, worker, 1.0 + TALKING)  # the broadcast keeps a place while talking
    await run_until_sent(store, clock, worker)
    starts = [c.start for c in bot.calls if c.start > 1.0 + TALKING]
    assert (len(starts) - 1) / (starts[-1] - starts[0]) >= 0.98 * 25
    assert most_in_any_second(bot.calls) <= 25
