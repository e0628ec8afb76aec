"""GET /metrics: the process's figures in Prometheus text format."""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from bot.services.bundle import Services
from handlers.web.keys import CONTEXT, INBOX, SERVICES
from storage import inbox, metrics, outbox
from storage.times import utcnow

# Publication delay buckets: on time, within an hour, a day, three days, a week.
DELAY_BUCKETS = (0.0, 3600.0, 86400.0, 3 * 86400.0, 7 * 86400.0)


def _authorized(request: web.Request) -> bool:
    """With `[web] metrics_token` set, only a scraper that sends it as a bearer token is served."""
    token = request.app[SERVICES].config.web.metrics_token
    if not token:
        return True
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())


async def metrics_page(request: web.Request) -> web.Response:
    """Every figure read fresh for this scrape (one registry per request, no global state)."""
    if not _authorized(request):
        raise web.HTTPUnauthorized(headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Figures(request.app))
    return web.Response(
        body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )


class _Figures(Collector):
    def __init__(self, app: web.Application) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        services: Services = self.app[SERVICES]
        db = services.store.db
        now = utcnow()
        handled = CounterMetricFamily(
            "village_updates", "Updates handled since start, by outcome", labels=["outcome"]
        )
        outcomes = self.app[INBOX].outcomes
        for outcome in ("done", "failed"):
            handled.add_metric([outcome], outcomes[outcome])
        yield handled
        yield _by_status("village_inbox_updates", "Stored updates by state", inbox.counts(db))
        yield _by_status("village_outbox_messages", "Outbox messages by state", outbox.counts(db))
        yield GaugeMetricFamily(
            "village_outbox_lag_seconds",
            "How long the oldest due message has waited",
            value=metrics.outbox_lag_seconds(db, now),
        )
        yield from self._loops()
        yield from _topics(services)
        yield from _publications(services)

    def _loops(self) -> Iterator[Metric]:
        loops_of = self.app[CONTEXT].loops
        running = GaugeMetricFamily(
            "village_loop_running", "1 while the loop runs", labels=["loop"]
        )
        for name, up in (loops_of() if loops_of else {}).items():
            running.add_metric([name], 1.0 if up else 0.0)
        yield running


def _by_status(name: str, documentation: str, counts: dict[str, int]) -> Metric:
    family = GaugeMetricFamily(name, documentation, labels=["status"])
    for status, count in sorted(counts.items()):
        family.add_metric([status], count)
    return family


def _topics(services: Services) -> Iterator[Metric]:
    today = utcnow().astimezone(services.config.township.tz).date()
    open_topics, overdue = metrics.topic_counts(services.store.db, today)
    yield GaugeMetricFamily("village_topics_open", "Topics not yet closed", value=open_topics)
    yield GaugeMetricFamily(
        "village_topics_overdue", "Topics awaiting an answer past their due date", value=overdue
    )


def _publications(services: Services) -> Iterator[Metric]:
    db = services.store.db
    delays = metrics.publication_delays(db)
    buckets = [(str(le), float(sum(d <= le for d in delays))) for le in DELAY_BUCKETS]
    buckets.append(("+Inf", float(len(delays))))
    yield HistogramMetricFamily(
        "village_publication_delay_seconds",
        "How long after it was due each disclosure was published",
        buckets=buckets,
        sum_value=sum(delays),
    )
    yield GaugeMetricFamily(
        "village_publications_overdue",
        "Approved disclosures past their publication time",
        value=metrics.overdue_publications(db, utcnow()),
    )
