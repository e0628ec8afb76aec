"""What each topic change ends with, inside its one transaction (DESIGN §7): the audit event,
and the answer to the person who made the change, keyed by that event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from bot.delivery.messages import Rows
from bot.services import notify
from bot.services.context import Context
from bot.services.people import Person, ReplyTo
from bot.services.topics.topic_posts import post_of
from storage import audit, topics
from storage.topics import Topic


@dataclass(frozen=True, slots=True)
class Reply:
    """What to tell the person who acted: a catalogue key, its parameters and buttons."""

    key: str
    params: dict = field(default_factory=dict)
    rows: Rows = ()


def record(
    db: Database, actor_id: int | None, action: str, topic: Topic, after: dict | None = None
) -> int:
    """The audit event of a change to one topic; its id keys the notices it causes."""
    subject = f"topic:{topic.id}"
    return audit.record(db, actor_id, action, subject, village_code=topic.village_code, after=after)


def tell(db: Database, key: str, reply: ReplyTo | None, person: Person, result: Reply) -> None:
    """Queue `result` as the answer to `person`, under the idempotency key `key`."""
    notify.answer(db, key, reply, person.language, result.key, buttons=result.rows, **result.params)


def ack(
    db: Database, event: int, reply: ReplyTo | None, person: Person, key: str, **params: object
) -> None:
    """The answer to the person who made the change, keyed by its audit event."""
    tell(db, f"a{event}:answer", reply, person, Reply(key, params))


def claim(ctx: Context, db: Database, person: Person, topic: Topic, now: datetime) -> None:
    """An unowned topic becomes the acting official's (FCR-01), recorded with their post."""
    if topic.assignee_id is None:
        topics.assign(db, topic.id, person.user_id, now)
        post = post_of(ctx, db, person.user_id, topic.village_code)
        record(db, person.user_id, "topic.claimed", topic, {"post": post})
