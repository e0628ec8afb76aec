"""The topic parts of the API's OpenAPI 3.1 description: the wall, one topic, topic figures."""

from __future__ import annotations

from typing import Any

from bot.core.vocabulary import CATEGORIES
from bot.services.topics.public_timeline import RATINGS
from bot.services.topics.text import DECLINE_REASONS
from bot.services.topics.wall_pages import WALL_STATUSES
from bot.web_render.openapi_schema import (
    BOOL,
    CODE,
    COUNT,
    CURSOR,
    DATE,
    ERRORS,
    INT,
    LIMIT,
    STR,
    TIME,
    TOWNSHIP,
    URL,
    array,
    enum,
    json_response,
    nullable,
    obj,
    page,
    query,
    ref,
)

TOPIC_STATUSES = ("assigned", "answered", "declined", "closed")
STEP_ACTIONS = (
    "filed", "routed", "claimed", "transferred", "urged", "extension_requested", "extended",
    "extension_refused", "due_moved", "answered", "declined", "rated", "reopened", "closed",
    "escalated", "joint",
)  # fmt: skip
RECEIPT_PATTERN = "^DT-[0-9]{4}-[0-9]{4,8}$"
_RECEIPT = {"type": "string", "pattern": RECEIPT_PATTERN}
PROVISIONAL = {
    **BOOL,
    "description": "The due date counts days of a year whose official holiday schedule is "
    "not out yet: it may move later, never earlier.",
}
_RATE = {"oneOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "null"}]}
_COUNTS = {
    "filed": COUNT,
    "answered": COUNT,
    "declined": COUNT,
    "open": COUNT,
    "overdue": COUNT,
    "due": COUNT,
    "on_time": COUNT,
    "on_time_rate": {**_RATE, "description": "按时办结率: on time ÷ due in the period."},
    "rated": COUNT,
    "satisfied": COUNT,
    "basic": COUNT,
    "unsatisfied": COUNT,
    "not_rated": COUNT,
    "satisfaction_rate": {**_RATE, "description": "满意率: (满意 + 基本满意) ÷ rated."},
    "average_working_days": nullable({"type": "number", "minimum": 0}),
}


def _wall_schemas() -> dict[str, Any]:
    return {
        "TopicAnswer": obj(
            {
                "kind": enum(("answer", "decline")),
                "reason": nullable(enum(DECLINE_REASONS)),
                "text": STR,
                "link": nullable(STR),
                "post": {**STR, "description": "The answering post, never a person's account."},
                "answered_at": TIME,
                "due_date": DATE,
                "on_time": BOOL,
            }
        ),
        "WallPost": obj(
            {
                "receipt": _RECEIPT,
                "village_code": STR,
                "category": enum(CATEGORIES),
                "question": {**STR, "description": "Masked; the requester is never shown."},
                "status": enum(TOPIC_STATUSES),
                "filed_at": TIME,
                "due_date": DATE,
                "due_date_provisional": PROVISIONAL,
                "supports": COUNT,
                "joint": BOOL,
                "reopened": COUNT,
                "answer": ref("TopicAnswer"),
                "url": URL,
            }
        ),
        "WallPage": page("WallPost"),
    }


def _step_schema() -> dict[str, Any]:
    return obj(
        {
            "at": TIME,
            "action": enum(STEP_ACTIONS),
            "post": nullable(STR),
            "due_date": nullable(DATE),
            "on_time": nullable(BOOL),
            "reason": nullable(enum(DECLINE_REASONS)),
            "rating": nullable(enum(RATINGS)),
            "automatic": nullable(BOOL),
            "days": nullable(INT),
            "supports": nullable(INT),
        }
    )


def _topic_schema() -> dict[str, Any]:
    return obj(
        {
            "receipt": _RECEIPT,
            "public": {
                **BOOL,
                "description": "False while a topic is handled and was never answered: "
                "then question is null and answers and timeline are empty.",
            },
            "village": obj({"code": STR, "name": STR}),
            "category": enum(CATEGORIES),
            "status": enum(TOPIC_STATUSES),
            "filed_at": TIME,
            "due_date": DATE,
            "due_date_provisional": PROVISIONAL,
            "overdue": BOOL,
            "extended": BOOL,
            "reopened": COUNT,
            "supports": COUNT,
            "asked_same": {
                **COUNT,
                "description": "Residents asking it: the requester, supporters and followers.",
            },
            "joint": BOOL,
            "rating": nullable(enum(RATINGS)),
            "question": nullable(STR),
            "answers": array(ref("TopicAnswer")),
            "timeline": array(ref("TopicStep")),
            "url": URL,
        }
    )


def _stats_schemas() -> dict[str, Any]:
    return {
        "TopicCounts": obj(_COUNTS),
        "VillageTopicCounts": obj({"code": STR, "name": STR, **_COUNTS}),
        "TownshipTopicCounts": obj({"code": STR, "name": STR, **_COUNTS}),
        "TopicStats": {
            **obj(
                {
                    "period": STR,
                    "first_day": DATE,
                    "last_day": DATE,
                    "total": ref("TopicCounts"),
                    "villages": array(ref("VillageTopicCounts")),
                    "townships": array(ref("TownshipTopicCounts")),
                }
            ),
            "description": (
                "Per village; a county asked without ?township= gives one row per township "
                "(its villages' counts added up) and no village rows, as its /stats page: "
                "?township=<code> lists that township's villages."
            ),
        },
    }


def schemas() -> dict[str, Any]:
    return {
        **_wall_schemas(),
        "TopicStep": _step_schema(),
        "Topic": _topic_schema(),
        **_stats_schemas(),
    }


def paths() -> dict[str, Any]:
    receipt = {
        "name": "receipt",
        "in": "path",
        "required": True,
        "description": "The receipt number, e.g. DT-2026-0042.",
        "schema": {"type": "string", "maxLength": 40},
    }
    return {
        "/villages/{code}/topics": {
            "get": {
                "operationId": "listVillageTopics",
                "summary": "A village's feedback wall (回音壁): answered and declined topics, "
                "newest answer first.",
                "parameters": [
                    CODE,
                    CURSOR,
                    LIMIT,
                    query("category", "Only this category.", enum(CATEGORIES)),
                    query("status", "answered or declined.", enum(WALL_STATUSES)),
                    TOWNSHIP,
                ],
                "responses": {
                    "200": json_response(ref("WallPage"), "A page of wall posts."),
                    **ERRORS,
                },
            }
        },
        "/topics/{receipt}": {
            "get": {
                "operationId": "getTopic",
                "summary": "One topic: masked question, answers, timeline (when public).",
                "parameters": [receipt, TOWNSHIP],
                "responses": {"200": json_response(ref("Topic"), "The topic."), **ERRORS},
            }
        },
    }
