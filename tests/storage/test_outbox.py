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
    assert [m.idempotency_key for m in outbox.due(store.db, utcnow())] == ["reply:1", "bulk:1"]


def test_outbox_not_before_is_respected(store):
    later = utcnow() + timedelta(minutes=5)
    with store.transaction() as db:
        outbox.enqueue(db, "later", 5, "text", {"text": "d"}, not_before=later)
    assert outbox.due(store.db, utcnow()) == []
    assert outbox.next_due_at(store.db) == later


def test_a_message_waiting_for_a_retry_holds_back_the_later_ones_to_its_chat(store):
    now = utcnow()
    with store.transaction() as db:
        for key, chat in (("a", 5), ("b", 5), ("other", 6)):
            outbox.enqueue(db, key, chat, "text", {"text": key})
        outbox.enqueue(db, "reply", 5, "text", {"text": "r"}, priority=outbox.INTERACTIVE)
        outbox.enqueue(db, "scheduled", 7, "text", {"text": "s"}, not_before=now + timedelta(1))
        outbox.enqueue(db, "after-scheduled", 7, "text", {"text": "t"})
        first = outbox.get(db, "a")
        outbox.retry_later(db, first.id, now + timedelta(seconds=2), "500")

    def due(at, in_order=("text",)):
        return [m.idempotency_key for m in outbox.due(store.db, at, in_order=in_order)]

    # b waits for a; a more urgent reply does not; a merely scheduled message holds nothing.
    assert due(utcnow()) == ["reply", "other", "after-scheduled"]
    assert due(now + timedelta(seconds=3)) == ["reply", "a", "b", "other", "after-scheduled"]
    # Kinds not kept in order (a command menu…) neither wait nor hold back.
    assert due(utcnow(), in_order=()) == ["reply", "b", "other", "after-scheduled"]
