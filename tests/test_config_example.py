"""config.example.toml against the declaration: every key shown, no other, defaults equal."""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import MISSING, Field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from bot.config import Config, load_config

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"
# A table header or a `key = value` line, either of them possibly commented out.
_HEADER = re.compile(r"#?\s*\[\[?([a-z_.]+)\]\]?\s*")
_KEY = re.compile(r"#?\s*([a-z_]+)\s*=\s*(.+)")


def declared() -> dict[str, dict[str, Field]]:
    """Each table of the file (``telegram``, ``villages``, ``topics.routes``) with its keys."""
    tables: dict[str, dict[str, Field]] = {}

    def walk(cls: type, path: str) -> None:
        keys: dict[str, Field] = {}
        hints = get_type_hints(cls)
        for f in fields(cls):
            tp = hints[f.name]
            item = get_args(tp)[0] if get_origin(tp) is tuple else None
            name = f"{path}.{f.name}" if path else f.name
            if is_dataclass(tp) or is_dataclass(item):
                walk(tp if is_dataclass(tp) else item, name)
            elif not f.metadata.get("derived"):
                keys[f.name] = f
        if path:
            tables[path] = keys

    walk(Config, "")
    return tables


def shown() -> dict[str, dict[str, Any]]:
    """Each table of the example with the first value shown for each key, commented or not."""
    tables: dict[str, dict[str, Any]] = defaultdict(dict)
    table = None
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if header := _HEADER.fullmatch(line):
            table = header[1]
        elif (key := _KEY.fullmatch(line)) and table is not None:
            try:
                value = tomllib.loads(f"v = {key[2]}")["v"]
            except tomllib.TOMLDecodeError:
                continue  # prose that happens to contain " = "
            tables[table].setdefault(key[1], value)
    return tables


def test_example_loads_with_the_real_loader() -> None:
    config = load_config(EXAMPLE, environ={})
    assert config.source == str(EXAMPLE)
    assert [v.code for v in config.villages] == ["qingshan", "hexi", "dongling"]


def test_example_shows_every_declared_key_and_no_other() -> None:
    example, declaration = shown(), declared()
    assert set(example) == set(declaration)
    for table, keys in declaration.items():
        assert set(example[table]) == set(keys), table


def test_example_values_equal_declared_defaults() -> None:
    example = shown()
    for table, keys in declared().items():
        for name, f in keys.items():
            default = f.default
            if name not in example[table] or default is None or default is MISSING:
                continue  # required keys and optional chats show example values
            value = example[table][name]
            assert (tuple(value) if isinstance(value, list) else value) == default, (table, name)


def test_every_key_has_a_one_line_doc() -> None:
    for table, keys in declared().items():
        for name, f in keys.items():
            doc = f.metadata["doc"]
            assert doc.strip() and "\n" not in doc, (table, name)
