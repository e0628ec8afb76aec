"""An update's state change and its "done" mark commit together, once (DESIGN §7)."""

from __future__ import annotations

import pytest

from storage import audit, inbox
from storage.db import SecondCommit, Store, current_update_id


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "once.db")
    with store.transaction() as db:
        inbox.store(db, [{"update_id": 7, "message": {}}])
    yield store
    store.close()


def handling(update_id: int):
    return current_update_id.set(update_id)


def test_the_first_commit_marks_the_update_done(store):
    token = handling(7)
    try:
        with store.transaction() as db:
            audit.record(db, 1, "test.change", "thing:1")
    finally:
        current_update_id.reset(token)
    assert inbox.status(store.db, 7) == "done"


def test_a_second_commit_for_the_same_update_fails_and_changes_nothing(store):
    token = handling(7)
    try:
        with store.transaction() as db:
            audit.record(db, 1, "test.change", "thing:1")
        with pytest.raises(SecondCommit), store.transaction() as db:
            audit.record(db, 1, "test.change", "thing:2")
    finally:
        current_update_id.reset(token)
    targets = [r[0] for r in store.db.execute("SELECT subject FROM audit_events").fetchall()]
    assert targets == ["thing:1"]


def test_nested_transactions_are_one_commit(store):
    token = handling(7)
    try:
        with store.transaction(), store.transaction() as db:
            audit.record(db, 1, "test.change", "thing:1")
    finally:
        current_update_id.reset(token)
    assert inbox.status(store.db, 7) == "done"


def test_outside_handling_commits_are_unlimited(store):
    for n in range(3):
        with store.transaction() as db:
            audit.record(db, 1, "test.change", f"thing:{n}")
    assert inbox.status(store.db, 7) == "pending"
