"""Backup, change, restore: the command line puts the old state back, and refuses a bad file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from storage import users
from storage.db import Store
from tests.procs import ROOT, RUN_PY, bot_config, write_config


def run_cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN_PY), "--config", str(config), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def language_of(db_path: Path, user_id: int) -> str | None:
    store = Store(db_path)
    try:
        return users.get(store.db, user_id).language
    finally:
        store.close()


def set_language(db_path: Path, user_id: int, language: str) -> None:
    store = Store(db_path)
    try:
        with store.transaction() as db:
            users.ensure(db, user_id)
            users.set_language(db, user_id, language)
    finally:
        store.close()


def test_backup_change_restore_finds_the_old_state(tmp_path: Path) -> None:
    config = write_config(tmp_path / "bot.toml", bot_config(tmp_path, token="", staff=9001))
    db_path = tmp_path / "village.db"
    set_language(db_path, 1001, "zh-CN")
    backup = tmp_path / "backups" / "before.db"
    backup.parent.mkdir()
    assert run_cli(config, "backup", str(backup)).returncode == 0
    set_language(db_path, 1001, "en")
    assert language_of(db_path, 1001) == "en"

    result = run_cli(config, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert "restored" in result.stdout
    assert language_of(db_path, 1001) == "zh-CN"


def test_restore_refuses_a_file_that_is_no_database(tmp_path: Path) -> None:
    config = write_config(tmp_path / "bot.toml", bot_config(tmp_path, token="", staff=9001))
    set_language(tmp_path / "village.db", 1001, "en")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = run_cli(config, "restore", str(junk))
    assert result.returncode == 2
    assert "restore refused" in result.stderr
    assert language_of(tmp_path / "village.db", 1001) == "en"
    assert run_cli(config, "restore", str(tmp_path / "missing.db")).returncode == 2
