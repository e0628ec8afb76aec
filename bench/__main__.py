"""Run the benchmarks: `make bench` (or `python -m bench`) runs every part, `python -m bench
interactive|burst|broadcast|outbox|inbox` one of them. Each part prints its figures and its ratio
to the baseline measured in the same run; together they take about four minutes."""

import asyncio
import sys
import tempfile
from pathlib import Path

from bench import broadcast, burst_rate, inbox_throughput, interactive, outbox_picking
from bot.sandbox.emulator import BotApiEmulator


async def _interactive(emulator: BotApiEmulator, tmp: Path) -> list[str]:
    return interactive.report(*await interactive.measure(emulator, tmp))


async def _burst(emulator: BotApiEmulator, tmp: Path) -> list[str]:
    return burst_rate.report(await burst_rate.measure(emulator, tmp))


async def _broadcast(emulator: BotApiEmulator, tmp: Path) -> list[str]:
    return broadcast.report(await broadcast.measure(emulator, tmp))


# The parts that run bots as their own processes on one emulator.
PROCESSES = {"interactive": _interactive, "burst": _burst, "broadcast": _broadcast}


async def _processes(parts: list[str]) -> None:
    emulator = BotApiEmulator()
    emulator.add_bot(interactive.PROJECT_TOKEN, "bench_bot")
    emulator.add_bot(interactive.ECHO_TOKEN, "echo_bench_bot")
    await emulator.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for part in parts:
                print("\n".join(await PROCESSES[part](emulator, Path(tmp))), flush=True)
    finally:
        await emulator.stop()


def main(argv: list[str]) -> int:
    """Run the parts named (all when none is)."""
    known = ["outbox", *PROCESSES, "inbox"]
    parts = argv or known
    if unknown := [part for part in parts if part not in known]:
        print(f"unknown part {', '.join(unknown)}; the parts: {' '.join(known)}", file=sys.stderr)
        return 2
    if "outbox" in parts:
        print("\n".join(outbox_picking.report(outbox_picking.measure())), flush=True)
    if processes := [part for part in parts if part in PROCESSES]:
        asyncio.run(_processes(processes))
    if "inbox" in parts:
        asyncio.run(inbox_throughput.main())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
