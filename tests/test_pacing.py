"""The send pacing model: overall, per private chat and per group limits, and retry_after."""

from __future__ import annotations

from bot.config import OutboxConfig
from bot.delivery.pacing import Pacing


def limits(**kw) -> OutboxConfig:
    return OutboxConfig(**{"global_per_second": 3, "group_per_minute": 2, **kw})


def test_private_chat_gets_one_message_a_second():
    pacing = Pacing(limits())
    pacing.sent(5, 100.0)
    assert pacing.chat_ready_at(5, 100.2) == 101.0
    assert pacing.chat_ready_at(6, 100.2) == 100.2
    assert pacing.overall_ready_at(100.2) == 100.2


def test_overall_limit_holds_every_chat_back():
    pacing = Pacing(limits())
    for chat in (1, 2, 3):
        pacing.sent(chat, 100.0)
    assert pacing.overall_ready_at(100.5) == 101.0
    assert pacing.overall_ready_at(101.0) == 101.0
    assert pacing.chat_ready_at(4, 100.5) == 100.5


def test_groups_get_their_per_minute_quota():
    pacing = Pacing(limits())
    pacing.sent(-100, 0.0)
    pacing.sent(-100, 10.0)
    assert pacing.chat_ready_at(-100, 20.0) == 60.0
    assert pacing.chat_ready_at(-100, 61.0) == 61.0


def test_retry_after_pauses_only_that_chat():
    pacing = Pacing(limits())
    pacing.pause(5, 130.0)
    assert pacing.chat_ready_at(5, 100.0) == 130.0
    assert pacing.chat_ready_at(6, 100.0) == 100.0
    assert pacing.overall_ready_at(100.0) == 100.0
