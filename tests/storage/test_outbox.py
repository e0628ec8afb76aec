"""storage.outbox: idempotent enqueueing and the order messages leave in."""

from __future__ import annotations

from datetime import timedelta

from storage import outbox
from storage.times import utcnow


def test_outbox_enqueue_is_idempotent_and_ordered_by_priority(store):
    with store.transaction() as db:
        assert outbox.enqueue(db, "bulk:1", 5, "text", {"text": "a"}, priority=outbox.BULK)
        assert outbox.enqueue(db, "reply:1", 6, "text", {"text": "b"}, priority=0)
        assert not outbox.enqueue(db, "reply:1", 6, "text", {"text": "c"})
    first = outbox.next_due(store.db, utcnow())
    assert outbox.by_id(store.db, first.id).idempotency_key == "reply:1"
    assert first.priority == outbox.INTERACTIVE  # pacing lets a reply skip the even spread
    with store.transaction() as db:
        outbox.mark_sent(db, first.id, 1)
    second = outbox.next_due(store.db, utcnow())
    assert outbox.by_id(store.db, second.id).idempotency_key == "bulk:1"
    assert second.priority == outbox.BULK


def test_outbox_not_before_is_respected(store):
    later = utcnow() + timedelta(minutes=5)
    with store.transaction() as db:
        outbox.enqueue(db, "later", 5, "text", {"text": "d"}, not_before=later)
    assert outbox.next_due(store.db, utcnow()) is None
    assert outbox.next_due_at(store.db) == later


def _queue_behind_a_retry(store):
    now = utcnow()
    with store.transaction() as db:
        for key, chat in (("a", 5), ("b", 5), ("other", 6)):
            outbox.enqueue(db, key, chat, "text", {"text": key})
        outbox.enqueue(db, "reply", 5, "text", {"text": "r"}, priority=outbox.INTERACTIVE)
        outbox.enqueue(db, "scheduled", 7, "text", {"text": "s"}, not_before=now + timedelta(1))
        outbox.enqueue(db, "after-scheduled", 7, "text", {"text": "t"})
        first = outbox.get(db, "a")
        outbox.retry_later(db, first.id, now + timedelta(seconds=2), "500")
    return now


def _sent_in_turn(store, at, in_order=("text",)) -> list[str]:
    """Pick and 'send' every message due at the time, as the worker does; their keys in order."""
    keys = []
    while (due := outbox.next_due(store.db, at, in_order=in_order)) is not None:
        with store.transaction() as db:
            message = outbox.by_id(db, due.id)
            if due.waiting_until is not None:
                assert due.waiting_until == message.next_attempt_at
                assert outbox.hold_behind(db, message, in_order) >= 1
                continue
            outbox.mark_sent(db, due.id, 1)
        keys.append(message.idempotency_key)
    return keys


def test_a_message_waiting_for_a_retry_holds_back_the_later_ones_to_its_chat(store):
    now = _queue_behind_a_retry(store)
    # b waits for a; a more urgent reply does not; a merely scheduled message holds nothing.
    assert _sent_in_turn(store, utcnow()) == ["reply", "other", "after-scheduled"]
    held = {m.idempotency_key: m.next_attempt_at for m in outbox.for_chat(store.db, 5)}
    assert held["b"] == held["a"] == now + timedelta(seconds=2)
    assert _sent_in_turn(store, now + timedelta(seconds=3)) == ["a", "b"]


def test_once_due_the_message_that_failed_goes_before_the_ones_it_held_back(store):
    now = _queue_behind_a_retry(store)
    # b has been due longer than a, yet a goes first.
    assert _sent_in_turn(store, now + timedelta(seconds=3)) == [
        "reply",
        "a",
        "b",
        "other",
        "after-scheduled",
    ]


def test_kinds_not_kept_in_order_neither_wait_nor_hold_back(store):
    _queue_behind_a_retry(store)  # a command menu, say
    assert _sent_in_turn(store, utcnow(), in_order=()) == ["reply", "b", "other", "after-scheduled"]


