"""The send pacing model: overall, per private chat and per group limits, and retry_after. A fake
clock: every time is a number passed in."""

from __future__ import annotations

from bot.config import OutboxConfig
from bot.delivery.pacing import MARGIN, TALKING, Pacing


def limits(**kw) -> OutboxConfig:
    return OutboxConfig(**{"global_per_second": 3, "group_per_minute": 2, **kw})


def send(pacing: Pacing, chat_id: int, start: float, end: float | None = None) -> None:
    """One send from its start to its answer (instant unless `end` is given)."""
    pacing.started(chat_id, start)
    pacing.finished(start if end is None else end)


def test_private_chat_gets_one_message_a_second():
    pacing = Pacing(limits())
    send(pacing, 5, 100.0)
    assert pacing.chat_ready_at(5, 100.2) == 101.0
    assert pacing.chat_ready_at(6, 100.2) == 100.2
    assert pacing.overall_ready_at(100.2) == 100.2


def test_overall_limit_holds_every_chat_back():
    pacing = Pacing(limits())
    for chat in (1, 2, 3):
        send(pacing, chat, 100.0)
    assert pacing.overall_ready_at(100.5) == 101.0 + MARGIN
    assert pacing.overall_ready_at(101.0 + MARGIN) == 101.0 + MARGIN
    assert pacing.chat_ready_at(4, 100.5) == 100.5


def test_groups_get_their_per_minute_quota():
    pacing = Pacing(limits())
    send(pacing, -100, 0.0)
    send(pacing, -100, 10.0)
    assert pacing.chat_ready_at(-100, 20.0) == 60.0
    assert pacing.chat_ready_at(-100, 61.0) == 61.0


def test_retry_after_pauses_only_that_chat():
    pacing = Pacing(limits())
    pacing.pause(5, 130.0)
    assert pacing.chat_ready_at(5, 100.0) == 130.0
    assert pacing.chat_ready_at(6, 100.0) == 100.0
    assert pacing.overall_ready_at(100.0) == 100.0


def test_a_send_counts_until_a_second_after_its_answer():
    # Telegram may count a send any time between its start and its answer: the next second's
    # sends start only a full second after the answer, or a cap-enforcing server refuses one.
    pacing = Pacing(limits())
    send(pacing, 1, 100.0, 100.3)
    send(pacing, 2, 100.3)
    send(pacing, 3, 100.4)
    assert pacing.overall_ready_at(101.1) == 101.3 + MARGIN


def test_a_send_in_flight_holds_its_place():
    pacing = Pacing(limits())
    send(pacing, 1, 100.0)
    send(pacing, 2, 100.1)
    pacing.started(3, 100.2)  # no answer yet
    assert pacing.overall_ready_at(100.5) == 101.0 + MARGIN
    assert pacing.overall_ready_at(101.05) == 101.05  # the first send has left the window
    pacing.started(4, 101.05)
    assert pacing.overall_ready_at(101.06) == 101.1 + MARGIN  # two in flight, one finished


def test_messages_nobody_waits_for_are_spread_over_the_second():
    pacing = Pacing(limits(global_per_second=4))
    send(pacing, 1, 100.0)  # its slot is 100.0, the next one 100.25
    assert pacing.overall_ready_at(100.1, spread=True) == 100.125  # up to half a slot early
    assert pacing.overall_ready_at(100.1) == 100.1  # a reply does not wait for the spacing
    send(pacing, 2, 100.13)  # took the slot at 100.25; the next is 100.5
    assert pacing.overall_ready_at(100.14, spread=True) == 100.375


def test_a_whole_second_of_spread_sends_stays_within_the_cap():
    # At 25 a second, one send every 1/25 s taking 4 ms each: no second ever holds more than 25
    # starts, and the rate stays above 98% of the cap.
    pacing = Pacing(limits(global_per_second=25))
    now, starts = 0.0, []
    while len(starts) < 250:
        now = pacing.overall_ready_at(now, spread=True)
        starts.append(now)
        send(pacing, 1000 + len(starts), now, now + 0.004)
        now += 0.004
    for i in range(len(starts) - 25):
        assert starts[i + 25] - (starts[i] + 0.004) > 1.0
    assert (len(starts) - 1) / (starts[-1] - starts[0]) >= 0.98 * 25


def test_a_send_has_left_the_window_at_the_time_given_for_it():
    # The time "ready at" names and the time a send counts as gone must round alike, or a send
    # that ends exactly then still counts and a third send slips into a cap of two.
    pacing = Pacing(limits(global_per_second=2))
    send(pacing, 1, 0.0, 0.21454837258617526)
    send(pacing, 2, 0.3, 0.4)
    ready = pacing.overall_ready_at(0.5)
    assert pacing.overall_ready_at(ready) == ready
    pacing.started(3, ready)
    assert pacing.overall_ready_at(ready) == 1.4 + MARGIN


def test_while_people_talk_messages_nobody_waits_for_leave_a_place_for_replies():
    pacing = Pacing(limits())  # three a second
    pacing.talking(100.0)
    send(pacing, 7, 100.0, 100.01)  # the answer to what they wrote
    send(pacing, 1, 100.1)
    # Two places taken: the third stays free for the next reply, not for the broadcast.
    assert pacing.overall_ready_at(100.2, spread=True) == 101.01 + MARGIN
    assert pacing.overall_ready_at(100.2) == 100.2
    pacing.talking(100.19)
    send(pacing, 8, 100.2, 100.21)
    # The window is full: a reply waits for the first place to free, the broadcast for the second.
    assert pacing.overall_ready_at(100.3) == 101.01 + MARGIN
    assert pacing.overall_ready_at(100.3, spread=True) == 101.1 + MARGIN


def test_with_nobody_talking_messages_nobody_waits_for_take_every_place():
    pacing = Pacing(limits())  # three a second, slots a third of a second apart
    pacing.talking(100.0)
    send(pacing, 1, 104.5)
    send(pacing, 2, 104.9)
    assert pacing.overall_ready_at(104.95, spread=True) == 105.5 + MARGIN  # still talking
    quiet = 100.0 + TALKING + 0.1
    assert pacing.overall_ready_at(quiet, spread=True) == quiet  # the third place is theirs again
