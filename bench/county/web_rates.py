"""Requests per second for every public page and API route, one aiohttp client with a few
keep-alive connections, against whichever process serves them."""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import aiohttp

CONNECTIONS = 4
COLD_TIMES = 9  # renders per route after a data change; the median is reported
# What residents type into the web search: common words found all over a county (分红, 公开), words
# found in a few places, several words, a village's name, nothing to find, a whole sentence.
SEARCHES = (
    "分红",
    "修路",
    "低保评议",
    "光伏分红",
    "村干部工资",
    "{village}",
    "公开",
    "量子计算机",
    "今年村里的光伏电站分红什么时候发到每户的账上",
)


@dataclass(frozen=True, slots=True)
class Rate:
    per_second: float
    median_ms: float
    status: int  # the answers' status (the first that was not 200, if any)


def routes(
    code: str, disclosure_id: int, receipt: str, village: str, township: str
) -> dict[str, list[str]]:
    """Every public page and JSON route, named as the report shows them, each with the paths
    asked: the search with each of SEARCHES (`village` standing for a village's name)."""
    return {
        "/": ["/"],
        "/z/<code>": [f"/z/{township}"],
        "/v/<code>": [f"/v/{code}"],
        "/v/<code>/wall": [f"/v/{code}/wall"],
        "/stats": ["/stats"],
        "/d/<id>": [f"/d/{disclosure_id}"],
        "/t/<receipt>": [f"/t/{receipt}"],
        "/search": ["/search"],
        "/search?q=": [f"/search?q={quote(q.format(village=village))}" for q in SEARCHES],
        "/feed.atom": ["/feed.atom"],
        "/v/<code>/feed.atom": [f"/v/{code}/feed.atom"],
        "/api/v1/villages": ["/api/v1/villages"],
        "/api/v1/villages/<code>/disclosures": [f"/api/v1/villages/{code}/disclosures"],
        "/api/v1/disclosures/<id>": [f"/api/v1/disclosures/{disclosure_id}"],
        "/api/v1/stats": ["/api/v1/stats"],
        "/api/v1/villages/<code>/topics": [f"/api/v1/villages/{code}/topics"],
        "/api/v1/topics/<receipt>": [f"/api/v1/topics/{receipt}"],
    }


async def rate(session: aiohttp.ClientSession, url: str, seconds: float) -> Rate:
    """Requests answered per second over `seconds`, CONNECTIONS requests in flight at a time."""
    times: list[float] = []
    statuses: list[int] = []

    async def worker() -> None:
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            async with session.get(url) as response:
                await response.read()
                statuses.append(response.status)
            times.append(time.perf_counter() - began)

    for _ in range(3):  # warm: templates, caches, the connections themselves
        async with session.get(url) as response:
            await response.read()
    began = time.perf_counter()
    deadline = began + seconds
    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    elapsed = time.perf_counter() - began
    status = next((s for s in statuses if s != 200), 200)
    return Rate(len(times) / elapsed, statistics.median(times) * 1000, status)


def session() -> aiohttp.ClientSession:
    """The one client: keep-alive, CONNECTIONS connections."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONNECTIONS))


async def rates(base: str, paths: dict[str, list[str]], seconds: float) -> dict[str, Rate]:
    """Each route's rate, one after another; a route with several paths is the median of theirs
    (each asked for an equal share of `seconds`, at least half a second)."""
    async with session() as client:
        return {name: await _route(client, base, each, seconds) for name, each in paths.items()}


async def _route(
    client: aiohttp.ClientSession, base: str, paths: list[str], seconds: float
) -> Rate:
    share = max(seconds / len(paths), 0.5)
    each = [await rate(client, base + path, share) for path in paths]
    status = next((r.status for r in each if r.status != 200), 200)
    return Rate(
        statistics.median(r.per_second for r in each),
        statistics.median(r.median_ms for r in each),
        status,
    )


async def touch(base: str, paths: dict[str, list[str]], times: int) -> None:
    """Ask each route a few times (the blocking check only needs them served)."""
    async with session() as client:
        for path in (path for each in paths.values() for path in each):
            for _ in range(times):
                async with client.get(base + path) as response:
                    await response.read()


def _version(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT version FROM data_version WHERE id = 1").fetchone()[0]
    finally:
        conn.close()


async def settled(db: Path, quiet: float = 2.0, limit: float = 300.0) -> float:
    """Seconds until the data version stayed the same for `quiet` seconds (at most `limit`)."""
    began = time.perf_counter()
    last, since = await asyncio.to_thread(_version, db), time.perf_counter()
    while time.perf_counter() - since < quiet and time.perf_counter() - began < limit:
        await asyncio.sleep(0.25)
        now = await asyncio.to_thread(_version, db)
        if now != last:
            last, since = now, time.perf_counter()
    return since - began


def _change_data(db: Path) -> None:
    """What any write to a table a page reads does: raise the data version (through a
    connection of the bench's own, as another process would), so the next request renders."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=5)
    try:
        conn.execute("UPDATE data_version SET version = version + 1 WHERE id = 1")
    finally:
        conn.close()


async def cold(
    base: str, paths: dict[str, list[str]], db: Path, times: int = COLD_TIMES
) -> dict[str, float]:
    """Each route's median time (ms) to answer right after a data change: the render itself,
    which the warm rate (served from the page cache) no longer shows (a route with several
    paths takes them in turn)."""
    medians: dict[str, float] = {}
    async with session() as client:
        for name, each in paths.items():
            spent = []
            for i in range(times):
                path = each[i % len(each)]
                await asyncio.to_thread(_change_data, db)
                began = time.perf_counter()
                async with client.get(base + path) as response:
                    await response.read()
                spent.append(time.perf_counter() - began)
            medians[name] = statistics.median(spent) * 1000
    return medians
