"""storage.disclosure_filings: immutable filing records."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from storage import disclosure_filings
from storage.disclosure_filings import Filing
from tests.storage.factories import STAFF, disclosure

AT = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
SIGNED = [{"name": "张会计", "at": "2026-03-31"}]


def test_a_filing_reads_back_with_every_field(db):
    disclosure_id = disclosure(db)
    disclosure_filings.add_filing(db, disclosure_id, "qingshan", STAFF, "陈", SIGNED, AT, "ab12")
    assert disclosure_filings.filing(db, disclosure_id) == Filing(
        disclosure_id, "qingshan", STAFF, "陈", SIGNED, AT, "ab12"
    )


def test_a_version_without_filing_is_none(db):
    assert disclosure_filings.filing(db, disclosure(db)) is None


def test_a_filing_cannot_be_changed(db):
    disclosure_id = disclosure(db)
    disclosure_filings.add_filing(db, disclosure_id, "qingshan", STAFF, "陈", [], AT, "ab12")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE disclosure_filings SET checksum = 'x'")
