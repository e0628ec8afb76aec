"""SEC-11's check moved to the clean close: a start after one skips the check only while the file
is exactly as the close left it; after a crash, a copy or any change it checks the whole file."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from storage import integrity, users
from storage.db import Store
from storage.integrity import MARK_SUFFIX, CorruptDatabase
from tests.test_disk_full import filled_database, scribble_on_a_table_page


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The paths `integrity.check` was asked to check."""
    asked: list[str] = []
    real = integrity.check

    def counted(conn: sqlite3.Connection, path: str) -> None:
        asked.append(path)
        real(conn, path)

    monkeypatch.setattr(integrity, "check", counted)
    return asked


def test_a_start_after_a_clean_close_skips_the_check_and_takes_the_mark(tmp_path, checks):
    path = filled_database(tmp_path)
    assert os.path.exists(f"{path}{MARK_SUFFIX}")
    assert oct(os.stat(f"{path}{MARK_SUFFIX}").st_mode & 0o777) == "0o600"
    checks.clear()
    store = Store(path)
    assert checks == []
    assert not os.path.exists(f"{path}{MARK_SUFFIX}")  # a crash from here on leaves none
    store.close()
    assert checks == [str(path)]  # the close checks again, and marks again
    assert os.path.exists(f"{path}{MARK_SUFFIX}")


def test_a_start_after_a_crash_checks_the_whole_file(tmp_path, checks):
    path = filled_database(tmp_path)
    crashed = Store(path)
    with crashed.transaction() as db:
        users.seen(db, 9999, "王五", None, None, "zh-hans")
    checks.clear()
    Store(path).db.conn.close()  # the crashed one never closed: no mark, and a log with content
    assert checks == [str(path)]
    crashed.db.conn.close()


def test_a_file_changed_after_the_close_is_checked_and_refused(tmp_path):
    path = filled_database(tmp_path)
    before = os.stat(path)
    scribble_on_a_table_page(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the time set back, still seen
    assert os.stat(path).st_size == before.st_size
    with pytest.raises(CorruptDatabase, match=str(path)):
        Store(path)


def test_a_copy_or_a_restored_file_is_checked(tmp_path, checks):
    path = filled_database(tmp_path)
    copy = tmp_path / "copy.db"
    shutil.copy2(path, copy)
    shutil.copy2(f"{path}{MARK_SUFFIX}", f"{copy}{MARK_SUFFIX}")  # a mark that is not its own
    checks.clear()
    Store(copy).db.conn.close()
    assert checks == [str(copy)]


def test_a_close_while_another_process_has_it_open_leaves_no_mark(tmp_path):
    path = filled_database(tmp_path)
    first, second = Store(path), Store(path)
    with second.transaction() as db:
        users.seen(db, 9999, "王五", None, None, "zh-hans")
    first.close()
    assert not os.path.exists(f"{path}{MARK_SUFFIX}")
    second.close()
    assert os.path.exists(f"{path}{MARK_SUFFIX}")


def test_a_damaged_file_gets_no_mark_at_close(tmp_path):
    path = filled_database(tmp_path)
    os.unlink(f"{path}{MARK_SUFFIX}")
    scribble_on_a_table_page(path)
    assert integrity.leave_mark(str(path)) is False
    assert not os.path.exists(f"{path}{MARK_SUFFIX}")
    with pytest.raises(CorruptDatabase):
        Store(path)


def test_an_unreadable_mark_means_a_check(tmp_path, checks):
    path = filled_database(tmp_path)
    with open(f"{path}{MARK_SUFFIX}", "w", encoding="utf-8") as mark:
        mark.write("{not json")
    checks.clear()
    Store(path).db.conn.close()
    assert checks == [str(path)]
