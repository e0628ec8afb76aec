"""Opening the SQLite database and running one transaction per state change."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import sqlite_utils
from sqlite_utils.utils import dedupe_keys

from storage import inbox, integrity
from storage.integrity import CorruptDatabase
from storage.migrations import migrations

# The update being handled right now (set by the inbox processor). A transaction that commits
# while it is set also marks that update done, so the state change and the "handled" mark land
# together and a replayed update is handled exactly once (DESIGN §7).
current_update_id: ContextVar[int | None] = ContextVar("current_update_id", default=None)

# Set (to 1) by the test suite: a second state change committed while one update is handled
# raises instead of being logged, so a handler that breaks exactly-once fails its tests.
STRICT_ENV = "VILLAGE_BOT_STRICT_ONCE"

log = logging.getLogger(__name__)


def disk_full(error: BaseException | None) -> bool:
    """Whether SQLite refused a write because the disk (or the database's size limit) is full."""
    return isinstance(error, sqlite3.Error) and (
        getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    )


def owner_only(path: str | Path, *, create: bool) -> None:
    """Make a database file readable by its owner only (0600), creating it empty if asked; SQLite
    gives the -wal and -shm files it creates the database file's mode (DESIGN §6)."""
    if create:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    if os.path.exists(path) and os.stat(path).st_mode & 0o077:
        os.chmod(path, 0o600)


class SecondCommit(RuntimeError):
    """A handler committed a second state change for an update already marked done."""


class SharedTransaction(RuntimeError):
    """A task entered a transaction another task holds open (one awaited inside it), so its
    writes would commit or roll back with someone else's."""


class Database(sqlite_utils.Database):
    """sqlite-utils' Database, its `query` running the SELECT alone: the library wraps each
    query in a SAVEPOINT and its RELEASE, two more statements every time, to undo a statement
    that returns no rows; storage queries with SELECTs only."""

    def query(self, sql: str, params=None):
        """The rows of a SELECT, each a dict by column name (duplicates renamed as the library
        does)."""
        cursor = self.conn.execute(sql, params if params is not None else ())
        if cursor.description is None:
            raise ValueError(f"query() is for statements that return rows: {sql[:80]}")
        keys = dedupe_keys(d[0] for d in cursor.description)
        return (dict(zip(keys, row, strict=True)) for row in cursor)


def _current_task() -> asyncio.Task | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop: the command line, a worker thread
        return None


class Store:
    """The project's one database connection with its transaction helper."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        on_disk = self.path != ":memory:"
        # Read before anything touches the file: a clean close checked it and left it so.
        checked = on_disk and integrity.checked_at_close(self.path)
        if on_disk:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            for name in (self.path, f"{self.path}-wal", f"{self.path}-shm"):
                owner_only(name, create=name == self.path)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db = Database(conn)
        if not checked:  # SEC-11: a damaged file is refused before anything writes to it
            try:
                integrity.check(conn, self.path)
            except CorruptDatabase:
                conn.close()
                raise
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        migrations.apply(self.db)
        # Called after each outermost commit, e.g. to wake the outbox worker.
        self.on_commit: list[Callable[[], None]] = []
        self.strict_once = os.environ.get(STRICT_ENV) == "1"
        self._holder: asyncio.Task | None = None  # the task whose transaction is open
        # Updates marked done by a committed transaction while handled (the inbox forgets each
        # once handled): known here, they need not be read back from the inbox table.
        self._marked: set[int] = set()

    @property
    def has_reader(self) -> bool:
        """Whether `reader()` opens a connection of its own (a memory database has none)."""
        return self.path != ":memory:"

    @contextmanager
    def reader(self) -> Iterator[sqlite_utils.Database]:
        """A read-only connection of its own, for a worker thread (the Store's connection
        belongs to the event loop); in WAL mode it reads the last commit, never blocking it."""
        if not self.has_reader:  # a memory database has no second connection to open
            yield self.db
            return
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            yield Database(conn)
        finally:
            conn.close()

    @contextmanager
    def transaction(self, *, handling: bool = True) -> Iterator[sqlite_utils.Database]:
        """One transaction; when outermost it also marks the update being handled as done
        (unless `handling` is False: a note about the update, such as an apology, not its
        state change)."""
        outermost = not self.db.conn.in_transaction
        task = _current_task()
        if outermost:
            self._holder = task
        elif task is not self._holder:
            raise SharedTransaction("a transaction was held open across an await")
        update_id = current_update_id.get() if outermost and handling else None
        with self.db.atomic():
            yield self.db
            if update_id is not None:
                self._mark_handled(update_id)
        if update_id is not None:
            self._marked.add(update_id)
        if outermost:
            for callback in self.on_commit:
                callback()

    def _mark_handled(self, update_id: int) -> None:
        """Mark the update done with its one state change; a second change breaks exactly-once
        (the first already marked it), since a crash between the two would lose the second."""
        if update_id in self._marked:
            if self.strict_once:
                raise SecondCommit(f"update {update_id} committed a second state change")
            log.error("update %s committed a second state change", update_id)
        inbox.mark_done(self.db, update_id)

    def marked_done(self, update_id: int) -> bool:
        """Whether a committed transaction marked the update done while it was handled; asked
        once the handling ends, it is then forgotten."""
        if update_id in self._marked:
            self._marked.discard(update_id)
            return True
        return False

    def backup(self, destination: str | Path) -> None:
        """Write a consistent copy with SQLite's online backup API, safe while the bot runs."""
        owner_only(destination, create=True)
        target = sqlite3.connect(str(destination))
        try:
            with target:
                self.db.conn.backup(target)
        finally:
            target.close()

    def close(self) -> None:
        """Close the connection, then check the file and mark it checked for the next start."""
        self.db.conn.close()
        if self.has_reader:
            integrity.leave_mark(self.path)
