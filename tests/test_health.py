"""/healthz tells the truth: 503 when a loop has stopped or the outbox lags; shutdown closes."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from run import Runtime
from storage import metrics, outbox
from storage.times import utcnow
from tests.conftest import make_config
from tests.test_web_pages import build, services  # noqa: F401  (the fixture)


async def health(runtime: Runtime) -> tuple[int, dict]:
    url = f"http://127.0.0.1:{runtime.web_port}/healthz"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.json()


async def test_healthy_while_every_loop_runs(runtime):
    status, body = await health(runtime)
    assert status == 200, body
    assert body["status"] == "ok" and body["problems"] == []
    assert body["loops"] == {"poller": True, "inbox": True, "outbox": True}


@pytest.mark.parametrize("loop", ["poller", "inbox", "outbox"])
async def test_unhealthy_when_a_loop_has_stopped(runtime, loop):
    (task,) = [t for t in runtime._tasks if t.get_name() == loop]
    task.cancel()
    status, body = await health(runtime)
    assert status == 503, body
    assert body["status"] == "unhealthy"
    assert body["loops"][loop] is False
    assert f"{loop} loop is not running" in body["problems"]


async def test_unhealthy_when_the_outbox_lags(aiohttp_client, services):  # noqa: F811
    late = utcnow() - timedelta(minutes=10)
    with services.store.transaction() as db:
        outbox.enqueue(db, "k1", 1001, "text", {"text": "hi"}, not_before=late)
    assert metrics.outbox_lag_seconds(services.store.db, utcnow()) >= 599
    client = await aiohttp_client(build(services))
    response = await client.get("/healthz")
    body = await response.json()
    assert response.status == 503, body
    assert body["problems"] == ["outbox lags 600s behind"]


async def test_shutdown_closes_the_database_even_when_a_step_fails(tmp_path: Path, emulator):
    rt = Runtime(make_config(tmp_path, emulator))
    await rt.start()

    async def broken_shutdown() -> None:
        raise RuntimeError("shutdown failed")

    rt.application.shutdown = broken_shutdown  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await rt.stop()
    with pytest.raises(sqlite3.ProgrammingError):
        rt.store.db.execute("SELECT 1")
