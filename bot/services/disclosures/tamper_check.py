"""Tampering made visible (SEC-11, ARC-01): the content hash of a published version, and the
re-check of every version and of the filing chain against what is stored now."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlite_utils import Database

from storage import disclosure_filings, disclosure_rows
from storage import disclosures as store_d
from storage.disclosure_filings import GENESIS, Filing
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure


@dataclass(frozen=True, slots=True)
class Break:
    """The first place the stored records no longer match their filing chain."""

    disclosure_id: int
    reason: str  # a key of REASONS

    @property
    def explanation(self) -> str:
        return REASONS[self.reason]


# What each kind of break means, for the operator running `run.py verify`.
REASONS = {
    "content": "its content no longer gives the checksum it was filed with",
    "record": "its filing record was changed after it was written",
    "chain": "its filing record does not follow the one before it (one removed or inserted)",
    "missing": "the filed version is gone",
    "unfiled": "it is published without a filing record",
}


def content_checksum(d: Disclosure, rows: list[Row]) -> str:
    """SHA-256 of the published content, canonical JSON (ARC-01 filing, SEC-11 tamper check)."""
    content = {
        "village": d.village_code,
        "kind": d.kind,
        "category": d.category,
        "period": d.period,
        "title": d.title,
        "body": d.body,
        "version": d.version,
        "supersedes": d.supersedes_id,
        "opening_fen": d.opening_fen,
        "closing_fen": d.closing_fen,
        "rows": [[r.section, r.data, r.amount_fen, r.ytd_fen] for r in rows],
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def content_intact(db: Database, d: Disclosure, filing: Filing) -> bool:
    """Whether the version's content, re-hashed now, still gives the checksum it was filed with."""
    return content_checksum(d, disclosure_rows.rows_of(db, d.id)) == filing.checksum


def first_break(db: Database) -> Break | None:
    """Re-hash every published version and the filing chain in order; the first break, or None."""
    prev_hash = GENESIS
    for filing, rehashed in disclosure_filings.chain(db):
        if filing.prev_hash != prev_hash:
            return Break(filing.disclosure_id, "chain")
        if filing.hash != rehashed:
            return Break(filing.disclosure_id, "record")
        d = store_d.get(db, filing.disclosure_id)
        if d is None:
            return Break(filing.disclosure_id, "missing")
        if not content_intact(db, d, filing):
            return Break(filing.disclosure_id, "content")
        prev_hash = filing.hash
    missing = disclosure_filings.unfiled(db)
    return Break(missing[0], "unfiled") if missing else None
