"""Writing a new topic, whoever files it (a resident, or an official for one): its receipt
number (PT-05), route (PT-03, FCR-01) and due date (TL-01), and its words indexed so a
neighbour asking the same is offered to follow it."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.services.context import Context
from bot.services.topics.routing import Route, TopicRouting
from bot.services.topics.text import format_receipt
from bot.services.topics.topic_rules import deadline
from storage import topics
from storage.topics import Topic


def create_topic(
    ctx: Context,
    routing: TopicRouting,
    db: Database,
    *,
    requester_id: int,
    village_code: str,
    category: str,
    text: str,
    media: tuple[str, str] | None,
    now: datetime,
) -> tuple[Topic, Route]:
    """Inside the filing's transaction: the stored topic and the route that chose its handler."""
    today = ctx.local_date(now)
    receipt = format_receipt(today.year, topics.next_number(db, today.year))
    route = routing.route(db, village_code, category)
    due = deadline(ctx, db, today, ctx.config.topics.answer_working_days, now)
    topic_id = topics.create(
        db,
        receipt=receipt,
        village_code=village_code,
        requester_id=requester_id,
        category=category,
        text=text,
        media_kind=media[0] if media else None,
        media_file_id=media[1] if media else None,
        routed_to=route.kind,
        assignee_id=route.assignee_id,
        at=now,
        due_date=due.due,
        due_provisional=due.provisional,
    )
    return topics.get(db, topic_id), route
