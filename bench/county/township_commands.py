"""The township commands at county scale against one village, on a copy of each database in
a process of its own: the service calls that build /pending, /overdue, /stats, /report and the
daily digest, and the chat /search; each inside an asyncio loop in debug mode, so a call that
would hold the loop more than 100 ms is counted as a slow callback."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from datetime import time as clock_time
from multiprocessing.connection import Connection
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


async def _timed(name: str, store: Store, call: Callable[[], object]) -> float:
    if "off the loop" in name:
        return await asyncio.to_thread(timed, store, call)
    return timed(store, call)


def _serve(shape: Shape, database: Path, conn: Connection) -> None:
    """A process of its own for one database: it runs the command it is sent and answers
    (seconds, slow callbacks); sent None, it answers how many digests and sheets it makes."""
    data = {"telegram": {"token": "1:BENCH"}, **config_data(shape, database)}
    store = Store(database)
    services = Services.build(parse_config(data, source="<bench>", environ={}), store)
    try:
        services.membership.sync_config()
        # As run.py does off the loop at start and after every tick: the word dictionary is
        # loaded and the villages' figures counted, so no command does either cold on it.
        search_terms.warm()
        FigureWarmup(services.ctx).warm()
        asyncio.run(_answer(store, services, conn), debug=True)
    finally:
        services.heavy.close()
        store.close()


async def _answer(store: Store, services: Services, conn: Connection) -> None:
    loop = asyncio.get_running_loop()
    loop.slow_callback_duration = SLOW
    slow = _SlowCallbacks()
    logging.getLogger("asyncio").addHandler(slow)
    named = calls(services)
    conn.send(list(named))
    while (name := await asyncio.to_thread(conn.recv)) is not None:
        before = slow.count
        took = await _timed(name, store, named[name])
        await asyncio.sleep(0)  # let the loop see the callback end
        conn.send((took, slow.count - before))
    staff = members.township_staff(services.ctx.store.db)
    digests = len({m.township_villages for m in staff if m.township_villages})
    conn.send((digests, len(services.membership.person(STAFF[0]).villages_in_view() or ())))


def measure(
    village: tuple[Shape, Path], county: tuple[Shape, Path]
) -> tuple[dict[str, float], dict[str, float], int]:
    """(median ms per command on the village, on the county, the county's slow callbacks).
    Each database is served by a process of its own (its own heap, as a deployment has) and
    each command called on one, then the other, in turn: a machine shared with other work
    slows both alike, so their ratio holds where each figure alone moves by half."""
    spawn = multiprocessing.get_context("spawn")
    ends, workers = [], []
    for shape, database in (village, county):
        ours, theirs = spawn.Pipe()
        workers.append(spawn.Process(target=_serve, args=(shape, database, theirs)))
        workers[-1].start()
        ends.append(ours)
    try:
        names, _ = (end.recv() for end in ends)  # each says it is ready with the same names
        runs: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in names}
        slow = 0
        for name in names:
            for _ in range(REPEAT + 1):
                for side, end in enumerate(ends):
                    end.send(name)
                    took, slowed = end.recv()
                    runs[name][side].append(took)
                    slow += slowed * side  # the county's alone
        for end in ends:
            end.send(None)
        units = [end.recv() for end in ends]
    finally:
        for worker in workers:
            worker.join()
    village_ms, county_ms = (
        _per_unit({n: statistics.median(r[side][1:]) * 1000 for n, r in runs.items()}, *units[side])
        for side in (0, 1)
    )
    return village_ms, county_ms, slow


def _per_unit(medians: dict[str, float], digests: int, sheets: int) -> dict[str, float]:
    """The digest per township digest and the workbook per village too: each township's staff
    get their own digest, and a township's workbook has a sheet per village."""
    found = dict(medians)
    found[f"{DIGEST}, per township digest"] = medians[DIGEST] / max(1, digests)
    found[f"{WORKBOOK}, per village"] = medians[WORKBOOK] / max(1, sheets)
    return found
