"""Validate Bot API JSON results against the machine-readable Bot API reference in the repo.

Every problem raises AssertionError naming its path, e.g. `Message.chat.id: expected Integer,
got str`. Fields the reference does not define are errors too: an emulator must not invent them.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from bot.sandbox.emulator.reference import SHIPPED

_DISCRIMINATOR_RE = re.compile(r'(?:always|must be) "?([a-z_]+)"?\s*$')
_PRIMITIVES = {"Integer", "Float", "Boolean", "True", "String", "InputFile"}


@functools.cache
def load_schema() -> dict[str, Any]:
    """The reference the repository ships (the slim copy beside the emulator), read once."""
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def validate_result(method_name: str, result: object) -> None:
    """Check a method's `result` against the method's documented return types."""
    methods = load_schema()["methods"]
    method = methods.get(method_name) or next(
        (m for name, m in methods.items() if name.lower() == method_name.lower()), None
    )
    if method is None:
        raise AssertionError(f"{method_name}: no such method in the Bot API reference")
    try:
        _check_any(method["returns"], result, _root(method["returns"]))
    except AssertionError as error:
        raise AssertionError(f"{method['name']} -> {error}") from None


def validate_type(type_name: str, obj: object) -> None:
    """Check one object against a type of the reference (e.g. "Message", "Array of Update")."""
    _check(type_name, obj, _root([type_name]))


def _root(types: list[str]) -> str:
    return types[0].removeprefix("Array of ") if len(types) == 1 else " | ".join(types)


def _describe(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _check_any(types: list[str], value: object, path: str) -> None:
    if len(types) == 1:
        _check(types[0], value, path)
        return
    errors = []
    for type_name in types:
        try:
            _check(type_name, value, path)
        except AssertionError as error:
            errors.append(str(error))
        else:
            return
    # Report the alternative that matched furthest; a shallow mismatch everywhere gets a summary.
    deepest = max(errors, key=lambda e: len(e.split(": ", 1)[0]))
    if len(deepest.split(": ", 1)[0]) > len(path):
        raise AssertionError(deepest)
    raise AssertionError(f"{path}: expected {' or '.join(types)}, got {_describe(value)}")


def _check(type_name: str, value: object, path: str) -> None:
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            raise AssertionError(f"{path}: expected {type_name}, got {_describe(value)}")
        inner = type_name.removeprefix("Array of ")
        for index, item in enumerate(value):
            _check(inner, item, f"{path}[{index}]")
        return
    if type_name in _PRIMITIVES:
        if not _primitive_ok(type_name, value):
            raise AssertionError(f"{path}: expected {type_name}, got {_describe(value)}")
        return
    spec = load_schema()["types"].get(type_name)
    if spec is None:
        raise AssertionError(f"{path}: unknown type {type_name} in the reference")
    if "subtypes" in spec:
        _check_union(spec["subtypes"], value, path)
        return
    _check_object(type_name, spec.get("fields", []), value, path)


def _primitive_ok(type_name: str, value: object) -> bool:
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "Boolean":
        return isinstance(value, bool)
    if type_name == "True":
        return value is True
    return isinstance(value, str)


def _check_object(type_name: str, fields: list[dict[str, Any]], value: object, path: str) -> None:
    if not isinstance(value, dict):
        raise AssertionError(f"{path}: expected {type_name} object, got {_describe(value)}")
    known = {field["name"] for field in fields}
    for key in value:
        if key not in known:
            raise AssertionError(f"{path}.{key}: unknown field (not in {type_name})")
    for field in fields:
        name = field["name"]
        if name not in value:
            if field["required"]:
                raise AssertionError(f"{path}.{name}: missing required field of {type_name}")
            continue
        _check_any(field["types"], value[name], f"{path}.{name}")


def _discriminator(type_name: str) -> tuple[str, str] | None:
    """The (field, constant) that identifies a union member, e.g. ("status", "kicked")."""
    fields = load_schema()["types"][type_name].get("fields", [])
    if not fields:
        return None
    match = _DISCRIMINATOR_RE.search(fields[0]["description"])
    return (fields[0]["name"], match.group(1)) if match else None


def _check_union(subtypes: list[str], value: object, path: str) -> None:
    if isinstance(value, dict):
        for subtype in subtypes:
            tag = _discriminator(subtype)
            if tag is not None and value.get(tag[0]) == tag[1]:
                _check(subtype, value, path)
                return
        tags = [tag for tag in map(_discriminator, subtypes) if tag is not None]
        if len(tags) == len(subtypes):
            field = tags[0][0]
            allowed = ", ".join(constant for _, constant in tags)
            raise AssertionError(
                f"{path}.{field}: expected one of {allowed}, got {value.get(field)!r}"
            )
    _check_any(subtypes, value, path)
