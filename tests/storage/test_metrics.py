"""storage.metrics: the read-only figures behind /healthz and /metrics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage import metrics, outbox
from storage.times import to_text
from tests.storage.factories import DUE, disclosure, topic

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)


def test_outbox_lag_is_the_wait_of_the_oldest_due_message(db):
    assert metrics.outbox_lag_seconds(db, NOW) == 0.0
    outbox.enqueue(db, "a", 1, "text", {}, not_before=NOW - timedelta(minutes=5))
    outbox.enqueue(db, "b", 1, "text", {}, not_before=NOW + timedelta(minutes=5))
    assert metrics.outbox_lag_seconds(db, NOW) == 300.0


def test_open_and_overdue_topics(db):
    topic(db, "2026-0001")
    second = topic(db, "2026-0002")
    closed = topic(db, "2026-0003")
    db["topics"].update(second, {"status": "answered"})
    db["topics"].update(closed, {"status": "closed"})
    assert metrics.topic_counts(db, DUE) == (2, 0)
    assert metrics.topic_counts(db, date(2026, 3, 17)) == (2, 1)


def test_publication_delays_and_overdue_publications(db):
    due = NOW - timedelta(days=2)
    late = disclosure(db)
    db["disclosures"].update(
        late,
        {
            "status": "published",
            "publish_due_at": to_text(due),
            "published_at": to_text(due + timedelta(hours=1)),
        },
    )
    waiting = disclosure(db)
    db["disclosures"].update(waiting, {"status": "approved", "publish_due_at": to_text(due)})
    assert metrics.publication_delays(db) == [3600.0]
    assert metrics.overdue_publications(db, NOW) == 1
