"""storage.invites: single-use invite links kept by the hash of their code."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import invites
from tests.storage.factories import OFFICIAL, RESIDENT, STAFF

EXPIRES = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


def test_an_invite_reads_back_with_every_field(db):
    invite_id = invites.create(db, "hash-1", "official", "qingshan", "会计", STAFF, EXPIRES)
    found = invites.by_hash(db, "hash-1")
    assert (found.id, found.role, found.village_code, found.title, found.created_by) == (
        invite_id,
        "official",
        "qingshan",
        "会计",
        STAFF,
    )
    assert (found.expires_at, found.used_by, found.used_at) == (EXPIRES, None, None)
    assert found.created_at.tzinfo is not None


def test_an_unknown_hash_is_none(db):
    assert invites.by_hash(db, "nope") is None


def test_an_invite_is_spent_once(db):
    invite_id = invites.create(db, "hash-1", "resident", "qingshan", None, STAFF, EXPIRES)
    assert invites.mark_used(db, invite_id, RESIDENT)
    assert not invites.mark_used(db, invite_id, OFFICIAL)
    found = invites.by_hash(db, "hash-1")
    assert found.used_by == RESIDENT and found.used_at is not None
