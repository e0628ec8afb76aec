"""/metrics in Prometheus text format: updates, outbox, loops, topics and publications."""

from __future__ import annotations

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.config import ConfigError
from bot.services.bundle import Services
from run import Runtime
from storage.db import Store
from tests.conftest import eventually
from tests.test_bad_updates import emulator  # noqa: F401  (unchecked: one update is malformed)
from tests.test_web_pages import build, web_config


async def scrape(runtime: Runtime) -> dict[tuple[str, tuple], float]:
    url = f"http://127.0.0.1:{runtime.web_port}/metrics"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_updates_and_show_the_queues(runtime, emulator, chat):  # noqa: F811
    await chat(1001).say("/help")
    emulator.inject_update({"message": {"text": "no chat, no sender"}})
    await eventually(lambda: runtime.inbox.outcomes["failed"] == 1)
    figures = await scrape(runtime)
    assert figures[("village_updates_total", (("outcome", "done"),))] >= 1
    assert figures[("village_updates_total", (("outcome", "failed"),))] == 1
    assert figures[("village_inbox_updates", (("status", "failed"),))] == 1
    assert ("village_outbox_messages", (("status", "sent"),)) in figures
    assert figures[("village_outbox_lag_seconds", ())] >= 0
    assert figures[("village_loop_running", (("loop", "poller"),))] == 1
    assert figures[("village_topics_open", ())] == 0
    assert figures[("village_topics_overdue", ())] == 0
    assert figures[("village_publication_delay_seconds_count", ())] == 0
    assert figures[("village_publications_overdue", ())] == 0


async def test_with_a_metrics_token_only_a_scraper_that_sends_it_is_served(
    aiohttp_client, tmp_path
):
    store = Store(str(tmp_path / "village.db"))
    services = Services.build(web_config(tmp_path, metrics_token="scrape-Me_42"), store)
    services.membership.sync_config()
    client = await aiohttp_client(build(services))
    for header in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "scrape-Me_42"}):
        refused = await client.get("/metrics", headers=header)
        assert refused.status == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert "village_" not in await refused.text()
    served = await client.get("/metrics", headers={"Authorization": "Bearer scrape-Me_42"})
    assert served.status == 200 and "village_topics_open" in await served.text()
    store.close()


def test_a_metrics_token_is_checked_like_a_secret(tmp_path):
    with pytest.raises(ConfigError) as refused:
        web_config(tmp_path, metrics_token="has space")
    assert "web.metrics_token" in str(refused.value)
