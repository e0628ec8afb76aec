"""Reading query results by column name: a dataclass's fields are the columns it reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from functools import cache
from typing import Any


@cache  # read for every row of every query: a county page reads thousands
def field_names(cls: type) -> tuple[str, ...]:
    """The names of a dataclass's fields, in order."""
    return tuple(f.name for f in fields(cls))


def pick(cls: type, row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's values for each of a dataclass's fields, by name."""
    return {name: row[name] for name in field_names(cls)}


def aliased(table: str, cls: type, prefix: str) -> str:
    """A select list of a dataclass's columns from a joined table, each name prefixed, so two
    tables with columns of the same name (id, text…) can be read from one row."""
    return ", ".join(f"{table}.{name} AS {prefix}{name}" for name in field_names(cls))


def unprefixed(row: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The part of a joined row selected with `aliased`, under its own column names."""
    return {key[len(prefix) :]: value for key, value in row.items() if key.startswith(prefix)}
