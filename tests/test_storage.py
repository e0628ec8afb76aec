"""Storage: migrations, the append-only audit trail, inbox dedup and outbox idempotency."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from storage import audit, inbox, outbox
from storage.db import Store, current_update_id
from storage.migrations import migrations
from storage.times import utcnow


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "village.db")
    yield s
    s.close()


def test_migrations_are_idempotent_and_wal(tmp_path):
    Store(tmp_path / "a.db").close()
    again = Store(tmp_path / "a.db")
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    applied = again.db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    assert applied == len(migrations.applied(again.db)) >= 1
    assert migrations.pending(again.db) == []
    assert {"villages", "users", "members", "invites", "audit_events", "inbox", "outbox"} <= set(
        again.db.table_names()
    )


def test_audit_events_cannot_be_changed_or_deleted(store):
    with store.transaction() as db:
        audit.record(db, 1, "member.joined", "member:1", after={"role": "resident"})
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("UPDATE audit_events SET action = 'x'")
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("DELETE FROM audit_events")
    assert audit.for_subject(store.db, "member:1")[0].after == {"role": "resident"}


def test_inbox_ignores_a_redelivered_update(store):
    update = {"update_id": 7, "message": {"text": "hi"}}
    with store.transaction() as db:
        assert inbox.store(db, [update]) == 1
        assert inbox.store(db, [update]) == 0
    assert [i.update_id for i in inbox.pending(store.db)] == [7]


def test_a_transaction_marks_the_update_being_handled_done(store):
    with store.transaction() as db:
        inbox.store(db, [{"update_id": 8}])
    token = current_update_id.set(8)
    try:
        with store.transaction() as db:
            audit.record(db, 1, "x", "y")
    finally:
        current_update_id.reset(token)
    assert inbox.status(store.db, 8) == "done"


def test_a_failed_transaction_leaves_the_update_pending(store):
    with store.transaction() as db:
        inbox.store(db, [{"update_id": 9}])
    token = current_update_id.set(9)
    try:
        with pytest.raises(RuntimeError), store.transaction() as db:
            audit.record(db, 1, "x", "y")
            raise RuntimeError("boom")
    finally:
        current_update_id.reset(token)
    assert inbox.status(store.db, 9) == "pending"
    assert audit.for_subject(store.db, "y") == []


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


def test_backup_is_a_consistent_copy(store, tmp_path):
    with store.transaction() as db:
        audit.record(db, 1, "x", "y")
    store.backup(tmp_path / "copy.db")
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT count(*) FROM audit_events").fetchone()[0] == 1


def test_handled_updates_are_forgotten_after_a_week_pending_ones_never(store):
    from bot.services.housekeeping import prune_inbox

    with store.transaction() as db:
        inbox.store(db, [{"update_id": 1}, {"update_id": 2}])
        inbox.mark_done(db, 1)
    assert prune_inbox(store, utcnow()) == 0
    assert prune_inbox(store, utcnow() + timedelta(days=8)) == 1
    assert inbox.status(store.db, 1) is None and inbox.status(store.db, 2) == "pending"
