"""storage.disclosure_filings: immutable filing records chained by hash (ARC-01, SEC-11)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest
import sqlite_utils

from storage import disclosure_filings
from storage.disclosure_filings import GENESIS, Filing, chain_hash
from storage.migrations import migrations
from tests.storage.factories import STAFF, disclosure

AT = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
SIGNED = [{"name": "张会计", "at": "2026-03-31"}]


def test_a_filing_reads_back_with_every_field(db):
    disclosure_id = disclosure(db)
    disclosure_filings.add_filing(db, disclosure_id, "qingshan", STAFF, "陈", SIGNED, AT, "ab12")
    found = disclosure_filings.filing(db, disclosure_id)
    assert found == Filing(
        disclosure_id, "qingshan", STAFF, "陈", SIGNED, AT, "ab12", GENESIS, found.hash
    )
    assert len(found.hash) == 64


def test_each_record_chains_to_the_one_before_and_the_head_is_the_newest(db):
    assert disclosure_filings.head(db) is None
    first, second = disclosure(db), disclosure(db)
    disclosure_filings.add_filing(db, first, "qingshan", STAFF, "陈", [], AT, "aa")
    disclosure_filings.add_filing(db, second, "qingshan", STAFF, "陈", [], AT, "bb")
    one, two = disclosure_filings.filing(db, first), disclosure_filings.filing(db, second)
    assert (one.prev_hash, two.prev_hash) == (GENESIS, one.hash)
    assert disclosure_filings.head(db) == two.hash
    assert [(f.hash, rehashed) for f, rehashed in disclosure_filings.chain(db)] == [
        (one.hash, one.hash),
        (two.hash, two.hash),
    ]


def test_the_hash_covers_the_content_checksum(db):
    row = {
        "disclosure_id": 1,
        "village_code": "qingshan",
        "drafted_by": STAFF,
        "drafted_by_name": "陈",
        "signed_by": "[]",
        "published_at": "2026-04-01T02:00:00+00:00",
        "checksum": "aa",
    }
    assert chain_hash(GENESIS, row) != chain_hash(GENESIS, row | {"checksum": "ab"})
    assert chain_hash(GENESIS, row) != chain_hash("1" * 64, row)


def test_a_version_without_filing_is_none(db):
    assert disclosure_filings.filing(db, disclosure(db)) is None


def test_a_filing_can_be_neither_changed_nor_deleted(db):
    disclosure_id = disclosure(db)
    disclosure_filings.add_filing(db, disclosure_id, "qingshan", STAFF, "陈", [], AT, "ab12")
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("UPDATE disclosure_filings SET checksum = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("UPDATE disclosure_filings SET hash = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("DELETE FROM disclosure_filings")


def test_the_migration_chains_the_records_filed_before_it_in_order(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m013_tamper_evidence")
    db.execute("INSERT INTO villages (code, name) VALUES ('qingshan', '青山村')")
    for n in (1, 2, 3):
        db.execute(
            "INSERT INTO disclosures (id, village_code, kind, category, period, title, "
            "created_by, created_at, updated_at) VALUES (?, 'qingshan', 'notice', 'affairs', "
            "'2026-03', 't', 1, '', '')",
            [n],
        )
        db.execute(
            "INSERT INTO disclosure_filings (disclosure_id, village_code, drafted_by, "
            "drafted_by_name, signed_by, published_at, checksum) "
            "VALUES (?, 'qingshan', 1, '陈', ?, '2026-04-01T02:00:00+00:00', ?)",
            [n, json.dumps([]), f"c{n}"],
        )
    migrations.apply(db)
    records = [f for f, _ in disclosure_filings.chain(db)]
    assert [f.checksum for f in records] == ["c1", "c2", "c3"]
    assert records[0].prev_hash == GENESIS
    assert [f.prev_hash for f in records[1:]] == [f.hash for f in records[:-1]]
    assert all(f.hash == rehashed for f, rehashed in disclosure_filings.chain(db))
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("UPDATE disclosure_filings SET checksum = 'x'")
