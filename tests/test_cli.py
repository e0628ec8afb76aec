"""run.py's command line as an operator uses it: check-config, the sandbox, signals, backup."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.emulator import BotApiEmulator
from tests.conftest import STAFF, TOKEN, eventually, free_port
from tests.procs import ROOT, RUN_PY, BotProcess, bot_config, write_config

EXAMPLE = ROOT / "config.example.toml"


def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN_PY), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# --------------------------------------------------------------------------- check-config


def test_check_config_accepts_the_example() -> None:
    result = run_cli("check-config", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def _wrong_type(data: dict[str, Any]) -> None:
    data["web"]["port"] = "80"


def _unknown_key(data: dict[str, Any]) -> None:
    data["telegram"]["tokne"] = "123:abc"


def _village_without_code(data: dict[str, Any]) -> None:
    del data["villages"][0]["code"]


def _bad_time_zone(data: dict[str, Any]) -> None:
    data["township"]["timezone"] = "Asia/Beijing"


BROKEN = [
    pytest.param(_wrong_type, "web.port", id="wrong-type"),
    pytest.param(_unknown_key, "telegram.tokne", id="unknown-key"),
    pytest.param(_village_without_code, "villages[0].code", id="village-without-code"),
    pytest.param(_bad_time_zone, "township.timezone", id="bad-time-zone"),
]


def broken_config(tmp_path: Path, breakage) -> Path:
    data = bot_config(tmp_path, token="")
    breakage(data)
    return write_config(tmp_path / "broken.toml", data)


@pytest.mark.parametrize(("breakage", "key"), BROKEN)
def test_check_config_names_the_key_and_the_file(tmp_path: Path, breakage, key: str) -> None:
    path = broken_config(tmp_path, breakage)
    result = run_cli("check-config", str(path))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert key in result.stderr and str(path) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "OK" not in result.stdout


@pytest.mark.parametrize(("breakage", "key"), BROKEN[:1] + BROKEN[2:3])
def test_serve_refuses_a_bad_config(tmp_path: Path, breakage, key: str) -> None:
    path = broken_config(tmp_path, breakage)
    result = run_cli("--config", str(path), "serve")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert key in result.stderr and str(path) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "village.db").exists()  # refused before touching anything


# --------------------------------------------------------------------------- the sandbox


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[tuple[BotProcess, int]]:
    """`run.py --config no-token.toml` (no command): the sandbox on a free port."""
    port = free_port()
    path = write_config(tmp_path / "no-token.toml", bot_config(tmp_path, token="", port=port))
    process = BotProcess(tmp_path, "--config", str(path), name="sandbox")
    yield process, port
    process.cleanup()


def healthz(port: int) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            assert response.status == 200
            return json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_until_up(process: BotProcess, port: int, within: float = 60) -> dict[str, Any]:
    """Healthy and the banner printed (signal handlers are installed right after the banner)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        assert process.alive(), process.log()
        health = healthz(port)
        if health is not None and "sandbox" in process.stdout():
            return health
        time.sleep(0.1)
    raise AssertionError(f"sandbox not up within {within}s\n{process.log()}")


def wait_for_exit(process: BotProcess, within: float) -> int:
    assert process.proc is not None
    try:
        return process.proc.wait(timeout=within)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running {within}s after the signal\n{process.log()}") from None


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_sandbox_starts_without_a_token_and_stops_cleanly(sandbox, sig: int) -> None:
    process, port = sandbox
    process.start()
    health = wait_until_up(process, port)
    assert health["status"] == "ok"
    assert health["villages"] >= 1
    assert "sandbox" in process.stdout()
    assert f":{port}/" in process.stdout()  # the banner shows the web port we configured

    process.signal(sig)
    assert wait_for_exit(process, 15) == 0, process.log()
    assert "Traceback" not in process.stderr(), process.stderr()
    assert healthz(port) is None


# --------------------------------------------------------------------------- backup


async def test_backup_while_the_bot_runs(tmp_path: Path, emulator: BotApiEmulator) -> None:
    data = bot_config(tmp_path, token=TOKEN, base_url=emulator.base_url, staff=STAFF)
    path = write_config(tmp_path / "bot.toml", data)
    db_path = tmp_path / "village.db"
    process = BotProcess(tmp_path, "--config", str(path), "serve")
    try:
        process.start()

        def polling() -> bool:
            assert process.alive(), process.log()
            return any(r.method == "getUpdates" for r in emulator.request_log())

        await eventually(polling, within=30)
        # Keep the bot writing while the copy is taken.
        for uid in (1001, 1002, 1003, 1004):
            await emulator.send_text(uid, "/language en")
        destination = tmp_path / "backups" / "copy.db"
        destination.parent.mkdir()
        backup = await asyncio.create_subprocess_exec(
            sys.executable,
            str(RUN_PY),
            "--config",
            str(path),
            "backup",
            str(destination),
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(backup.communicate(), timeout=30)
        assert backup.returncode == 0, err.decode()
        assert str(destination) in out.decode()
        assert process.alive(), process.log()  # the bot was not disturbed
    finally:
        process.cleanup()

    conn = sqlite3.connect(destination)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        staff = conn.execute(
            "SELECT role, village_code FROM members WHERE user_id = ?", [STAFF]
        ).fetchall()
        assert staff == [("township", None)]
        villages = {code for (code,) in conn.execute("SELECT code FROM villages")}
        assert villages == {"qingshan", "hexi"}
    finally:
        conn.close()
    assert db_path.exists()
