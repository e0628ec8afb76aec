"""Building blocks of the API's OpenAPI 3.1 description, shared by the disclosure and topic
parts, and the API's one time format."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

STR = {"type": "string"}
INT = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
URL = {"type": "string", "format": "uri"}


def iso(moment: datetime) -> str:
    """A time as the API writes it: ISO 8601 UTC to the second, ``Z``-suffixed."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def enum(values: Iterable[str]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def obj(properties: dict[str, Any]) -> dict[str, Any]:
    """A closed object whose properties are all required."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def array(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def page(item_schema: str) -> dict[str, Any]:
    """A page of a listing (`bot.core.pages.Page`): its items and the next page's cursor."""
    return obj({"items": array(ref(item_schema)), "next_cursor": nullable(STR)})


def json_response(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


# Every route takes ?township=<code> (a county's townships, issue 13 §1): lists keep that
# township's villages; a village or an item of another township, or an unknown code, is a 404.
TOWNSHIP = query(
    "township",
    "Only this township of the county (404 for an unknown one or a village outside it).",
    {"type": "string", "maxLength": 32},
)

ERRORS = {
    "400": json_response(
        ref("Error"), "A parameter is not valid (e.g. a cursor not handed out here)."
    ),
    "404": json_response(ref("Error"), "No such village, published disclosure or topic."),
}
CURSOR = query(
    "cursor",
    "`next_cursor` of the previous page; omit for the first page.",
    {"type": "string", "maxLength": 100},
)
LIMIT = query(
    "limit",
    "Items per page (1-100, default 20).",
    {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
)
CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "description": "The village code (as in /v/<code>).",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_]{1,32}$"},
}
