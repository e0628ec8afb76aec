"""Every query on a hot path uses an index (issue 12 §3): the web routes, the township commands,
search, the scheduler's checks, outbox and inbox run on a small generated county while the
connection's trace callback records each statement; each is then run under EXPLAIN QUERY PLAN
and none may SCAN a big table. A new query on these paths is covered without naming it here."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from bench.county import township_commands as commands
from bench.county.county_bench import route_paths
from bench.county.county_db import Shape, config_data, database
from bot.config import parse_config
from bot.services.bundle import Services
from bot.services.topics.similar_topics import find_similar
from storage import inbox, outbox
from storage.db import Store
from tests.test_web_pages import build

# Tables of at most a few hundred rows whatever the county's size (a village per row, a setting,
# a calendar day, a year's counter…): reading them whole costs nothing.
SMALL = {
    "villages",
    "townships",
    "settings",
    "calendar_overrides",
    "topic_counters",
    "topic_routes",
    "once_marks",
    "broadcasts",
    "disclosure_reminders",
    "answer_templates",
    "migrations",
    "_sqlite_migrations",
    "sqlite_master",
    "json_each",  # the list of ids a query was given
    "disclosure_search_config",  # FTS5's own settings, read when the index opens
    "wall_search_config",
    "newest_matches",  # a search's newest RANK_WINDOW matches (storage/search_index.py)
    "shown_matches",  # the page of them shown
}
SCAN = re.compile(r"\bSCAN (?:main\.)?(\w+)(.*)")
# A search bounded only by a column of a handful of values (a state, a kind, a role) reads a
# share of the whole county: a page about one village or one item must never need one.
FEW_VALUES = re.compile(
    r"\bSEARCH (?:main\.)?\w+ USING (?:COVERING )?INDEX \w+ \((?:status|kind|role)=\?\)"
)
ONE_PLACE = ("<code>", "<id>", "<receipt>")
LIMITED = re.compile(r"\bORDER BY [^()]*\bLIMIT \d+\s*$", re.IGNORECASE)
# An FTS5 MATCH (M in its plan), or a rowid looked up (=) to read a found row's text.
FTS_LOOKUP = re.compile(r" VIRTUAL TABLE INDEX \d+:(?:\S*M|=$)")
STATEMENT = re.compile(r"^\s*(SELECT|WITH|UPDATE|DELETE)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Shape, Path]:
    shape = Shape.county(0.01)
    cache = tmp_path_factory.mktemp("cache")
    path = tmp_path_factory.mktemp("county") / "county.db"
    shutil.copy(database(shape, cache=cache), path)
    return shape, path


@pytest.fixture
def traced(county: tuple[Shape, Path]):
    shape, path = county
    data = {"telegram": {"token": "1:TEST"}, **config_data(shape, path)}
    store = Store(path)
    services = Services.build(parse_config(data, source="<test>", environ={}), store)
    services.membership.sync_config()
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    yield services, seen
    store.db.conn.set_trace_callback(None)
    services.heavy.close()
    store.close()


def _walks_in_order(sql: str, plan: list[str]) -> bool:
    """A scan in the order asked for, stopped by the LIMIT (the newest twenty, the last one):
    it reads as many rows as it returns (with the rows its filter skips), never sorts them all."""
    return bool(LIMITED.search(sql)) and not any("TEMP B-TREE" in line for line in plan)


def _plans(store: Store, statements: list[str]) -> dict[str, list[str]]:
    """Each reading statement once, with its plan's lines."""
    plans = {}
    for sql in dict.fromkeys(s for s in statements if STATEMENT.match(s)):
        # The traced text spells an infinite bound as Inf, which SQL reads as a column name.
        runnable = re.sub(r"\bInf\b", "1e999", sql)
        plans[sql] = [row[3] for row in store.db.conn.execute(f"EXPLAIN QUERY PLAN {runnable}")]
    return plans


def weak_searches(store: Store, statements: list[str]) -> dict[str, list[str]]:
    """Each statement that searches a table by a column of few values alone."""
    found = {}
    for sql, plan in _plans(store, statements).items():
        if bad := [line for line in plan if FEW_VALUES.search(line)]:
            found[sql[:300]] = bad
    return found


def full_scans(store: Store, statements: list[str]) -> dict[str, list[str]]:
    """Each statement that reads a big table whole, with the plan lines saying so."""
    found: dict[str, list[str]] = {}
    for sql, plan in _plans(store, statements).items():
        if _walks_in_order(sql, plan):
            continue
        bad = [
            line
            for line in plan
            if (m := SCAN.search(line))
            and m.group(1) not in SMALL
            and not m.group(1).startswith("sqlite_")
            and not FTS_LOOKUP.search(line)
        ]
        if bad:
            found[sql[:300]] = bad
    return found


async def test_web_routes_read_by_index(aiohttp_client, traced, county):
    services, seen = traced
    client = await aiohttp_client(build(services))
    routes = route_paths(county[1], county[0]).values()
    paths = [*(path for each in routes for path in each), "/healthz", "/metrics", "/v/v001"]
    for path in paths:
        response = await client.get(path)
        assert response.status == 200, path  # the page itself, not a 404 of a wrong id
    assert seen, "the trace callback saw no statement"
    assert full_scans(services.store, seen) == {}


async def test_a_page_of_one_village_or_one_item_reads_only_its_own_rows(
    aiohttp_client, traced, county
):
    services, seen = traced
    client = await aiohttp_client(build(services))
    routes = route_paths(county[1], county[0])
    chosen = [p for name, each in routes.items() for p in each if any(x in name for x in ONE_PLACE)]
    for path in [*chosen, "/feed.atom"]:  # the county feed lists its newest fifty, no more
        response = await client.get(path)
        assert response.status == 200, path
    assert len(chosen) >= 8 and seen
    assert weak_searches(services.store, seen) == {}


def test_commands_search_scheduler_outbox_and_inbox_read_by_index(traced):
    services, seen = traced
    store = services.store
    for call in commands.calls(services).values():
        commands.timed(store, call)
    now = services.ctx.now()
    for moment in (now, now + timedelta(hours=12)):
        services.ticker.run(moment)
    outbox.next_due(store.db, now)
    outbox.counts(store.db)
    inbox.pending(store.db)
    inbox.counts(store.db)
    assert full_scans(store, seen) == {}


def test_the_neighbour_check_reads_its_villages_recent_topics_by_index(traced):
    """The similar-topic check at filing reads one village's topics of the window, not a
    share of the county's: the newest topic's own text finds its village's candidates."""
    services, seen = traced
    db = services.store.db
    sql = "SELECT village_code, text FROM topics ORDER BY filed_at DESC LIMIT 1"
    village, text = db.execute(sql).fetchone()
    seen.clear()
    days = services.ctx.config.topics.similar_days
    find_similar(db, village, text, 0, services.ctx.now(), days)
    assert any("FROM topics" in s for s in seen)
    assert full_scans(services.store, seen) == {}
    assert weak_searches(services.store, seen) == {}


def test_a_full_scan_is_caught(traced):
    services, _ = traced
    scans = full_scans(services.store, ["SELECT count(*) FROM topics WHERE text LIKE '%路灯%'"])
    assert list(scans.values()) == [["SCAN topics"]]


def test_a_search_by_a_state_alone_is_caught(traced):
    services, _ = traced
    every_version = (
        "SELECT id FROM disclosures WHERE coalesce(root_id, id) = 1 "
        "AND status IN ('published', 'superseded')"
    )
    assert list(weak_searches(services.store, [every_version]).values()) == [
        ["SEARCH disclosures USING INDEX disclosures_due (status=?)"]
    ]
