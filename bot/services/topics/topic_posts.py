"""Officials as residents see them: by post (青山村 会计), never by private account."""

from __future__ import annotations

from sqlite_utils import Database

from bot.core.village_names import village_name
from bot.i18n import t_plain
from bot.services.context import Context
from bot.services.permissions import role_grants
from storage import members
from storage.topics import Topic


def post_of(ctx: Context, db: Database, user_id: int, village_code: str | None) -> str:
    """An official's post as residents see it (never their private account): 青山村 会计."""
    for m in members.roles_of(db, user_id):
        if role_grants(m, "topic.answer", village_code):
            title = m.title or t_plain(ctx.default_language, "roles.official")
            return f"{village_name(db, village_code)} {title}"
    return township_post(ctx, village_code)


def assignee_post(ctx: Context, db: Database, topic: Topic) -> str:
    """Who answers this topic, as a post."""
    if topic.assignee_id is not None:
        return post_of(ctx, db, topic.assignee_id, topic.village_code)
    if topic.routed_to == "officials":
        name = village_name(db, topic.village_code)
        return f"{name} {t_plain(ctx.default_language, 'topics.post.officials')}"
    return township_post(ctx, topic.village_code)


def township_post(ctx: Context, village_code: str | None) -> str:
    """The staff of the village's township (of a county), as a post: 南山乡 乡镇工作人员."""
    place = ctx.config.township_of(village_code) if village_code else None
    name = place.name if place else ctx.config.township.name
    return f"{name} {t_plain(ctx.default_language, 'roles.township')}"
