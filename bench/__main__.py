"""Run every benchmark: `make bench` (or `python -m bench`). Each part prints its figures and its
ratio to the baseline measured in the same run; together they take about two minutes."""

import asyncio
import tempfile
from pathlib import Path

from bench import burst_rate, inbox_throughput, interactive, outbox_picking
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


if __name__ == "__main__":
    print("\n".join(outbox_picking.report(outbox_picking.measure())), flush=True)
    asyncio.run(_processes())
    asyncio.run(inbox_throughput.main())
