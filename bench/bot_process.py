"""A bot under measurement, run as its own process: started, waited for, its CPU time read from
/proc, and stopped."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tomllib
from pathlib import Path

from bot.sandbox.emulator import BotApiEmulator

ROOT = Path(__file__).resolve().parent.parent
_TICKS = os.sysconf("SC_CLK_TCK")


def project_command(config: Path) -> list[str]:
    """The project bot, started as `make run` starts it."""
    return [sys.executable, str(ROOT / "run.py"), "--config", str(config)]


def echo_command(base_url: str, token: str, *, paced: bool = False) -> list[str]:
    """The bare python-telegram-bot echo bot (`paced`: held to the project's sending limits)."""
    return [sys.executable, "-m", "bench.echo_bot", base_url, token, *(["--paced"] * paced)]


def write_config(path: Path, data: dict) -> None:
    """A TOML config for the project bot (tables of scalars, and arrays of such tables)."""
    lines: list[str] = []
    for section, values in data.items():
        rows = values if isinstance(values, list) else [values]
        for row in rows:
            lines.append(f"[[{section}]]" if isinstance(values, list) else f"[{section}]")
            lines += [f"{key} = {_toml(value)}" for key, value in row.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tomllib.loads(path.read_text(encoding="utf-8"))  # fail here, not in the child


def _toml(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class BotProcess:
    """One bot process polling the emulator with its token."""

    def __init__(self, command: list[str], log: Path) -> None:
        self.command = command
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, emulator: BotApiEmulator, within: float = 30.0) -> None:
        """Start it and wait until it polls for updates."""
        polls = _polls(emulator)
        with self.log.open("wb") as out:
            self.process = await asyncio.create_subprocess_exec(
                *self.command, cwd=ROOT, stdout=out, stderr=asyncio.subprocess.STDOUT
            )
        for _ in range(int(within * 20)):
            if _polls(emulator) > polls + 1:
                return
            if self.process.returncode is not None:
                raise RuntimeError(f"{self.command} exited; see {self.log}")
            await asyncio.sleep(0.05)
        raise RuntimeError(f"{self.command} did not start polling; see {self.log}")

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS

    async def stop(self) -> None:
        """Ask it to stop, then make sure it did."""
        await stop_process(self.process, 15)


async def stop_process(process: asyncio.subprocess.Process | None, grace: float) -> None:
    """SIGINT (the bot's own clean stop), then SIGKILL when it has not stopped in `grace` s."""
    if process and process.returncode is None:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), timeout=grace)
        except TimeoutError:
            process.kill()
            await process.wait()


def _polls(emulator: BotApiEmulator) -> int:
    # One bot runs at a time, so any request for updates is this one's.
    return sum(1 for r in emulator.request_log() if r.method.lower() == "getupdates")
