"""storage.db: opening and migrating the database, transactions, backups."""

from __future__ import annotations

import sqlite3

import pytest

from storage import audit, inbox
from storage.db import Store, current_update_id
from storage.migrations import migrations


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
    again.close()


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


def test_backup_is_a_consistent_copy(store, tmp_path):
    with store.transaction() as db:
        audit.record(db, 1, "x", "y")
    store.backup(tmp_path / "copy.db")
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT count(*) FROM audit_events").fetchone()[0] == 1
    copy.close()


def test_a_query_runs_its_select_alone_and_names_each_column(store):
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    rows = list(store.db.query("SELECT 1 AS id, 2 AS id, 3 AS n WHERE ? = 1", [1]))
    store.db.conn.set_trace_callback(None)
    assert rows == [{"id": 1, "id_2": 2, "n": 3}]  # a repeated name renamed, as sqlite-utils does
    assert seen == ["SELECT 1 AS id, 2 AS id, 3 AS n WHERE 1 = 1"]  # no SAVEPOINT, no RELEASE
    with store.reader() as reader:
        assert list(reader.query("SELECT count(*) AS n FROM outbox")) == [{"n": 0}]
    with pytest.raises(ValueError):
        store.db.query("UPDATE outbox SET attempts = 0")
