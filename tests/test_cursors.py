"""The one cursor codec of the web board, the wall and the API: opaque, checked on the way in."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.pages import (
    BadCursor,
    Page,
    decode_cursor,
    decode_keyset,
    encode_cursor,
    encode_keyset,
)

MOMENTS = st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31), timezones=st.just(UTC))
IDS = st.integers(0, 10**12 - 1)
TAGS = st.sampled_from([None, "w"])


@given(MOMENTS, IDS, TAGS)
def test_a_keyset_cursor_reads_back_what_it_was_made_of(at, ident, tag):
    assert decode_keyset(encode_keyset(at, ident, tag=tag), tag=tag) == (at, ident)


@given(MOMENTS, IDS)
def test_cursors_of_one_listing_are_refused_by_another(at, ident):
    with pytest.raises(BadCursor):
        decode_keyset(encode_keyset(at, ident, tag="w"))
    with pytest.raises(BadCursor):
        decode_keyset(encode_keyset(at, ident), tag="w")
    with pytest.raises(BadCursor):
        decode_keyset(encode_cursor("v", "qingshan"), tag="w")


def test_cursors_handed_out_before_keep_working():
    """Links with a cursor (the board's next page) outlive a restart: the bytes never change."""
    at = datetime(2026, 10, 16, 1, 0, tzinfo=UTC)
    raw = "2026-10-16T01:00:00.000000+00:00|42"
    assert encode_keyset(at, 42) == base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    wall = base64.urlsafe_b64encode(f"w|{raw}".encode()).decode().rstrip("=")
    assert encode_keyset(at, 42, tag="w") == wall
    village = base64.urlsafe_b64encode(b"v|qingshan").decode().rstrip("=")
    assert encode_cursor("v", "qingshan") == village
    assert decode_cursor(village, 2) == ["v", "qingshan"]


@given(st.text(max_size=120), TAGS)
def test_anything_else_is_a_bad_cursor(text, tag):
    try:
        at, ident = decode_keyset(text, tag=tag)
    except BadCursor:
        return
    assert at.tzinfo is not None and ident >= 0


@given(st.binary(max_size=60), TAGS)
def test_forged_bytes_are_a_bad_cursor_or_a_position(raw, tag):
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    try:
        at, _ident = decode_keyset(cursor, tag=tag)
    except BadCursor:
        return
    assert at.tzinfo is not None


def test_too_long_empty_or_naive_is_refused():
    naive = encode_cursor("2026-01-01T00:00:00", "1")
    for cursor in ("", "A" * 101, "bad", naive, encode_cursor("2026-01-01T00:00:00+00:00", "١")):
        with pytest.raises(BadCursor):
            decode_keyset(cursor)


@given(st.lists(st.integers(), max_size=30), st.integers(1, 10))
def test_walking_pages_visits_every_item_once(found, limit):
    """Page after page (fetching one more than a page each time) yields each item once."""
    seen, start = [], 0
    while True:
        page = Page.of(found[start : start + limit + 1], limit, lambda last: str(last))
        seen += page.items
        if page.next_cursor is None:
            break
        assert page.next_cursor == str(page.items[-1])
        start += limit
    assert seen == found
