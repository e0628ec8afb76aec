"""The rules every topic step applies: text lengths, deadlines, and who may act on a topic
(FCR-01, TL-01, TL-02)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlite_utils import Database

from bot.core.typed_text import clean
from bot.services.calendar import Deadline
from bot.services.context import Context
from bot.services.people import Denied, Person
from bot.services.permissions import granted_in_village, require
from storage import members
from storage.members import Member
from storage.topics import Topic


def checked_length(text: str, minimum: int, maximum: int, too_short: str) -> str:
    """`text` stripped, or a refusal when it is shorter than `minimum` or longer than `maximum`."""
    text = clean(text)
    if len(text) < minimum:
        raise Denied(too_short, minimum=minimum)
    if len(text) > maximum:
        raise Denied("topics.too_long", maximum=maximum, length=len(text))
    return text


def deadline(
    ctx: Context,
    db: Database,
    start: date,
    count: int,
    at: datetime,
    cap_from: date | None = None,
) -> Deadline:
    """`count` working days after `start`, capped at the hard limit counted from `cap_from`
    (default `start`) (TL-01, TL-02); provisional when it counted a year without its official
    schedule."""
    due = ctx.calendar.deadline(db, start, count, hard_cap(ctx, cap_from or start))
    ctx.calendar.warn_uncovered(db, due, at)
    return due


def hard_cap(ctx: Context, cycle_start: date) -> date:
    """The latest due date of a handling cycle begun on a local day (TL-02)."""
    return cycle_start + timedelta(days=ctx.config.topics.hard_cap_calendar_days)


def officials(db: Database, village_code: str) -> list[Member]:
    """The officials of one village: who may answer its topics."""
    return granted_in_village(db, village_code, "topic.answer")


def staff_ids(db: Database, village_code: str) -> list[int]:
    """The staff of the village's township, by user id (issue 13 §1)."""
    return sorted({m.user_id for m in members.township_staff(db, village_code)})


def require_open(topic: Topic) -> None:
    if not topic.is_open:
        raise Denied("topics.not_open", receipt=topic.receipt)


def check_handler(person: Person, topic: Topic, action: str) -> None:
    """Only the assignee acts, while they still hold their role; an unowned topic goes to the
    first official of its village who acts (FCR-01), a township-routed one to township staff."""
    require_open(topic)
    require(person, action, village=topic.village_code, owner=holder(topic), receipt=topic.receipt)


def holder(topic: Topic) -> int | str:
    """Who holds a topic: its assignee, or the role whose pool it waits in."""
    if topic.assignee_id is not None:
        return topic.assignee_id
    return "township" if topic.routed_to == "township" else "official"


def handlers_of(db: Database, topic: Topic) -> list[int]:
    """Who must act on a topic now: its assignee, or the whole pool it was routed to."""
    if topic.assignee_id is not None:
        return [topic.assignee_id]
    if topic.routed_to == "township":
        return staff_ids(db, topic.village_code)
    return sorted({m.user_id for m in officials(db, topic.village_code)})
