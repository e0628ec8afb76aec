"""Restoring the database from a backup written by `run.py backup`."""

from __future__ import annotations

import sqlite3
from pathlib import Path


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
        target = sqlite3.connect(str(destination))
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
