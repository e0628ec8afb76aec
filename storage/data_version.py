"""The data version: one number that SQLite triggers raise whenever a table a public page reads
changes, in this process or any other writing the same file (CLI commands, `run.py restore`).

The web's page cache keys rendered pages on it; one `SELECT` per request reads it.
"""

from __future__ import annotations

from sqlite_utils import Database

TABLE = "data_version"

# Tables no public page or API route reads, written on hot paths: a write there must not throw
# away every rendered page. tests/test_page_cache_data.py checks that no public route reads one.
UNVERSIONED: dict[str, str] = {
    "inbox": "every incoming update, stored and marked handled",
    "outbox": "every outgoing message and its delivery attempts",
    "settings": "once-marks of scheduled work (a day's digest, a year's warning)",
    "forms": "a person's conversation in progress",
    "invites": "join codes handed to people",
    "broadcasts": "staff broadcasts and their progress",
    "disclosure_reminders": "reminders already sent",
    "disclosure_subscriptions": "who follows a village's disclosures",
    "answer_templates": "a staff member's saved answers",
    "users": "Telegram profiles, refreshed on every update",
    "_sqlite_migrations": "which migrations ran",
    TABLE: "the version itself",
}

# Full-text indexes: virtual tables (and their shadow tables) take no triggers; each is written
# only in the same transaction as the versioned table it indexes.
DERIVED: dict[str, str] = {
    "disclosure_search": "disclosures",
    "wall_search": "topic_answers",
    "topic_words": "topics",  # m017's, until m028 drops it
}
SHADOWS = ("_config", "_content", "_data", "_docsize", "_idx")
EVENTS = ("insert", "update", "delete")


def trigger_names(table: str) -> list[str]:
    """The triggers that raise the version when `table` changes."""
    return [f"{table}_version_{event}" for event in EVENTS]


def watch(db: Database, table: str) -> None:
    """Raise the version after every row inserted, updated or deleted in `table`."""
    for event, name in zip(EVENTS, trigger_names(table), strict=True):
        db.execute(
            f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event.upper()} ON {table} "
            f"BEGIN UPDATE {TABLE} SET version = version + 1 WHERE id = 1; END"
        )


def derived(name: str) -> bool:
    """A full-text index or one of its shadow tables."""
    return any(name in (base, *(base + s for s in SHADOWS)) for base in DERIVED)


def plain_tables(db: Database) -> list[str]:
    """Every ordinary table of the schema (SQLite's own and the full-text indexes left out)."""
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows if not derived(name)]


def install(db: Database) -> None:
    """Create the version row and watch every table not excluded above."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} "
        "(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)"
    )
    db.execute(f"INSERT OR IGNORE INTO {TABLE} (id, version) VALUES (1, 0)")
    for table in plain_tables(db):
        if table not in UNVERSIONED:
            watch(db, table)


def read(db: Database) -> int:
    """The current version (0 before the version table exists: an old file mid-upgrade)."""
    row = db.execute(f"SELECT version FROM {TABLE} WHERE id = 1").fetchone()
    return 0 if row is None else row[0]
