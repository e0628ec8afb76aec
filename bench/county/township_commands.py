"""The township commands at county scale against one village, in-process on a copy of each
database: the service calls that build /pending, /overdue, /stats, /report and the daily digest,
and the chat /search; each inside an asyncio loop in debug mode, so a call that would hold the
loop more than 100 ms is counted as a slow callback."""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path

from bench.county.county_db import STAFF, USER_BASE, Shape, config_data, village_codes
from bot.config import parse_config
from bot.core import search_terms
from bot.core.periods import quarter_of
from bot.services.bundle import Services
from bot.services.figure_warmup import FigureWarmup
from handlers.topics.topic_replies import tracking_list
from storage import members
from storage import topics as store_topics
from storage.db import Store

REPEAT = 9  # after one call not measured: a first call's own costs are no command's
SLOW = 0.1  # asyncio's slow-callback threshold, seconds
DIGEST = "daily digest"
WORKBOOK = "/report (read + xlsx, off the loop)"


class _SlowCallbacks(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Executing"):
            self.count += 1


def _after_a_change(services: Services, call: Callable[[], object]) -> Callable[[], object]:
    """`call` right after one topic of the first village is urged: what a page or command
    costs when the figures it shows just changed (that village is counted again)."""
    db = services.ctx.store.db
    (topic_id,) = db.execute(
        "SELECT id FROM topics WHERE village_code = ? AND status = 'assigned' LIMIT 1",
        [village_codes(1)[0]],
    ).fetchone()

    def changed() -> object:
        store_topics.add_urge(db, topic_id, STAFF[0], None, services.ctx.now())
        return call()

    return changed


def calls(services: Services) -> dict[str, Callable[[], object]]:
    """What each command does before its reply is queued, as the first township's staff (and a
    resident); /compare as the service behind it (county staff read every township)."""
    ctx = services.ctx
    staff = services.membership.person(STAFF[0])
    resident = services.membership.person(USER_BASE)
    topics = services.topics
    digest_at = datetime.combine(ctx.local_date(ctx.now()), clock_time(10, 0), tzinfo=ctx.tz)
    quarter = quarter_of(ctx.local_date(ctx.now()))

    def listing(name: str) -> Callable[[], object]:
        return lambda: tracking_list(
            staff, ctx, getattr(topics.tracking, name)(staff, None, None), f"topics.{name}"
        )

    def stats() -> object:
        return topics.reporting.stats(staff, [])

    def compare() -> object:
        return services.county.figures(quarter)

    return {
        "/pending": listing("pending"),
        "/overdue": listing("overdue"),
        "/stats": stats,
        "/stats, right after a change": _after_a_change(services, stats),
        "/compare (county figures)": compare,
        "/compare, right after a change": _after_a_change(services, compare),
        "/report (on the loop)": lambda: topics.reporting.report(staff, None, "zh-hans"),
        WORKBOOK: lambda: topics.reporting.report(staff, None, "zh-hans")[1].write(),
        DIGEST: lambda: services.topic_schedule.digest(digest_at),
        "/search 分红 (township)": lambda: services.disclosures.browsing.search(staff, "分红"),
        "/search 分红 (resident)": lambda: services.disclosures.browsing.search(resident, "分红"),
    }


class _RolledBack(Exception):
    pass


def timed(store: Store, call: Callable[[], object]) -> float:
    """Seconds one call takes; whatever it writes is rolled back (the digest marks its day)."""
    began = time.perf_counter()
    try:
        with store.transaction(handling=False):
            call()
            raise _RolledBack
    except _RolledBack:
        pass
    return time.perf_counter() - began


async def _measure(store: Store, services: Services) -> tuple[dict[str, float], int]:
    loop = asyncio.get_running_loop()
    loop.slow_callback_duration = SLOW
    slow = _SlowCallbacks()
    logging.getLogger("asyncio").addHandler(slow)
    medians: dict[str, float] = {}
    try:
        for name, call in calls(services).items():
            runs = []
            for _ in range(REPEAT + 1):
                if "off the loop" in name:
                    runs.append(await asyncio.to_thread(timed, store, call))
                else:
                    runs.append(timed(store, call))
                await asyncio.sleep(0)  # let the loop see the callback end
            medians[name] = statistics.median(runs[1:]) * 1000
    finally:
        logging.getLogger("asyncio").removeHandler(slow)
    return _per_unit(services, medians), slow.count


def _per_unit(services: Services, medians: dict[str, float]) -> dict[str, float]:
    """The digest per township digest and the workbook per village too: each township's staff
    get their own digest, and a township's workbook has a sheet per village."""
    staff = members.township_staff(services.ctx.store.db)
    digests = len({m.township_villages for m in staff if m.township_villages})
    sheets = len(services.membership.person(STAFF[0]).villages_in_view() or ())
    found = dict(medians)
    found[f"{DIGEST}, per township digest"] = medians[DIGEST] / max(1, digests)
    found[f"{WORKBOOK}, per village"] = medians[WORKBOOK] / max(1, sheets)
    return found


def measure(shape: Shape, database: Path) -> tuple[dict[str, float], int]:
    """(median ms per command, slow callbacks counted) on this database."""
    data = {"telegram": {"token": "1:BENCH"}, **config_data(shape, database)}
    config = parse_config(data, source="<bench>", environ={})
    store = Store(database)
    services = Services.build(config, store)
    try:
        services.membership.sync_config()
        # As run.py does off the loop at start and after every tick: the word dictionary is
        # loaded and the villages' figures counted, so no command does either cold on it.
        search_terms.warm()
        FigureWarmup(services.ctx).warm()
        return asyncio.run(_measure(store, services), debug=True)
    finally:
        services.heavy.close()
        store.close()
