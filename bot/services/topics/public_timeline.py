"""A topic's public timeline (PT-09, TL-07): the steps of its audit trail that may be shown,
each with only the fields that may be shown — never urge notes, extension reasons or a
resident's 不满意 reason (SEC-04, SEC-08)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlite_utils import Database

from bot.core.timeline import TimelineEntry
from bot.services.masking import mask_text
from bot.services.topics.text import DECLINE_REASONS
from storage import audit
from storage.topic_board import BoardTopic

RATINGS = ("satisfied", "basic", "unsatisfied")
# Audit actions shown on a topic's public timeline, and the fields of each that may be shown.
TIMELINE = {
    "topic.filed": ("due",),
    "topic.routed": ("post",),
    "topic.claimed": ("post",),
    "topic.transferred": ("post",),
    "topic.urged": ("auto",),
    "topic.extension_requested": ("days",),
    "topic.extended": ("due",),
    "topic.extension_refused": (),
    "topic.due_moved": ("due",),  # the new date (PT-09)
    "topic.answered": ("post", "on_time"),
    "topic.declined": ("post", "reason", "on_time"),
    "topic.rated": ("rating",),
    "topic.reopened": ("due",),
    "topic.closed": (),
    "topic.escalated": (),
    "topic.joint": ("supports",),
}


def public_timeline(
    db: Database, t: BoardTopic, answer_times: Iterable[datetime]
) -> tuple[TimelineEntry, ...]:
    """The public steps of the audit trail, in order. Filing and answers carry the time the
    topic records itself (the audit's own stamp is the moment of writing)."""
    steps = []
    replies = iter(answer_times)
    for event in audit.for_subject(db, f"topic:{t.id}"):
        fields = TIMELINE.get(event.action)
        if fields is None:
            continue  # e.g. each single support: the count is shown instead
        after = event.after or {}
        params: dict[str, object] = {}
        for name in fields:
            value = after.get(name)
            if name == "post":
                value = mask_text(str(value or ""))
            elif name in ("reason", "rating"):
                allowed = DECLINE_REASONS if name == "reason" else RATINGS
                value = value if value in allowed else None
            elif name in ("auto", "on_time"):
                value = bool(value)
            elif name in ("days", "supports"):
                value = value if isinstance(value, int) else None
            elif name == "due":
                value = value if isinstance(value, str) and _is_date(value) else None
            params[name] = value
        moment = event.at
        if event.action == "topic.filed":
            moment = t.filed_at
        elif event.action in ("topic.answered", "topic.declined"):
            moment = next(replies, moment)
        steps.append(TimelineEntry(moment, event.action.removeprefix("topic."), params))
    return tuple(steps)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
