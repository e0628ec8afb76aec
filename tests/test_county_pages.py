"""The county-wide pages read each figure once for all their villages (issue 12 §3): the index
and the villages API run as many statements for forty villages as for two."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import parse_config
from bot.services.bundle import Services
from bot.web_render.disclosure_sections import add_disclosure_sections
from bot.web_render.page_sections import default_sections, township_index
from bot.web_render.topic_sections import add_topic_sections
from storage import members, users
from storage.db import Store
from tests.test_web_pages import build


def _services(tmp_path: Path, count: int) -> Services:
    config = parse_config(
        {
            "telegram": {
                "token": "424242:TEST-village-affairs",
                "base_url": "http://127.0.0.1:9/bot",
            },
            "storage": {"path": str(tmp_path / f"v{count}.db")},
            "web": {"host": "127.0.0.1", "port": 0},
            "township": {"name": "示范镇", "staff": [9001]},
            "villages": [{"code": f"c{n:03}", "name": f"第{n}村"} for n in range(count)],
        },
        environ={},
    )
    built = Services.build(config, Store(str(tmp_path / f"v{count}.db")))
    built.membership.sync_config()
    built.clock.set(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    with built.store.transaction() as db:
        for n in range(count):
            users.ensure(db, 1000 + n)
            members.add(db, 1000 + n, "resident", f"c{n:03}")
    for n in range(count):
        built.topics.filing.file(built.membership.person(1000 + n), f"请公开第{n}村的修路账目")
    return built


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Services, Services]]:
    few, many = _services(tmp_path, 2), _services(tmp_path, 40)
    yield few, many
    few.store.close()
    many.store.close()


def statements(services: Services, call: Callable[[], object]) -> int:
    seen: list[str] = []
    services.store.db.conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        services.store.db.conn.set_trace_callback(None)
    return len(seen)


def test_the_index_reads_its_figures_once_for_all_villages(pair):
    sections = add_topic_sections(add_disclosure_sections(default_sections()))
    counted = [statements(s, lambda s=s: township_index(s, sections, "zh-CN")) for s in pair]
    assert counted[0] == counted[1]
    index = township_index(pair[1], sections, "zh-CN")
    assert len(index.villages) == 40
    residents = index.villages[7].stats[0]
    assert residents.label == "web.stats.residents" and residents.value == 1
    labels = [str(stat.label) for stat in index.villages[7].stats]
    assert "web.quarter.label" in labels and "web.topics.open" in labels


async def test_the_villages_api_counts_only_the_villages_of_its_page(aiohttp_client, pair):
    services = pair[1]
    client = await aiohttp_client(build(services))
    seen: list[str] = []
    services.store.db.conn.set_trace_callback(seen.append)
    try:
        first = await (await client.get("/api/v1/villages?limit=2")).json()
        cursor = first["next_cursor"]
        second = await (await client.get(f"/api/v1/villages?limit=2&cursor={cursor}")).json()
    finally:
        services.store.db.conn.set_trace_callback(None)
    assert [v["code"] for v in first["items"] + second["items"]] == ["c000", "c001", "c002", "c003"]
    # Each page counts the published items of its own villages (and the one after it) only,
    # and a village counted already is remembered until one of its disclosures changes.
    counting = [sql for sql in seen if "FROM disclosures" in sql and "kind = 'finance'" in sql]
    assert len(counting) == 2
    assert "village_code IN ('c000', 'c001', 'c002')" in counting[0]
    assert "village_code IN ('c003', 'c004')" in counting[1]
