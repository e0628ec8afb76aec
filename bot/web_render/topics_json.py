"""The JSON API's topic documents (`/api/v1/villages/<code>/topics`, `/api/v1/topics/<receipt>`,
the topic figures of `/api/v1/stats`). Masked exactly like the pages:
the same `TopicBoard` values, never the requester."""

from __future__ import annotations

from typing import Any

from bot.core.periods import Period
from bot.core.timeline import TimelineEntry
from bot.services.topics.stats import Counts
from bot.services.topics.wall_pages import PublicAnswer, PublicTopic, WallPost
from bot.web_render.openapi_schema import iso


def answer(a: PublicAnswer) -> dict[str, Any]:
    return {
        "kind": a.kind,
        "reason": a.reason,
        "text": a.text,
        "link": a.link,
        "post": a.post,
        "answered_at": iso(a.at),
        "due_date": a.due_date.isoformat(),
        "on_time": a.on_time,
    }


def wall_post(post: WallPost, base_url: str) -> dict[str, Any]:
    return {
        "receipt": post.receipt,
        "village_code": post.village_code,
        "category": post.category,
        "question": post.question,
        "status": post.status,
        "filed_at": iso(post.filed_at),
        "due_date": post.due_date.isoformat(),
        "due_date_provisional": post.due_provisional,
        "supports": post.supports,
        "joint": post.joint,
        "reopened": post.reopened,
        "answer": answer(post.answer),
        "url": f"{base_url}/t/{post.receipt}",
    }


def _step(step: TimelineEntry) -> dict[str, Any]:
    p = step.params
    return {
        "at": iso(step.at),
        "action": step.action,
        "post": p.get("post") or None,
        "due_date": p.get("due"),
        "on_time": p.get("on_time"),
        "reason": p.get("reason"),
        "rating": p.get("rating"),
        "automatic": p.get("auto"),
        "days": p.get("days"),
        "supports": p.get("supports"),
    }


def topic(t: PublicTopic, base_url: str) -> dict[str, Any]:
    return {
        "receipt": t.receipt,
        "public": t.public,
        "village": {"code": t.village_code, "name": t.village_name},
        "category": t.category,
        "status": t.status,
        "filed_at": iso(t.filed_at),
        "due_date": t.due_date.isoformat(),
        "due_date_provisional": t.due_provisional,
        "overdue": t.overdue,
        "extended": t.extended,
        "reopened": t.reopened,
        "supports": t.supports,
        "asked_same": t.asked_same,
        "joint": t.joint,
        "rating": t.rating,
        "question": t.question,
        "answers": [answer(a) for a in t.answers],
        "timeline": [_step(s) for s in t.timeline],
        "url": f"{base_url}/t/{t.receipt}",
    }


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def counts(c: Counts) -> dict[str, Any]:
    return {
        "filed": c.filed,
        "answered": c.answered,
        "declined": c.declined,
        "open": c.open,
        "overdue": c.overdue,
        "due": c.due,
        "on_time": c.on_time,
        "on_time_rate": _rate(c.on_time_rate),
        "rated": c.rated,
        "satisfied": c.satisfied,
        "basic": c.basic,
        "unsatisfied": c.unsatisfied,
        "not_rated": c.not_rated,
        "satisfaction_rate": _rate(c.satisfaction_rate),
        "average_working_days": None if c.average_days is None else round(c.average_days, 2),
    }


def stats(
    period: Period, rows: list[Counts], total: Counts, by_township: bool = False
) -> dict[str, Any]:
    """A period's figures: per village, or for a whole county per township (`by_township`,
    STAT-11), as the /stats page shows them; the other list is empty."""
    listed = [{"code": c.code, "name": c.name, **counts(c)} for c in rows]
    return {
        "period": period.text,
        "first_day": period.first.isoformat(),
        "last_day": period.last.isoformat(),
        "total": counts(total),
        "villages": [] if by_township else listed,
        "townships": listed if by_township else [],
    }
