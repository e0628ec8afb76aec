"""Run every benchmark: `make bench` (or `python -m bench`). Each part prints its figures and its
ratio to the baseline measured in the same run. The others take about two and a half minutes;
the county part about ten more (and a minute or two the first time, to write its database).
`python -m bench county [--scale 0.01]` runs the county part alone."""

import argparse
import asyncio
import tempfile
from pathlib import Path

from bench import burst_rate, inbox_throughput, interactive, outbox_picking
from bench.county import county_bench as county
from bot.sandbox.emulator import BotApiEmulator


async def _processes() -> None:
    """The parts that run bots as their own processes on one emulator."""
    emulator = BotApiEmulator()
    emulator.add_bot(interactive.PROJECT_TOKEN, "bench_bot")
    emulator.add_bot(interactive.ECHO_TOKEN, "echo_bench_bot")
    await emulator.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            echo, project = await interactive.measure(emulator, Path(tmp))
            print("\n".join(interactive.report(echo, project)), flush=True)
            burst = await burst_rate.measure(emulator, Path(tmp))
            print("\n".join(burst_rate.report(burst)), flush=True)
    finally:
        await emulator.stop()


def _county(scale: float) -> None:
    """County scale against one village (its database generated once and cached)."""
    with tempfile.TemporaryDirectory() as tmp:
        figures = county.measure(scale, Path(tmp))
    print("\n".join(county.report(figures)), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("part", nargs="?", choices=["county"], help="run this part alone")
    parser.add_argument("--scale", type=float, default=1.0, help="county size (1 = 300 villages)")
    args = parser.parse_args()
    if args.part == "county":
        _county(args.scale)
        raise SystemExit(0)
    print("\n".join(outbox_picking.report(outbox_picking.measure())), flush=True)
    asyncio.run(_processes())
    asyncio.run(inbox_throughput.main())
    _county(args.scale)
