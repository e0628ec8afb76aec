"""The machine-readable Bot API reference: decode parameters, check required ones, shape answers."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_PRIMITIVES = {"Integer", "Float", "Boolean", "String", "True", "InputFile"}

# Telegram's own wording for a few missing parameters; the rest get a generic sentence.
_MISSING_TEXTS = {
    "chat_id": "chat_id is empty",
    "text": "message text is empty",
    "message_id": "message identifier is not specified",
    "callback_query_id": "query is too old and response timeout expired or query ID is invalid",
    "file_id": "file_id not specified",
}
_MEDIA_PARAMS = {"document", "photo", "voice", "audio", "video", "animation", "sticker"}


# The Bot API version the product and the emulator target. A slim copy of its machine-readable
# reference (names, types, required flags; no prose) ships here so the sandbox and the tests need
# nothing outside the repository. Regenerate it from the full reference with
# `python -m bot.sandbox.emulator path/to/bot-api-10.1.json`.
BOT_API_VERSION = "10.1"
SHIPPED = Path(__file__).with_name(f"bot-api-{BOT_API_VERSION}.slim.json")


def slim(full: dict[str, Any]) -> dict[str, Any]:
    """The parts of the full reference the emulator and the tests use, without descriptions.

    A union member keeps its first field's description: it names the constant (e.g. `always
    "kicked"`) that tells the members apart."""
    members = {sub for spec in full["types"].values() for sub in spec.get("subtypes", [])}

    def fields(items: list[dict[str, Any]], *, tagged: bool = False) -> list[dict[str, Any]]:
        out = [{"name": f["name"], "types": f["types"], "required": f["required"]} for f in items]
        if tagged and out:
            out[0]["description"] = items[0]["description"]
        return out

    def type_spec(name: str, spec: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"name": name}
        if "fields" in spec:
            out["fields"] = fields(spec["fields"], tagged=name in members)
        if "subtypes" in spec:
            out["subtypes"] = spec["subtypes"]
        return out

    return {
        "version": full["version"],
        "methods": {
            name: {
                "name": name,
                "returns": m.get("returns", []),
                "fields": fields(m.get("fields", [])),
            }
            for name, m in full["methods"].items()
        },
        "types": {name: type_spec(name, spec) for name, spec in full["types"].items()},
    }


@functools.cache
def load_reference() -> dict[str, Any]:
    """Read the shipped reference once per process."""
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


@functools.cache
def _methods_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in load_reference()["methods"]}


def canonical_method(name: str) -> str | None:
    """Telegram's spelling of a method name, matched case-insensitively; None if unknown."""
    return _methods_by_lower_name().get(name.lower())


def method_fields(method: str) -> list[dict[str, Any]]:
    """The parameter descriptions of a method (empty for methods without parameters)."""
    return list(load_reference()["methods"][method].get("fields", []))


def _is_structured(type_name: str) -> bool:
    return type_name.startswith("Array of ") or type_name not in _PRIMITIVES


def decode_params(method: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Turn form/query strings into typed values following the method's field types."""
    specs = {field["name"]: field["types"] for field in method_fields(method)}
    params: dict[str, Any] = {}
    for name, value in raw.items():
        types = specs.get(name)
        params[name] = (
            value if types is None or not isinstance(value, str) else _decode(name, value, types)
        )
    return params


def _decode(name: str, value: str, types: list[str]) -> Any:
    if "Integer" in types:
        try:
            return int(value)
        except ValueError:
            if "String" in types:
                return value
            raise ValueError(f"wrong parameter {name} in request") from None
    if "Float" in types:
        try:
            return float(value)
        except ValueError:
            raise ValueError(f"wrong parameter {name} in request") from None
    if "Boolean" in types or "True" in types:
        return value.strip().lower() in {"true", "1"}
    if any(_is_structured(t) for t in types) and "InputFile" not in types:
        try:
            return json.loads(value)
        except ValueError:
            if "String" in types:
                return value
            what = "reply keyboard markup" if name == "reply_markup" else name
            raise ValueError(f"can't parse {what} JSON object") from None
    return value


def missing_required(method: str, params: Mapping[str, Any], uploads: Mapping[str, Any]) -> str:
    """Telegram's text for the first missing required parameter, or "" when all are present."""
    for field in method_fields(method):
        name = field["name"]
        if not field["required"] or name in uploads:
            continue
        value = params.get(name)
        if value is None or value == "":
            if name in _MEDIA_PARAMS:
                return f"there is no {name} in the request"
            return _MISSING_TEXTS.get(name, f"parameter {name} is required")
    return ""


def conform(type_name: str, value: Any) -> Any:
    """Drop keys the reference does not define for type_name, recursively (unions kept as is)."""
    spec = load_reference()["types"].get(type_name)
    if spec is None or "fields" not in spec or not isinstance(value, dict):
        return value
    result = {}
    for field in spec["fields"]:
        if field["name"] not in value:
            continue
        item = value[field["name"]]
        types = field["types"]
        if len(types) == 1:
            item = _conform_nested(types[0], item)
        result[field["name"]] = item
    return result


def _conform_nested(type_name: str, value: Any) -> Any:
    if type_name.startswith("Array of ") and isinstance(value, list):
        inner = type_name.removeprefix("Array of ")
        return [_conform_nested(inner, item) for item in value]
    return conform(type_name, value)
