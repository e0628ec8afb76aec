"""Run the benchmarks: `make bench` (or `python -m bench`) runs every part, `python -m bench
interactive|burst|broadcast|outbox|inbox|county` the ones named (`--scale 0.01` makes the county
small). Each part prints its figures and its ratio to the baseline measured in the same run; the
others take about four minutes, the county part about ten more (and a minute or two the first
time, to write its database)."""

import argparse
import asyncio
import tempfile
from pathlib import Path

from bench import broadcast, burst_rate, inbox_throughput, interactive, outbox_picking
from bench.county import county_bench as county
from bot.sandbox.emulator import BotApiEmulator


async def _interactive(emulator: BotApiEmulator, tmp: Path) -> list[str]:
    return interactive.report(*await interactive.measure(emulator, tmp))


async def _burst(emulator: BotApiEmulator, tmp: Path) -> list[str]:
    return burst_rate.report(await burst_rate.measure(emulator, tmp))


async def _broadcast(emulator: BotApiEmulator, tmp: Path) -> list[str]:
    return broadcast.report(await broadcast.measure(emulator, tmp))


# The parts that run bots as their own processes on one emulator.
PROCESSES = {"interactive": _interactive, "burst": _burst, "broadcast": _broadcast}
PARTS = ["outbox", *PROCESSES, "inbox", "county"]


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


def _county(scale: float) -> None:
    """County scale against one village (its database generated once and cached)."""
    with tempfile.TemporaryDirectory() as tmp:
        figures = county.measure(scale, Path(tmp))
    print("\n".join(county.report(figures)), flush=True)


def main() -> None:
    """Run the parts named (all when none is)."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("parts", nargs="*", help=f"run these parts: {' '.join(PARTS)} (all)")
    parser.add_argument("--scale", type=float, default=1.0, help="county size (1 = 300 villages)")
    args = parser.parse_args()
    if unknown := [part for part in args.parts if part not in PARTS]:
        parser.error(f"unknown part {', '.join(unknown)}; the parts: {' '.join(PARTS)}")
    parts = args.parts or PARTS
    if "outbox" in parts:
        print("\n".join(outbox_picking.report(outbox_picking.measure())), flush=True)
    if processes := [part for part in parts if part in PROCESSES]:
        asyncio.run(_processes(processes))
    if "inbox" in parts:
        asyncio.run(inbox_throughput.main())
    if "county" in parts:
        _county(args.scale)


if __name__ == "__main__":
    main()
