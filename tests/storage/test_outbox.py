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


def test_prune_forgets_sent_and_abandoned_messages_older_than_the_time(store):
    with store.transaction() as db:
        for key in ("sent", "failed", "pending"):
            outbox.enqueue(db, key, 5, "text", {"text": key})
        outbox.mark_sent(db, outbox.get(db, "sent").id, 11)
        outbox.mark_failed(db, outbox.get(db, "failed").id, "blocked")
        assert outbox.prune(db, utcnow() - timedelta(days=1)) == 0
        assert outbox.prune(db, utcnow() + timedelta(seconds=1)) == 2
        assert [m.idempotency_key for m in outbox.for_chat(db, 5)] == ["pending"]
