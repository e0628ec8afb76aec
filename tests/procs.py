"""The bot as a real process, for tests that kill it or drive its command line.

Imported by the tests (`BotProcess`, `write_config`); also run as a script:

    python tests/procs.py --die-after set_language -- <run.py arguments>

runs run.py in-process but SIGKILLs itself right after the first successful
`MembershipService.set_language` (its transaction committed, nothing sent yet), so a test can land
a crash in exactly that window. Other services are named with their class:
`--die-after Publishing.publish_due:1`; a private method called inside a transaction
(`Publishing._announce`) lands the kill before that transaction commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RUN_PY = ROOT / "run.py"


def toml_value(value: Any) -> str:
    """A Python value as TOML (strings, numbers, booleans and lists of them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON strings are TOML basic strings
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def to_toml(data: dict[str, Any]) -> str:
    """Tables of scalars plus `villages` as an array of tables."""
    lines: list[str] = []
    for section, values in data.items():
        if isinstance(values, list):
            for item in values:
                lines.append(f"[[{section}]]")
                lines += [f"{key} = {toml_value(v)}" for key, v in item.items()]
                lines.append("")
        else:
            lines.append(f"[{section}]")
            lines += [f"{key} = {toml_value(v)}" for key, v in values.items()]
            lines.append("")
    return "\n".join(lines)


def bot_config(
    tmp_path: Path, *, token: str, base_url: str = "", staff: int | None = None, port: int = 0
) -> dict[str, Any]:
    """The config the process tests use: fast polling, no per-chat pacing, two villages."""
    return {
        "telegram": {"token": token, "base_url": base_url, "poll_timeout": 1},
        "storage": {"path": str(tmp_path / "village.db")},
        "web": {"host": "127.0.0.1", "port": port},
        "township": {"name": "示范镇", "staff": [] if staff is None else [staff]},
        "outbox": {"private_interval_seconds": 0},
        "villages": [
            {"code": "qingshan", "name": "青山村", "chat_id": -1001000000001},
            {"code": "hexi", "name": "河西村"},
        ],
    }


def write_config(path: Path, data: dict[str, Any]) -> Path:
    """Write the config as TOML and return its path."""
    path.write_text(to_toml(data), encoding="utf-8")
    return path


class BotProcess:
    """run.py (or this file as a script) in its own process group, output kept in files."""

    def __init__(self, tmp_path: Path, *args: str, name: str = "bot", die_after: str = "") -> None:
        self.tmp_path = tmp_path
        self.args = list(args)
        self.name = name
        self.die_after = die_after
        self.runs = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def stdout_path(self) -> Path:
        return self.tmp_path / f"{self.name}-{self.runs}.out"

    @property
    def stderr_path(self) -> Path:
        return self.tmp_path / f"{self.name}-{self.runs}.err"

    def start(self) -> BotProcess:
        """Start a new run (the previous one must have ended)."""
        assert self.proc is None or self.proc.poll() is not None, "still running"
        self.runs += 1
        if self.die_after:
            command = [sys.executable, __file__, "--die-after", self.die_after, "--", *self.args]
        else:
            command = [sys.executable, str(RUN_PY), *self.args]
        env = {k: v for k, v in os.environ.items() if k != "VILLAGE_BOT_TOKEN"}
        env["PYTHONUNBUFFERED"] = "1"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.proc = subprocess.Popen(
                command,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=env,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        """Send a signal to the whole process group."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)

    async def wait(self, timeout: float) -> int:  # noqa: ASYNC109
        """Wait for the process to end without blocking the event loop; its exit code."""
        assert self.proc is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.proc.poll() is None:
            if loop.time() > deadline:
                raise AssertionError(f"{self.name} still running after {timeout}s\n{self.log()}")
            await asyncio.sleep(0.02)
        return self.proc.returncode

    async def kill(self) -> None:
        """SIGKILL the process group and reap the process."""
        self.signal(signal.SIGKILL)
        if self.proc is not None:
            await self.wait(10)

    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def log(self) -> str:
        """Both streams of the current run, for assertion messages."""
        return f"--- stdout ---\n{self.stdout()}\n--- stderr ---\n{self.stderr()}"

    def cleanup(self) -> None:
        """Teardown: make sure nothing of ours is left running."""
        if self.alive():
            self.signal(signal.SIGKILL)
            assert self.proc is not None
            self.proc.wait(timeout=10)


# Service classes --die-after may name; a bare method name means MembershipService.
DYING_CLASSES = {
    "MembershipService": "bot.services.membership",
    "Publishing": "bot.services.disclosures.publishing",
    "TopicFiling": "bot.services.topics.filing",
    "TopicAnswering": "bot.services.topics.answering",
}


def _die_after(spec: str) -> None:
    """Make <Class>.<method> SIGKILL the process once its Nth call ("[Class.]method:N", default
    1) has returned, i.e. right after that change committed (or, for a method that runs inside
    a transaction, before it commits)."""
    import importlib

    target, _, count = spec.partition(":")
    class_name, _, method_name = target.rpartition(".")
    class_name = class_name or "MembershipService"
    service = getattr(importlib.import_module(DYING_CLASSES[class_name]), class_name)
    original = getattr(service, method_name)
    calls = {"n": 0}

    def dying(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] >= int(count or 1):
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(service, method_name, dying)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    argv = sys.argv[1:]
    if argv[:1] == ["--die-after"]:
        _die_after(argv[1])
        argv = argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    import run

    sys.exit(run.main(argv))
