"""Finding a topic or a village from what a person typed or a button carried."""

from __future__ import annotations

from sqlite_utils import Database

from bot.services.people import Denied
from bot.services.topics.text import parse_receipt
from storage import topics, villages
from storage.topics import Topic


def find(db: Database, text: str) -> Topic:
    """A topic by the receipt number a person typed, or a clear refusal."""
    receipt = parse_receipt(text or "")
    if receipt is None:
        raise Denied("topics.bad_receipt", text=(text or "")[:40])
    topic = topics.by_receipt(db, receipt)
    if topic is None:
        raise Denied("topics.unknown_receipt", receipt=receipt)
    return topic


def get(db: Database, topic_id: int) -> Topic:
    """A topic by id (from a button or a form), or the stale-button refusal."""
    topic = topics.get(db, topic_id)
    if topic is None:
        raise Denied("topics.stale")
    return topic


def village_code(db: Database, text: str | None) -> str | None:
    """The code of the village a person named, None when they named none."""
    if not text:
        return None
    village = villages.get(db, text.strip().lower())
    if village is None:
        raise Denied("village.unknown", code=text)
    return village.code
