"""Requests per second for every public page and API route, one aiohttp client with a few
keep-alive connections, against whichever process serves them."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

import aiohttp

CONNECTIONS = 4


@dataclass(frozen=True, slots=True)
class Rate:
    per_second: float
    median_ms: float
    status: int  # the answers' status (the first that was not 200, if any)


def routes(code: str, disclosure_id: int, receipt: str, township: str) -> dict[str, str]:
    """Every public page and JSON route, named as the report shows them."""
    return {
        "/": "/",
        "/z/<code>": f"/z/{township}",
        "/v/<code>": f"/v/{code}",
        "/v/<code>/wall": f"/v/{code}/wall",
        "/stats": "/stats",
        "/d/<id>": f"/d/{disclosure_id}",
        "/t/<receipt>": f"/t/{receipt}",
        "/search?q=": "/search?q=%E5%88%86%E7%BA%A2",  # 分红
        "/feed.atom": "/feed.atom",
        "/v/<code>/feed.atom": f"/v/{code}/feed.atom",
        "/api/v1/villages": "/api/v1/villages",
        "/api/v1/villages/<code>/disclosures": f"/api/v1/villages/{code}/disclosures",
        "/api/v1/disclosures/<id>": f"/api/v1/disclosures/{disclosure_id}",
        "/api/v1/stats": "/api/v1/stats",
        "/api/v1/villages/<code>/topics": f"/api/v1/villages/{code}/topics",
        "/api/v1/topics/<receipt>": f"/api/v1/topics/{receipt}",
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


async def rates(base: str, paths: dict[str, str], seconds: float) -> dict[str, Rate]:
    """Each route's rate, one after another."""
    async with session() as client:
        return {name: await rate(client, base + path, seconds) for name, path in paths.items()}


async def touch(base: str, paths: dict[str, str], times: int) -> None:
    """Ask each route a few times (the blocking check only needs them served)."""
    async with session() as client:
        for path in paths.values():
            for _ in range(times):
                async with client.get(base + path) as response:
                    await response.read()
