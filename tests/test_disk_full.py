"""Faults from the disk: a damaged database is refused at start with a clear message and exit
code; a full disk tells the person, keeps the database consistent and recovers with space."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import run
from storage import users
from storage.db import CorruptDatabase, Store
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
