"""The people of the storage tests' world, and a topic and a disclosure with every required field
filled."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlite_utils import Database

from storage import disclosures, topics

RESIDENT = 1001
NEIGHBOUR = 1002
OFFICIAL = 2001
STAFF = 9001
FILED = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
DUE = date(2026, 3, 16)


def topic(db: Database, receipt: str = "2026-0001", **fields: object) -> int:
    """A routed, open topic of qingshan filed by the resident; returns its id."""
    values: dict = {
        "receipt": receipt,
        "village_code": "qingshan",
        "requester_id": RESIDENT,
        "category": "roads",
        "text": "村口的路灯坏了",
        "media_kind": None,
        "media_file_id": None,
        "routed_to": "officials",
        "assignee_id": None,
        "at": FILED,
        "due_date": DUE,
        "due_provisional": False,
    }
    return topics.create(db, **values | fields)


def disclosure(db: Database, **fields: object) -> int:
    """A notice draft of qingshan for 2026-03; returns its id."""
    values: dict = {
        "village_code": "qingshan",
        "kind": "notice",
        "category": "affairs",
        "period": "2026-03",
        "title": "三月村务",
        "body": "修路",
        "created_by": STAFF,
    }
    return disclosures.create(db, **values | fields)
