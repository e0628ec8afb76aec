"""How a configuration field is declared: its default, its check and its one-line doc."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, field
from typing import Any

Check = Callable[[Any], str | None]  # returns an error message, or None when the value is fine
Rule = Callable[[dict[str, Any], str], dict[str, Any]]  # a section's cross-field rules

_TOML_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "float",
    str: "string",
    list: "array",
    tuple: "array",
    dict: "table",
}


class ConfigError(Exception):
    """A configuration problem at one dotted ``key`` of the file ``source``."""

    def __init__(self, key: str, message: str, source: str = "<config>") -> None:
        super().__init__(key, message, source)
        self.key = key
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.key}: {self.message}"


class Invalid(Exception):
    """A problem at a dotted key; ``parse_config`` turns it into a ConfigError naming the file."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(key, message)
        self.key = key
        self.message = message


def setting(default: Any, doc: str, check: Check | None = None, *, unique: tuple = ()) -> Any:
    """A key with a default; ``check`` runs on the value (on each item of an array)."""
    return field(default=default, metadata={"doc": doc, "check": check, "unique": unique})


def required(doc: str, check: Check | None = None, *, unique: tuple = ()) -> Any:
    """A key the file must give; an array of tables must then hold at least one table.

    ``unique`` names the keys whose values no two tables of the array may share.
    """
    return field(metadata={"doc": doc, "check": check, "unique": unique})


def derived(doc: str) -> Any:
    """A value the loader fills in itself; the file may not set it."""
    return field(metadata={"doc": doc, "derived": True})


def has_default(f: Field) -> bool:
    """True when the field declares a default value."""
    return f.default is not MISSING


def short(v: object) -> str:
    """``repr(v)`` cut to 40 characters, for error messages."""
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def type_name(v: object) -> str:
    """The TOML name of a value's type (``integer``, ``table``…)."""
    for t, name in _TOML_TYPES.items():
        if isinstance(v, t):
            return name
    return "table" if isinstance(v, Mapping) else type(v).__name__


def expected(key: str, what: str, v: object) -> Invalid:
    """The error for a value of the wrong type."""
    return Invalid(key, f"expected {what}, got {type_name(v)} {short(v)}")