def test_prune_forgets_sent_and_abandoned_messages_older_than_the_time(store):
    with store.transaction() as db:
        for key in ("sent", "failed", "pending"):
            outbox.enqueue(db, key, 5, "text", {"text": key})
        outbox.mark_sent(db, outbox.get(db, "sent").id, 11)
        outbox.mark_failed(db, outbox.get(db, "failed").id, "blocked")
        assert outbox.prune(db, utcnow() - timedelta(days=1)) == 0
        assert outbox.prune(db, utcnow() + timedelta(seconds=1)) == 2
        assert [m.idempotency_key for m in outbox.for_chat(db, 5)] == ["pending"]


def test_within_a_priority_the_message_due_longest_goes_first(store):
    now = utcnow()
    with store.transaction() as db:
        outbox.enqueue(db, "later", 5, "text", {"text": "a"}, not_before=now - timedelta(seconds=1))
        outbox.enqueue(
            db, "sooner", 6, "text", {"text": "b"}, not_before=now - timedelta(seconds=9)
        )
        outbox.enqueue(
            db,
            "urgent",
            7,
            "text",
            {"text": "c"},
            priority=outbox.INTERACTIVE,
            not_before=now + timedelta(seconds=5),
        )
    due = outbox.next_due(store.db, now)
    assert (due.chat_id, outbox.by_id(store.db, due.id).idempotency_key) == (6, "sooner")
    # The urgent one is not yet due; it decides when the worker next wakes.
    with store.transaction() as db:
        for key in ("later", "sooner"):
            outbox.mark_sent(db, outbox.get(db, key).id, 1)
    assert outbox.next_due(store.db, now) is None
    assert outbox.next_due_at(store.db) == now + timedelta(seconds=5)


def test_holding_a_chat_moves_only_its_pending_messages_later(store):
    now = utcnow()
    until = now + timedelta(seconds=1)
    with store.transaction() as db:
        for key, chat in (("a1", 5), ("a2", 5), ("b1", 6)):
            outbox.enqueue(db, key, chat, "text", {"text": key})
        outbox.enqueue(db, "a3", 5, "text", {"text": "a3"}, not_before=now + timedelta(hours=1))
        assert outbox.hold_chat(db, 5, until) == 2
    assert outbox.next_due(store.db, utcnow()).chat_id == 6
    held = {m.idempotency_key: m.next_attempt_at for m in outbox.for_chat(store.db, 5)}
    assert held == {"a1": until, "a2": until, "a3": now + timedelta(hours=1)}
    # Held messages keep their order once due.
    with store.transaction() as db:
        outbox.mark_sent(db, outbox.get(db, "b1").id, 1)
    assert outbox.by_id(store.db, outbox.next_due(store.db, until).id).idempotency_key == "a1"


def test_chats_with_a_send_in_flight_are_passed_over(store):
    now = utcnow()
    with store.transaction() as db:
        outbox.enqueue(db, "reply", 5, "text", {"text": "r"}, priority=outbox.INTERACTIVE)
        outbox.enqueue(db, "bulk-5", 5, "text", {"text": "b5"}, priority=outbox.BULK)
        outbox.enqueue(db, "bulk-6", 6, "text", {"text": "b6"}, priority=outbox.BULK)
        outbox.enqueue(db, "later-7", 7, "text", {"text": "l"}, not_before=now + timedelta(9))
    # Chat 5's reply is in flight (still pending): neither it nor what follows it goes again.
    due = outbox.next_due(store.db, utcnow(), busy={5})
    assert outbox.by_id(store.db, due.id).idempotency_key == "bulk-6"
    assert outbox.next_due(store.db, utcnow(), busy={5, 6}) is None
    # While they are in flight, the next wake-up is for the message not yet due.
    assert outbox.next_due_at(store.db, busy={5, 6}) == now + timedelta(9)
    assert outbox.next_due_at(store.db, busy={5, 6, 7}) is None
