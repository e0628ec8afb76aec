"""Faults from the disk: a damaged database is refused at start with a clear message and exit
code; a full disk tells the person, keeps the database consistent and recovers with space."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

import run
from storage import inbox, members, users
from storage.db import Store
from storage.integrity import CorruptDatabase
from tests.procs import bot_config, write_config


def filled_database(tmp_path: Path) -> Path:
    path = tmp_path / "village.db"
    store = Store(path)
    with store.transaction() as db:
        for n in range(300):
            users.seen(db, n + 1, f"村民{n}", None, None, "zh-hans")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


def scribble_on_a_table_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page * 3 : page * 5] = b"\xa5" * (page * 2)
    path.write_bytes(bytes(data))


def scribble_on_the_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:16] = b"not a database!!"
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [scribble_on_a_table_page, scribble_on_the_header])
def test_a_damaged_database_is_refused(tmp_path, damage):
    path = filled_database(tmp_path)
    damage(path)
    with pytest.raises(CorruptDatabase, match=str(path)):
        Store(path)


@pytest.mark.parametrize("command", ["serve", "backup", "verify"])
def test_the_bot_refuses_to_start_on_a_damaged_database(tmp_path, capsys, command):
    scribble_on_a_table_page(filled_database(tmp_path))
    config = write_config(tmp_path / "config.toml", bot_config(tmp_path, token="1:x"))
    args = [str(tmp_path / "copy.db")] if command == "backup" else []
    assert run.main(["--config", str(config), command, *args]) == run.EXIT_CORRUPT
    err = capsys.readouterr().err
    assert "database check failed" in err and "restore the latest backup" in err.lower()
    assert "Traceback" not in err


def test_a_healthy_database_passes_the_check(tmp_path):
    Store(filled_database(tmp_path)).close()
    assert sqlite3.connect(tmp_path / "village.db").execute("PRAGMA quick_check").fetchone() == (
        "ok",
    )


# --------------------------------------------------------------------------- a full disk

RES1, RES2 = 1001, 1002
# Distinct characters, 1,000 of them (the longest topic): 3 KB that need a page of their own.
LONG_TOPIC = "请公开" + "".join(chr(0x4E00 + (n * 37) % 20000) for n in range(997))
# As long, in other characters: not "the same question" (that would be offered to follow).
OTHER_TOPIC = "请公开" + "".join(chr(0x4E00 + (n * 37) % 20000) for n in range(997, 1994))


def fill_the_disk(db: sqlite_utils.Database) -> None:
    """Cap the file at its size (PRAGMA max_page_count) and use up its free pages."""
    db.execute("CREATE TABLE IF NOT EXISTS ballast (b BLOB)")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    for size in (4000, 1000, 100):
        with contextlib.suppress(sqlite3.OperationalError):
            while True:
                db.execute("INSERT INTO ballast VALUES (randomblob(?))", [size])


def free_the_disk(db: sqlite_utils.Database) -> None:
    db.execute("PRAGMA max_page_count = 1073741823")


def topics_of(db: sqlite_utils.Database, user_id: int) -> int:
    return db.execute("SELECT count(*) FROM topics WHERE requester_id = ?", [user_id]).fetchone()[0]


async def test_a_full_disk_tells_the_person_and_handles_their_message_once_space_is_back(
    runtime, emulator, chat
):
    db = runtime.store.db
    with runtime.store.transaction() as tx:
        for uid in (RES1, RES2):
            users.ensure(tx, uid)
            members.add(tx, uid, "resident", "qingshan")
    resident, neighbour = chat(RES1), chat(RES2)
    (receipt,) = await neighbour.say("/topic " + OTHER_TOPIC)  # the topics' last page: full
    assert "DT-" in receipt["text"]

    handle = runtime.inbox.process

    async def fill_then_handle(update) -> None:
        fill_the_disk(db)  # the disk fills after the update was stored, before it is handled
        runtime.inbox.process = handle
        await handle(update)

    runtime.inbox.process = fill_then_handle
    (told,) = await resident.say("/topic " + LONG_TOPIC)
    assert "存储空间" in told["text"] and "没有丢失" in told["text"]
    assert topics_of(db, RES1) == 0
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert inbox.counts(db).get("pending") == 1 and "failed" not in inbox.counts(db)

    free_the_disk(db)
    await neighbour.say("/mytopics")  # anything arriving wakes the inbox
    (late_receipt,) = await resident.replies()
    assert "DT-" in late_receipt["text"]
    assert topics_of(db, RES1) == 1
    assert inbox.counts(db) == {"done": 3}
    assert sum("存储空间" in m.get("text", "") for m in emulator.messages(RES1)) == 1
