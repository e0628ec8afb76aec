"""The objection window (异议期, STG-06): for `objection_days` after publication a disclosure is
open to objection, so a question about it filed in that time also goes to the village
supervision committee, and is marked for township staff."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlite_utils import Database

from bot.core.village_names import village_name
from bot.i18n import t_plain
from bot.services import notify
from bot.services.context import Context
from bot.services.disclosures.item_access import supervisors
from bot.services.masking import mask_text
from storage import disclosures as store_d
from storage import outbox, topic_disclosure_lines
from storage.topics import Topic


def window_end(ctx: Context, published_at: datetime) -> date:
    """The window's last local day: publication day plus `objection_days`."""
    return ctx.local_date(published_at) + timedelta(days=ctx.config.disclosure.objection_days)


def is_open(ctx: Context, published_at: datetime, moment: datetime) -> bool:
    """Whether `moment` falls within the window (its last day included)."""
    return ctx.local_date(moment) <= window_end(ctx, published_at)


def end_text(language: str, end: date) -> str:
    """ "异议期至 2026年10月17日": the window's last day as people write dates."""
    return t_plain(language, "line.window_until", year=end.year, month=end.month, day=end.day)


def link_topic(
    ctx: Context, db: Database, event: int, topic: Topic, disclosure_id: int, row_id: int | None
) -> bool:
    """Inside the filing's transaction: record what the topic asks about and, within the
    window, queue a notice to each supervisor of the village (STG-06); True when it was."""
    d = store_d.get(db, disclosure_id)
    if d is None or d.published_at is None or d.village_code != topic.village_code:
        return False  # checked when the form opened; gone or moved since: a plain topic
    end = window_end(ctx, d.published_at)
    inside = ctx.local_date(topic.filed_at) <= end
    topic_disclosure_lines.link(db, topic.id, d.id, row_id, in_window=inside, window_ends=end)
    if not inside:
        return False
    village = village_name(db, d.village_code)
    for member in supervisors(db, d.village_code):
        language = notify.language_of(db, member.user_id, ctx.default_language)
        notify.message(
            db,
            f"a{event}:objection:{member.user_id}",
            member.user_id,
            language,
            "line.supervisor_notice",
            priority=outbox.NORMAL,
            village=village,
            id=d.id,
            title=mask_text(d.title),
            until=end_text(language, end),
            receipt=topic.receipt,
            text=topic.text,
        )
    return True


def marked(ctx: Context, topic_ids: list[int]) -> set[int]:
    """Those of the topics filed within their disclosure's objection window (township lists)."""
    return topic_disclosure_lines.in_window(ctx.store.db, topic_ids)
