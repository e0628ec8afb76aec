"""The county part of the bench: web against the floor, county against one village, commands,
memory, start and blocking. `python -m bench county [--scale 0.01]`."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.county import scheduler_tick as ticks
from bench.county import serving_process as serving
from bench.county import township_commands as commands
from bench.county import web_rates as web
from bench.county.county_db import Shape, database, first_township, village_codes
from bot.sandbox.emulator import BotApiEmulator

SECONDS = 2.0  # per route


@dataclass
class Served:
    """What one serving process showed: start, memory and each route's rate."""

    start_s: float = 0.0  # the first start on a copied file: the whole file checked (SEC-11)
    restart_s: float = 0.0  # after a clean stop, which checked the file and marked it
    rss_mb: float = 0.0
    peak_mb: float = 0.0
    rates: dict[str, web.Rate] = field(default_factory=dict)
    cold_ms: dict[str, float] = field(default_factory=dict)  # a render right after a change
    settle_s: float = 0.0  # from ready until the data stopped changing (the first ticks' work)


@dataclass
class Figures:
    village: Served
    county: Served
    empty_start_s: float
    empty_restart_s: float
    floor: web.Rate
    slow_web: int
    commands_village: dict[str, float]
    commands_county: dict[str, float]
    slow_commands: int
    tick_village: ticks.Tick
    tick_county: ticks.Tick


def route_paths(db: Path, shape: Shape) -> dict[str, list[str]]:
    """The routes, on the first village's newest published item and an answered topic, its
    township (and its name among the searches)."""
    code = village_codes(1)[0]
    conn = sqlite3.connect(db)
    try:
        (item,) = conn.execute(
            "SELECT max(id) FROM disclosures WHERE village_code = ? AND kind = 'finance'", [code]
        ).fetchone()
        (receipt,) = conn.execute(
            "SELECT receipt FROM topics WHERE village_code = ? AND answer_id IS NOT NULL "
            "ORDER BY id DESC LIMIT 1",
            [code],
        ).fetchone()
        (village,) = conn.execute("SELECT name FROM villages WHERE code = ?", [code]).fetchone()
    finally:
        conn.close()
    return web.routes(code, item, receipt, village, first_township(shape))


async def _serve(
    emulator: BotApiEmulator, shape: Shape, db: Path, tmp: Path, *, debug: bool = False
) -> tuple[serving.Served, float]:
    port = serving.free_port()
    config = serving.project_config(tmp / f"{db.stem}.toml", shape, db, emulator.base_url, port)
    served = serving.project(
        config, port, tmp / f"{db.stem}{'-debug' if debug else ''}.log", debug=debug
    )
    return served, await served.start("/healthz")


async def _measure(emulator: BotApiEmulator, shape: Shape, tmp: Path, board: Path | None) -> Served:
    db = _copy(shape, tmp, "", tmp / f"{shape.name}.db")
    paths = route_paths(db, shape)
    process, started = await _serve(emulator, shape, db, tmp)
    try:
        result = Served(start_s=started)
        # The first tick after start does the day's urges and unrated closes (thousands in a
        # county, each a change that renders every page again): the steady state comes after.
        result.settle_s = await web.settled(db)
        result.rates = await web.rates(process.base, paths, SECONDS)
        result.cold_ms = await web.cold(process.base, paths, db)
        result.rss_mb, result.peak_mb = process.rss_mb()
        if board is not None:
            async with aiohttp.ClientSession() as client, client.get(process.base + "/") as r:
                body = await r.read()
            await asyncio.to_thread(board.write_bytes, body)
    finally:
        await process.stop()
    # After the clean stop, which checked the file and marked it: a deployed bot's restart.
    result.restart_s = await _start_and_stop(emulator, shape, db, tmp)
    return result


async def _start_and_stop(emulator: BotApiEmulator, shape: Shape, db: Path, tmp: Path) -> float:
    """Seconds from start to ready; then a clean stop."""
    process, started = await _serve(emulator, shape, db, tmp)
    await process.stop()
    return started


async def _blocking(emulator: BotApiEmulator, shape: Shape, tmp: Path) -> int:
    """Slow callbacks (over 100 ms) logged by the county process in asyncio's debug mode while
    every route is asked five times."""
    db = tmp / f"{shape.name}.db"
    process, _ = await _serve(emulator, shape, db, tmp, debug=True)
    try:
        await web.touch(process.base, route_paths(db, shape), 5)
    finally:
        await process.stop()
    return process.slow_callbacks()


async def _empty_start(emulator: BotApiEmulator, shape: Shape, tmp: Path) -> tuple[float, float]:
    """The first start on an empty database, and the start after its clean stop."""
    first = await _start_and_stop(emulator, shape, tmp / "empty.db", tmp)
    return first, await _start_and_stop(emulator, shape, tmp / "empty.db", tmp)


async def _floor(board: Path, tmp: Path) -> web.Rate:
    port = serving.free_port()
    process = serving.floor(board, port, tmp / "floor.log")
    await process.start("/")
    try:
        async with web.session() as client:
            return await web.rate(client, process.base + "/", SECONDS)
    finally:
        await process.stop()


async def _web(
    scale: float, tmp: Path
) -> tuple[Served, Served, tuple[float, float], web.Rate, int]:
    county, village = Shape.county(scale), Shape.village()
    emulator = BotApiEmulator()
    emulator.add_bot(serving.TOKEN, "county_bench_bot")
    await emulator.start()
    try:
        board = tmp / "board.html"
        one = await _measure(emulator, village, tmp, None)
        many = await _measure(emulator, county, tmp, board)
        empty = await _empty_start(emulator, county, tmp)
        slow = await _blocking(emulator, county, tmp)
    finally:
        await emulator.stop()
    return one, many, empty, await _floor(board, tmp), slow


