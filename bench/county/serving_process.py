"""The project serving the web from its own process (as `run.py` starts it, polling the
emulator), and the bare floor process: started, timed until ready, RSS read, stopped."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from pathlib import Path

import aiohttp

from bench.bot_process import ROOT, stop_process, write_config
from bench.county.county_db import Shape, config_data

TOKEN = "779:COUNTY"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def project_config(path: Path, shape: Shape, database: Path, base_url: str, port: int) -> Path:
    """A config declaring the generated township, its web on `port`, Telegram on the emulator."""
    data = {
        "telegram": {"token": TOKEN, "base_url": base_url, "poll_timeout": 1},
        "web": {"host": "127.0.0.1", "port": port},
        **config_data(shape, database),
    }
    write_config(path, data)
    return path


class Served:
    """One serving process on a port; `start` returns the seconds until it answered ready."""

    def __init__(self, command: list[str], port: int, log: Path, *, debug: bool = False) -> None:
        self.command = command
        self.port = port
        self.log = log
        self.debug = debug
        self.process: asyncio.subprocess.Process | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, ready_path: str, within: float = 120.0) -> float:
        env = dict(os.environ)
        if self.debug:  # asyncio's debug mode logs every callback slower than 100 ms
            env["PYTHONASYNCIODEBUG"] = "1"
        began = time.perf_counter()
        with self.log.open("wb") as out:
            self.process = await asyncio.create_subprocess_exec(
                *self.command, cwd=ROOT, env=env, stdout=out, stderr=asyncio.subprocess.STDOUT
            )
        async with aiohttp.ClientSession() as session:
            while time.perf_counter() - began < within:
                if self.process.returncode is not None:
                    raise RuntimeError(f"{self.command} exited; see {self.log}")
                try:
                    async with session.get(self.base + ready_path) as response:
                        if response.status == 200:
                            return time.perf_counter() - began
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.02)
        raise RuntimeError(f"{self.command} was not ready; see {self.log}")

    def rss_mb(self) -> tuple[float, float]:
        """(resident set now, its peak) in MB, from /proc."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))

    def slow_callbacks(self) -> int:
        """Callbacks asyncio's debug mode logged as slower than 100 ms."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return sum(1 for line in text.splitlines() if "Executing" in line and " took " in line)

    async def stop(self) -> None:
        await stop_process(self.process, 20)


def project(config: Path, port: int, log: Path, *, debug: bool = False) -> Served:
    """The project process on a config."""
    return Served(
        [sys.executable, str(ROOT / "run.py"), "--config", str(config)], port, log, debug=debug
    )


def floor(body: Path, port: int, log: Path) -> Served:
    """The bare aiohttp process serving `body`."""
    command = [sys.executable, "-m", "bench.county.bare_floor", str(port), str(body)]
    return Served(command, port, log)
