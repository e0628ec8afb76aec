"""The data version the page cache keys on: every table is either watched by triggers or
excluded on purpose, no public route reads an excluded one, and a write from another process
raises it too."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.county.county_bench import route_paths
from handlers.web.page_cache import ROUTES
from storage import data_version
from storage.db import Store
from storage.restore import restore
from tests.test_query_plans import county, traced  # noqa: F401  (fixtures)
from tests.test_web_pages import build


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A migrated database file, closed after the test."""
    opened = Store(tmp_path / "village.db")
    yield opened
    opened.close()


def test_every_table_is_watched_or_excluded_on_purpose(store: Store):
    tables = data_version.plain_tables(store.db)
    triggers = {
        name
        for (name,) in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    undecided = [
        t
        for t in tables
        if t not in data_version.UNVERSIONED and not set(data_version.trigger_names(t)) <= triggers
    ]
    assert undecided == [], "watch these tables (data_version.watch) or exclude them"
    assert set(data_version.UNVERSIONED) <= set(tables), "an exclusion names no table"
    assert "topics" in tables and "topics" not in data_version.UNVERSIONED
    virtual = store.db.execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).fetchall()
    # DERIVED also names m017's topic_words, made and dropped (m028) by the migrations.
    assert {name for (name,) in virtual} == set(data_version.DERIVED) - {"topic_words"}


def test_a_watched_table_raises_the_version_and_an_excluded_one_does_not(store: Store):
    before = data_version.read(store.db)
    with store.transaction() as db:
        db.execute("INSERT INTO settings (key, value) VALUES ('mark', 'x')")
    assert data_version.read(store.db) == before
    with store.transaction() as db:
        db.execute("INSERT INTO villages (code, name) VALUES ('v9', '九村')")
    assert data_version.read(store.db) > before


def test_another_process_writing_raises_the_version(store: Store, tmp_path: Path):
    before = data_version.read(store.db)
    other = sqlite3.connect(tmp_path / "village.db", isolation_level=None)
    other.execute("UPDATE villages SET name = name WHERE 0")  # touches no row
    assert data_version.read(store.db) == before
    other.execute("INSERT INTO villages (code, name) VALUES ('v9', '九村')")
    other.close()
    # Raised by the village's trigger and by the county's version moving with it (m026).
    assert data_version.read(store.db) == before + 2


def test_a_restored_backup_never_reuses_a_version_the_replaced_file_had(tmp_path: Path):
    store = Store(tmp_path / "village.db")
    store.backup(tmp_path / "backup.db")
    for code in ("v8", "v9"):
        with store.transaction() as db:
            db.execute("INSERT INTO villages (code, name) VALUES (?, '村')", [code])
    replaced = data_version.read(store.db)
    store.close()
    restore(tmp_path / "backup.db", tmp_path / "village.db")
    store = Store(tmp_path / "village.db")
    try:
        assert store.db.execute("SELECT count(*) FROM villages WHERE code = 'v9'").fetchone() == (
            0,
        )
        assert data_version.read(store.db) > replaced
    finally:
        store.close()


def _tables_read(conn: sqlite3.Connection, statements: list[str]) -> set[str]:
    """The tables each statement reads, as SQLite's authorizer reports them at prepare time."""
    read: set[str] = set()

    def authorize(action: int, table: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_READ and table:
            read.add(table)
        return sqlite3.SQLITE_OK

    conn.set_authorizer(authorize)
    try:
        for sql in dict.fromkeys(statements):
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                conn.execute(f"EXPLAIN {sql}")
    finally:
        conn.set_authorizer(None)
    return read


async def test_no_public_route_reads_an_excluded_table(aiohttp_client, traced, county):  # noqa: F811
    services, seen = traced
    app = build(services)
    client = await aiohttp_client(app)
    shown = {r.resource.canonical for r in app.router.routes() if r.resource is not None}
    assert shown >= ROUTES, "the cache names a route the app does not have"
    code = "v001"
    routes = route_paths(county[1], county[0]).values()
    paths = [*(path for each in routes for path in each), "/score", "/score/formula"]
    paths.append(f"/z/{services.config.all_townships[0].code}")
    paths += ["/api/v1/scores", "/api/v1/openapi.json", f"/v/{code}/join.svg", "/favicon.ico"]
    for path in paths:
        response = await client.get(path)
        assert response.status == 200, path
    read = _tables_read(services.store.db.conn, seen)
    assert "topics" in read and "disclosures" in read  # the trace saw the pages' reads
    assert read & set(data_version.UNVERSIONED) == {data_version.TABLE}
