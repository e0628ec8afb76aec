"""The database file's integrity check (SEC-11), and the mark a clean close leaves so that the
next start need not repeat it.

`PRAGMA quick_check` reads every page: about a second for a county's half a gigabyte, which a
start would otherwise spend before it answers anyone. As a file system is checked after an
unclean shutdown rather than at every mount, the check runs when the bot closes the file, and
the mark records the file as it then was (device, inode, size, modification and change times;
the change time cannot be set back by anyone). A start that finds the file exactly so, with no
write-ahead log, skips the check; any other start (after a crash or a kill, a copy, a restore, a
change by another program) checks the whole file before anything writes to it. The mark is
removed the moment it is read, so a crash while the bot runs never leaves one behind.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

MARK_SUFFIX = "-checked"


class CorruptDatabase(RuntimeError):
    """The database file failed SQLite's integrity check (or is not a database at all)."""


def check(conn: sqlite3.Connection, path: str) -> None:
    """Refuse a damaged file before anything writes to it; CorruptDatabase says why."""
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:  # "file is not a database", a torn header…
        raise CorruptDatabase(f"{path}: {error}") from error
    if problems != ["ok"]:
        raise CorruptDatabase(f"{path}: {'; '.join(problems[:5])}")


def checked_at_close(path: str) -> bool:
    """Whether the file is as a clean close left it, checked; the mark is gone afterwards."""
    mark = Path(path + MARK_SUFFIX)
    try:
        recorded = json.loads(mark.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    finally:
        mark.unlink(missing_ok=True)
    return recorded == _identity(path) and not _has_log(path)


def leave_mark(path: str) -> bool:
    """After the last connection closed: check the file and, when it passes and nothing changed
    it meanwhile, mark it as checked (True); a failed check leaves no mark, and says so at the
    next start."""
    before = _identity(path)
    if before is None or _has_log(path):  # another process still has it open
        return False
    conn = sqlite3.connect(path)
    try:
        check(conn, path)
    except CorruptDatabase:
        return False
    finally:
        conn.close()
    if _identity(path) != before or _has_log(path):
        return False
    mark = Path(path + MARK_SUFFIX)
    mark.write_text(json.dumps(before), encoding="utf-8")
    mark.chmod(0o600)
    return True


def _identity(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _has_log(path: str) -> bool:
    """Whether a write-ahead log with content lies beside the file (changes not yet in it)."""
    try:
        return os.path.getsize(path + "-wal") > 0
    except FileNotFoundError:
        return False
