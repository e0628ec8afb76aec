"""The machine-readable Bot API reference, used to decode parameters and check required ones."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REFERENCE_ENV = "BOTAPI_SCHEMA"
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


class MissingReferenceError(LookupError):
    """The reference file is missing or malformed."""


# A slim copy of the Bot API reference (names, types, required flags) ships with the sandbox so it
# runs anywhere; tests check it against the full reference. Regenerate it with
# `python -m bot.sandbox.emulator.reference path/to/bot-api-10.1.json`.
SHIPPED = Path(__file__).with_name("bot-api-10.1.slim.json")


def reference_path() -> Path:
    """The reference JSON: $BOTAPI_SCHEMA, else the slim copy shipped beside this module."""
    override = os.environ.get(REFERENCE_ENV)
    return Path(override) if override else SHIPPED


def slim(full: dict[str, Any]) -> dict[str, Any]:
    """The parts of the full reference the emulator uses, without descriptions."""

    def fields(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"name": f["name"], "types": f["types"], "required": f["required"]} for f in items]

    def type_spec(name: str, spec: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"name": name}
        if "fields" in spec:
            out["fields"] = fields(spec["fields"])
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
    """Read the reference once per process."""
    path = reference_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise MissingReferenceError(
            f"Bot API reference not found at {path}; set {REFERENCE_ENV}"
        ) from exc
    if not isinstance(data, dict) or "methods" not in data or "types" not in data:
        raise MissingReferenceError(f"{path} is not a Bot API reference")
    return data


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


if __name__ == "__main__":
    import sys

    source = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    text = json.dumps(slim(source), ensure_ascii=False, separators=(",", ":"))
    SHIPPED.write_text(text + "\n", encoding="utf-8")
