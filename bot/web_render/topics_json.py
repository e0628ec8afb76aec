"""The JSON API's topic documents (`/api/v1/villages/<code>/topics`, `/api/v1/topics/<receipt>`,
the topic figures of `/api/v1/stats`) and their OpenAPI parts. Masked exactly like the pages:
the same `TopicBoard` values, never the requester."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.core.periods import Period
from bot.core.timeline import TimelineEntry
from bot.services.topics.board import (
    RATINGS,
    WALL_STATUSES,
    PublicAnswer,
    PublicTopic,
    WallPost,
)
from bot.services.topics.stats import Counts
from bot.services.topics.text import CATEGORIES, DECLINE_REASONS

TOPIC_STATUSES = ("assigned", "answered", "declined", "closed")
STEP_ACTIONS = (
    "filed", "routed", "claimed", "transferred", "urged", "extension_requested", "extended",
    "extension_refused", "answered", "declined", "rated", "reopened", "closed", "escalated",
    "joint",
)  # fmt: skip
RECEIPT_PATTERN = "^DT-[0-9]{4}-[0-9]{4,8}$"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def answer(a: PublicAnswer) -> dict[str, Any]:
    return {
        "kind": a.kind,
        "reason": a.reason,
        "text": a.text,
        "link": a.link,
        "post": a.post,
        "answered_at": _iso(a.at),
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
        "filed_at": _iso(post.filed_at),
        "due_date": post.due_date.isoformat(),
        "supports": post.supports,
        "joint": post.joint,
        "reopened": post.reopened,
        "answer": answer(post.answer),
        "url": f"{base_url}/t/{post.receipt}",
    }


def _step(step: TimelineEntry) -> dict[str, Any]:
    p = step.params
    return {
        "at": _iso(step.at),
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
        "filed_at": _iso(t.filed_at),
        "due_date": t.due_date.isoformat(),
        "overdue": t.overdue,
        "extended": t.extended,
        "reopened": t.reopened,
        "supports": t.supports,
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


def stats(period: Period, rows: list[Counts], total: Counts) -> dict[str, Any]:
    return {
        "period": period.text,
        "first_day": period.first.isoformat(),
        "last_day": period.last.isoformat(),
        "total": counts(total),
        "villages": [{"code": c.code, "name": c.name, **counts(c)} for c in rows],
    }


# -- OpenAPI ---------------------------------------------------------------------------------

_STR = {"type": "string"}
_INT = {"type": "integer"}
_COUNT = {"type": "integer", "minimum": 0}
_BOOL = {"type": "boolean"}
_TIME = {"type": "string", "format": "date-time"}
_DATE = {"type": "string", "format": "date"}
_URL = {"type": "string", "format": "uri"}
_RATE = {"oneOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "null"}]}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _enum(values) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


_COUNTS = {
    "filed": _COUNT,
    "answered": _COUNT,
    "declined": _COUNT,
    "open": _COUNT,
    "overdue": _COUNT,
    "due": _COUNT,
    "on_time": _COUNT,
    "on_time_rate": {**_RATE, "description": "按时办结率: on time ÷ due in the period."},
    "rated": _COUNT,
    "satisfied": _COUNT,
    "basic": _COUNT,
    "unsatisfied": _COUNT,
    "not_rated": _COUNT,
    "satisfaction_rate": {**_RATE, "description": "满意率: (满意 + 基本满意) ÷ rated."},
    "average_working_days": _nullable({"type": "number", "minimum": 0}),
}


def schemas() -> dict[str, Any]:
    return {
        "TopicAnswer": _object(
            {
                "kind": _enum(("answer", "decline")),
                "reason": _nullable(_enum(DECLINE_REASONS)),
                "text": _STR,
                "link": _nullable(_STR),
                "post": {**_STR, "description": "The answering post, never a person's account."},
                "answered_at": _TIME,
                "due_date": _DATE,
                "on_time": _BOOL,
            }
        ),
        "WallPost": _object(
            {
                "receipt": {"type": "string", "pattern": RECEIPT_PATTERN},
                "village_code": _STR,
                "category": _enum(CATEGORIES),
                "question": {**_STR, "description": "Masked; the requester is never shown."},
                "status": _enum(TOPIC_STATUSES),
                "filed_at": _TIME,
                "due_date": _DATE,
                "supports": _COUNT,
                "joint": _BOOL,
                "reopened": _COUNT,
                "answer": _ref("TopicAnswer"),
                "url": _URL,
            }
        ),
        "WallPage": _object(
            {
                "items": {"type": "array", "items": _ref("WallPost")},
                "next_cursor": _nullable(_STR),
            }
        ),
        "TopicStep": _object(
            {
                "at": _TIME,
                "action": _enum(STEP_ACTIONS),
                "post": _nullable(_STR),
                "due_date": _nullable(_DATE),
                "on_time": _nullable(_BOOL),
                "reason": _nullable(_enum(DECLINE_REASONS)),
                "rating": _nullable(_enum(RATINGS)),
                "automatic": _nullable(_BOOL),
                "days": _nullable(_INT),
                "supports": _nullable(_INT),
            }
        ),
        "Topic": _object(
            {
                "receipt": {"type": "string", "pattern": RECEIPT_PATTERN},
                "public": {
                    **_BOOL,
                    "description": "False while a topic is handled and was never answered: "
                    "then question is null and answers and timeline are empty.",
                },
                "village": _object({"code": _STR, "name": _STR}),
                "category": _enum(CATEGORIES),
                "status": _enum(TOPIC_STATUSES),
                "filed_at": _TIME,
                "due_date": _DATE,
                "overdue": _BOOL,
                "extended": _BOOL,
                "reopened": _COUNT,
                "supports": _COUNT,
                "joint": _BOOL,
                "rating": _nullable(_enum(RATINGS)),
                "question": _nullable(_STR),
                "answers": {"type": "array", "items": _ref("TopicAnswer")},
                "timeline": {"type": "array", "items": _ref("TopicStep")},
                "url": _URL,
            }
        ),
        "TopicCounts": _object(_COUNTS),
        "VillageTopicCounts": _object({"code": _STR, "name": _STR, **_COUNTS}),
        "TopicStats": _object(
            {
                "period": _STR,
                "first_day": _DATE,
                "last_day": _DATE,
                "total": _ref("TopicCounts"),
                "villages": {"type": "array", "items": _ref("VillageTopicCounts")},
            }
        ),
    }


def paths(errors: dict[str, Any], cursor: dict, limit: dict, code: dict) -> dict[str, Any]:
    def ok(name: str, description: str) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}

    return {
        "/villages/{code}/topics": {
            "get": {
                "operationId": "listVillageTopics",
                "summary": "A village's feedback wall (回音壁): answered and declined topics, "
                "newest answer first.",
                "parameters": [
                    code,
                    cursor,
                    limit,
                    {
                        "name": "category",
                        "in": "query",
                        "required": False,
                        "description": "Only this category.",
                        "schema": _enum(CATEGORIES),
                    },
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "description": "answered or declined.",
                        "schema": _enum(WALL_STATUSES),
                    },
                ],
                "responses": {"200": ok("WallPage", "A page of wall posts."), **errors},
            }
        },
        "/topics/{receipt}": {
            "get": {
                "operationId": "getTopic",
                "summary": "One topic: masked question, answers, timeline (when public).",
                "parameters": [
                    {
                        "name": "receipt",
                        "in": "path",
                        "required": True,
                        "description": "The receipt number, e.g. DT-2026-0042.",
                        "schema": {"type": "string", "maxLength": 40},
                    }
                ],
                "responses": {"200": ok("Topic", "The topic."), **errors},
            }
        },
    }
