"""storage.once_marks: once-only scheduled work."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import once_marks

AT = datetime(2026, 3, 2, tzinfo=UTC)


def test_a_key_is_marked_only_the_first_time(db):
    assert not once_marks.marked(db, "digest.2026-03-02")
    assert once_marks.mark(db, "digest.2026-03-02", AT)
    assert not once_marks.mark(db, "digest.2026-03-02", AT)
    assert once_marks.marked(db, "digest.2026-03-02")


def test_keys_are_independent(db):
    once_marks.mark(db, "digest.2026-03-02", AT)
    assert not once_marks.marked(db, "digest.2026-03-03")