def measure(scale: float, tmp: Path) -> Figures:
    """Every county figure, in one run."""
    one, many, (empty, empty_again), floor, slow = asyncio.run(_web(scale, tmp))
    county, village = Shape.county(scale), Shape.village()
    cmd_village, cmd_county, slow_cmd = commands.measure(
        (village, _copy(village, tmp, "cmd")), (county, _copy(county, tmp, "cmd"))
    )
    tick_village = ticks.measure(village, _copy(village, tmp, "tick"))
    tick_county = ticks.measure(county, _copy(county, tmp, "tick"))
    return Figures(
        one,
        many,
        empty,
        empty_again,
        floor,
        slow,
        cmd_village,
        cmd_county,
        slow_cmd,
        tick_village,
        tick_county,
    )


def _copy(shape: Shape, tmp: Path, tag: str, target: Path | None = None) -> Path:
    """A copy of the shape's database, on disk before it is used: the first checkpoint's fsync
    must not be the one that writes out half a gigabyte of copy."""
    target = target or tmp / f"{tag}-{shape.name}.db"
    shutil.copy(database(shape), target)
    with open(target, "rb") as copied:
        os.fsync(copied.fileno())
    return target


_QUERIES = f" (median of {len(web.SEARCHES)} queries)"


def _met(ok: bool) -> str:
    return "met" if ok else "not met"


def _web_rows(f: Figures) -> list[str]:
    rows = []
    floor = f.floor.per_second
    for name, rate in f.county.rates.items():
        one = f.village.rates[name]
        cold, one_cold = f.county.cold_ms[name], f.village.cold_ms[name]
        to_floor = rate.per_second / floor
        slower = cold / one_cold  # rendering after a change: the cache hides it when warm
        status = "" if rate.status == 200 else f" (HTTP {rate.status})"
        status = (_QUERIES if name == "/search?q=" else "") + status
        rows.append(
            f"| web `{name}`{status} | floor {floor:,.0f} req/s; one village "
            f"{one.per_second:,.0f} req/s, cold {one_cold:.1f} ms | county "
            f"{rate.per_second:,.0f} req/s, cold {cold:.1f} ms | {to_floor:.2f}x floor; "
            f"{slower:.2f}x village cold time | ≥ 0.3x, ≤ 1.5x: "
            f"{_met(to_floor >= 0.3 and slower <= 1.5)} |"
        )
    return rows


def _ms(value: float) -> str:
    """Milliseconds to three figures or so: a warm command takes tenths or hundredths."""
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _command_rows(f: Figures) -> list[str]:
    rows = []
    for name, county in f.commands_county.items():
        one = f.commands_village[name]
        ratio = county / one
        target = "≤ 50 ms" if name.startswith("/search") else "≤ 1.5x"
        ok = county <= 50 if name.startswith("/search") else ratio <= 1.5
        rows.append(
            f"| {name}, median of {commands.REPEAT} after a first call | one village "
            f"{_ms(one)} ms | county {_ms(county)} ms | {ratio:.2f}x | {target}: {_met(ok)} |"
        )
    return rows


def report(f: Figures) -> list[str]:
    """The README's rows: figure, baseline, project, ratio, target met or not."""
    tv, tc = f.tick_village, f.tick_county
    search = f.county.cold_ms["/search?q="]  # each new query is rendered: the cold time
    start = f.county.start_s / f.empty_start_s
    restart = f.county.restart_s / f.empty_restart_s
    return [
        "county: figure | baseline | project | ratio | target",
        *_web_rows(f),
        *_command_rows(f),
        f"| web `/search?q=`{_QUERIES} median, rendered (cold), county | — | {search:.1f} ms | — "
        f"| ≤ 50 ms: {_met(search <= 50)} |",
        f"| RSS of the serving process after the web run | one village {f.village.rss_mb:.0f} MB "
        f"(peak {f.village.peak_mb:.0f}) | county {f.county.rss_mb:.0f} MB (peak "
        f"{f.county.peak_mb:.0f}) | — | ≤ 150 MB: {_met(f.county.peak_mb <= 150)} |",
        f"| start to ready (`/healthz` 200) after a clean stop | empty database "
        f"{f.empty_restart_s:.2f} s | county {f.county.restart_s:.2f} s (one village "
        f"{f.village.restart_s:.2f} s) | {restart:.2f}x | ≤ 2x: {_met(restart <= 2)} |",
        f"| the first start on a copied file (no clean stop's mark: the whole file checked) | "
        f"empty database {f.empty_start_s:.2f} s | county {f.county.start_s:.2f} s (one village "
        f"{f.village.start_s:.2f} s) | {start:.2f}x | for comparison |",
        f"| from ready to the first ticks' work done (the web figures are taken after it) | one "
        f"village {f.village.settle_s:.1f} s | county {f.county.settle_s:.1f} s | — | — |",
        f"| callbacks blocking the loop > 100 ms (asyncio debug) | — | web {f.slow_web}, "
        f"commands {f.slow_commands} | — | 0: {_met(f.slow_web + f.slow_commands == 0)} |",
        f"| scheduler's morning tick (urges, unrated closes, digests): longest hold of the loop "
        f"| one village {tv.longest_ms:.0f} ms ({tv.steps} steps, {tv.seconds:.1f} s) | county "
        f"{tc.longest_ms:.0f} ms ({tc.steps} steps, {tc.seconds:.1f} s) | — "
        f"| ≤ 100 ms: {_met(tc.longest_ms <= 100)} |",
    ]
