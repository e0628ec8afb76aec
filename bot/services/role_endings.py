"""What ends with a role (DESIGN §2): an official's topics go back to their village's routing
(FCR-01: never nobody) with the township told, and a person left without any role in a village
stops following its disclosures."""

from __future__ import annotations

from sqlite_utils import Database

from bot.core.village_names import village_name
from bot.i18n import t_plain
from bot.services.context import Context
from bot.services.topics import notices
from bot.services.topics.routing import TopicRouting
from bot.services.topics.topic_records import record
from bot.services.topics.topic_rules import officials
from storage import disclosure_subscriptions, members, topics
from storage.members import Member
from storage.topics import Topic


def end_role(ctx: Context, db: Database, ended: Member, event: int) -> None:
    """Undo what the role `ended` (already removed) held, inside the change's transaction."""
    if ended.role == "township":
        _return_township_topics(ctx, db, ended, event)
    if ended.village_code is None:
        return
    if ended.role == "official":
        _return_topics(ctx, db, ended, event)
    if not any(m.village_code == ended.village_code for m in members.roles_of(db, ended.user_id)):
        disclosure_subscriptions.unsubscribe(db, ended.user_id, ended.village_code, None)


def _return_topics(ctx: Context, db: Database, ended: Member, event: int) -> None:
    """Every topic the official still held is routed again as if newly filed (FCR-01)."""
    code = ended.village_code
    held = topics.held_by(db, ended.user_id, code)
    if not officials(db, code):  # the village's pool has nobody left in it
        held += [t for t in topics.open_topics(db, code) if t.routed_to == "officials"]
    post = (
        f"{village_name(db, code)} {ended.title or t_plain(ctx.default_language, 'roles.official')}"
    )
    _hand_back(ctx, db, held, post, event)


def _return_township_topics(ctx: Context, db: Database, ended: Member, event: int) -> None:
    """Topics township staff claimed (a village without officials) are routed again (FCR-01)."""
    if any(m.role == "township" for m in members.roles_of(db, ended.user_id)):
        return  # still staff (of another township entry): what they hold stays theirs
    held = [
        t
        for code in sorted(ended.township_villages)
        for t in topics.held_by(db, ended.user_id, code)
    ]
    _hand_back(ctx, db, held, t_plain(ctx.default_language, "roles.township"), event)


def _hand_back(ctx: Context, db: Database, held: list[Topic], post: str, event: int) -> None:
    """Route each held topic again, tell its new recipients, and tell the township staff."""
    if not held:
        return
    language = ctx.default_language
    now = ctx.now()
    routing = TopicRouting(ctx)
    for topic in held:
        route = routing.route(db, topic.village_code, topic.category)
        topics.reroute(db, topic.id, route.kind, route.assignee_id, now)
        record(db, None, "topic.returned", topic, {"from": post, "to": route.kind})
        moved = topics.get(db, topic.id)
        if moved.is_open:
            for uid in route.recipients:
                key = f"a{event}:returned:{topic.id}:{uid}"
                notices.feedback_notice(db, key, uid, language, moved, "topics.notice")
    receipts = ", ".join(t.receipt for t in held)
    staff = {s.user_id for t in held for s in members.township_staff(db, t.village_code)}
    for user_id in sorted(staff):
        notices.to_person(
            db,
            f"a{event}:returned:{user_id}",
            user_id,
            language,
            "topics.returned_notice",
            post=post,
            count=len(held),
            receipts=receipts,
        )
