"""storage.board_photos: photos of the posted poster, the newest shown, and the items without."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from storage import board_photos
from storage import disclosures as store_d
from storage.board_photos import MAX_BYTES, BoardPhoto
from tests.storage.factories import OFFICIAL, disclosure

PUBLISHED = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def published(db, **fields) -> int:
    item = disclosure(db, **fields)
    assert store_d.transition(db, item, "draft", "published", published_at=PUBLISHED)
    return item


def add(db, item: int, content: bytes = PNG, at: datetime = PUBLISHED) -> int:
    return board_photos.add(
        db,
        disclosure_id=item,
        village_code="qingshan",
        content=content,
        mime_type="image/png",
        taken_at=at,
        taken_from="received",
        received_at=at,
        sent_by=OFFICIAL,
    )


def test_the_newest_photo_reads_back_with_every_field_and_its_bytes(db):
    item = published(db)
    add(db, item)
    later = add(db, item, PNG + b"2", PUBLISHED + timedelta(hours=2))
    at = PUBLISHED + timedelta(hours=2)
    assert board_photos.newest(db, item) == BoardPhoto(
        later, item, "qingshan", "image/png", at, "received", at, OFFICIAL
    )
    assert board_photos.content(db, later) == PNG + b"2"
    assert board_photos.newest(db, item + 1) is None


def test_the_table_refuses_other_types_and_oversized_blobs(db):
    item = published(db)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO board_photos (disclosure_id, village_code, content, mime_type, taken_at, "
            "taken_from, received_at, sent_by) VALUES (?, 'qingshan', ?, 'text/html', 'x', "
            "'received', 'x', 1)",
            [item, PNG],
        )
    with pytest.raises(sqlite3.IntegrityError):
        add(db, item, b"\x00" * (MAX_BYTES + 1))


def test_without_photo_lists_current_published_items_before_the_cutoff(db):
    photographed, missing = published(db), published(db, title="四月村务")
    published(db, village_code="hexi")
    draft = disclosure(db)
    add(db, photographed)
    db.execute("UPDATE villages SET active = 0 WHERE code = 'hexi'")
    after = PUBLISHED + timedelta(seconds=1)
    assert board_photos.without_photo(db, after) == [("qingshan", missing)]
    assert board_photos.without_photo(db, PUBLISHED) == []
    assert draft not in [i for _, i in board_photos.without_photo(db, after)]


def test_without_photo_narrows_to_the_villages_asked(db):
    missing, other = published(db), published(db, village_code="hexi")
    after = PUBLISHED + timedelta(seconds=1)
    assert board_photos.without_photo(db, after, ["hexi"]) == [("hexi", other)]
    assert board_photos.without_photo(db, after, ["qingshan"]) == [("qingshan", missing)]
    assert board_photos.without_photo(db, after, []) == []


def test_villages_without_photo_name_each_village_once(db):
    for fields in ({}, {"title": "四月村务"}, {"village_code": "hexi"}):
        published(db, **fields)
    after = PUBLISHED + timedelta(seconds=1)
    both = [("hexi", "河西村"), ("qingshan", "青山村")]
    assert board_photos.villages_without_photo(db, after) == both
    assert board_photos.villages_without_photo(db, after, ["qingshan"]) == [both[1]]
    assert board_photos.villages_without_photo(db, PUBLISHED) == []
    db.execute("UPDATE villages SET active = 0 WHERE code = 'hexi'")  # a village left: unnamed
    assert board_photos.villages_without_photo(db, after) == [both[1]]
