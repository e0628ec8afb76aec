"""Restoring the database from a backup written by `run.py backup`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage import data_version


class BadBackup(Exception):
    """The file is not a sound SQLite database."""


def restore(backup: str | Path, destination: str | Path) -> None:
    """Check the backup, then copy it over the database at `destination` (the bot stopped).

    SQLite's backup API writes the copy page by page in one transaction, so the database is
    either the old one or the backup, never half of each; the backup file is only read.
    """
    if not Path(backup).is_file():
        raise BadBackup(f"{backup}: no such file")
    source = sqlite3.connect(f"{Path(backup).resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            verdict = source.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BadBackup(f"{backup}: {exc}") from exc
        if verdict != "ok":
            raise BadBackup(f"{backup}: {verdict}")
        Path(destination).parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(str(destination), isolation_level=None)
        try:
            replaced = _version(target)
            source.backup(target)
            if _has_version(target):  # a backup older than the version table gets it at start
                target.execute(
                    f"UPDATE {data_version.TABLE} SET version = max(version, ?) + 1 WHERE id = 1",
                    [replaced],
                )
        finally:
            target.close()
    finally:
        source.close()


def _has_version(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [data_version.TABLE]
    ).fetchone()
    return found is not None


def _version(conn: sqlite3.Connection) -> int:
    """The replaced file's data version: the restored one must be above it, so a page cache
    of a process still running never takes the restored data for what it had cached."""
    if not _has_version(conn):
        return 0
    row = conn.execute(f"SELECT version FROM {data_version.TABLE} WHERE id = 1").fetchone()
    return 0 if row is None else row[0]
