"""storage.inbox: incoming updates, stored before they are confirmed."""

from __future__ import annotations

from datetime import timedelta

from storage import inbox
from storage.inbox import InboxItem
from storage.times import utcnow


def test_a_pending_update_reads_back_with_its_payload(db):
    inbox.store(db, [{"update_id": 7, "message": {"text": "你好"}}])
    assert inbox.pending(db) == [InboxItem(7, {"update_id": 7, "message": {"text": "你好"}}, 0)]


def test_a_redelivered_update_is_ignored(db):
    update = {"update_id": 7, "message": {"text": "hi"}}
    assert inbox.store(db, [update]) == 1
    assert inbox.store(db, [update, {"update_id": 8}]) == 1
    assert [i.update_id for i in inbox.pending(db)] == [7, 8]


def test_pending_is_oldest_first_and_limited(db):
    inbox.store(db, [{"update_id": 9}, {"update_id": 3}])
    assert [i.update_id for i in inbox.pending(db, limit=1)] == [3]


def test_attempts_are_counted(db):
    inbox.store(db, [{"update_id": 1}])
    inbox.begin_attempt(db, 1)
    inbox.begin_attempt(db, 1)
    assert inbox.pending(db)[0].attempts == 2


def test_done_and_failed_updates_leave_the_pending_list(db):
    inbox.store(db, [{"update_id": 1}, {"update_id": 2}, {"update_id": 3}])
    inbox.mark_done(db, 1)
    inbox.mark_failed(db, 2, "boom")
    assert [i.update_id for i in inbox.pending(db)] == [3]
    assert (inbox.status(db, 1), inbox.status(db, 2), inbox.status(db, 404)) == (
        "done",
        "failed",
        None,
    )


def test_a_handled_update_keeps_its_first_outcome(db):
    inbox.store(db, [{"update_id": 1}])
    inbox.mark_failed(db, 1, "boom")
    inbox.mark_done(db, 1)
    assert inbox.status(db, 1) == "failed"


def test_counts_by_state(db):
    inbox.store(db, [{"update_id": 1}, {"update_id": 2}, {"update_id": 3}])
    inbox.mark_done(db, 1)
    assert inbox.counts(db) == {"done": 1, "pending": 2}


def test_prune_forgets_only_handled_updates_older_than_the_time(db):
    inbox.store(db, [{"update_id": 1}, {"update_id": 2}])
    inbox.mark_done(db, 1)
    assert inbox.prune(db, utcnow() - timedelta(days=1)) == 0
    assert inbox.prune(db, utcnow() + timedelta(seconds=1)) == 1
    assert (inbox.status(db, 1), inbox.status(db, 2)) == (None, "pending")


def test_a_handled_update_keeps_only_its_id(db):
    """What a resident typed (a phone number, say) is not kept once the update is handled."""
    text = {"message": {"text": "我的电话13812341234"}}
    inbox.store(db, [{"update_id": 1, **text}, {"update_id": 2, **text}, {"update_id": 3, **text}])
    inbox.mark_done(db, 1)
    inbox.mark_failed(db, 2, "boom")
    stored = {r["update_id"]: r["payload"] for r in db.query("SELECT * FROM inbox")}
    assert "13812341234" not in stored[1] + stored[2] and "13812341234" in stored[3]
    assert inbox.status(db, 1) == "done" and inbox.store(db, [{"update_id": 1, **text}]) == 0


def test_handled_updates_are_forgotten_after_the_retention_pending_ones_never(store):
    from bot.services.housekeeping import prune_delivered

    with store.transaction() as db:
        inbox.store(db, [{"update_id": 1}, {"update_id": 2}])
        inbox.mark_done(db, 1)
    assert prune_delivered(store, 7, utcnow()) == {"inbox": 0, "outbox": 0}
    assert prune_delivered(store, 7, utcnow() + timedelta(days=8)) == {"inbox": 1, "outbox": 0}
    assert inbox.status(store.db, 1) is None and inbox.status(store.db, 2) == "pending"
