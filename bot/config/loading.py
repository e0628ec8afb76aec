"""One generic loader: walks the declared section dataclasses over parsed TOML, key by key.

A field's type says what the file must hold (a table, an array of tables, an array, a value);
its metadata gives the default and the check. Errors name the dotted key (``villages[2].code``).
"""

from __future__ import annotations

import difflib
import os
import sys
import tomllib
import types
from collections.abc import Mapping
from dataclasses import Field, fields, is_dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from bot.config.schema import Check, ConfigError, Invalid, expected, has_default
from bot.config.sections import Config

TOKEN_ENV = "VILLAGE_BOT_TOKEN"

_A = {str: "a string", int: "an integer", float: "a number"}
_ARRAY_OF = {str: "strings", int: "integers", float: "numbers"}


def parse_config(
    data: Mapping,
    *,
    source: str = "<config>",
    environ: Mapping[str, str] | None = None,
    base_dir: str | Path | None = None,
) -> Config:
    """Validate already-parsed TOML data; relative storage paths resolve against ``base_dir``.

    Raises ConfigError for the first problem found, checking sections in declaration order.
    """
    try:
        if not isinstance(data, Mapping):
            raise expected("(root)", "a table", data)
        config = build(Config, data, "", source=source)
    except Invalid as exc:
        raise ConfigError(exc.key, exc.message, source) from None
    return _settle(config, os.environ if environ is None else environ, base_dir)


def load_config(path: str | Path, *, environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate a TOML file; relative paths in it resolve against its directory."""
    path = Path(path)
    source = str(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError("(file)", "file not found", source) from None
    except OSError as exc:
        raise ConfigError("(file)", f"cannot read file: {exc.strerror or exc}", source) from None
    except UnicodeDecodeError as exc:
        raise ConfigError("(syntax)", f"file is not valid UTF-8 ({exc.reason})", source) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("(syntax)", str(exc), source) from None
    return parse_config(
        data, source=source, environ=environ, base_dir=Path(os.path.abspath(path)).parent
    )


def check_config_main(path: str) -> int:
    """Validate the config at ``path``: print "OK: <summary>" and return 0, or the error and 2."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"OK: {config.summary()}")
    return 0


def build(cls: type, table: Mapping, path: str, **fixed: Any) -> Any:
    """Check ``table`` against the dataclass ``cls`` and build it (``fixed``: derived fields)."""
    declared = [f for f in fields(cls) if not f.metadata.get("derived")]
    _reject_unknown(table, path, [f.name for f in declared])
    hints = _hints(cls)
    values = {f.name: _read(f, hints[f.name], table, _join(path, f.name)) for f in declared}
    finish = getattr(cls, "finish", None)
    return cls(**(finish(values, path) if finish else values), **fixed)


def _read(f: Field, tp: Any, table: Mapping, key: str) -> Any:
    """The value of one field: its table, its array, or its checked scalar."""
    if is_dataclass(tp):  # a section: a missing table means every default
        value = table.get(f.name, {})
        if not isinstance(value, Mapping):
            raise expected(key, "a table", value)
        return build(tp, value, key)
    item = get_args(tp)[0] if get_origin(tp) is tuple else None
    if f.name not in table:
        if has_default(f):
            return f.default
        hint = f" (add at least one [[{key}]] table)" if is_dataclass(item) else " (required)"
        raise Invalid(key, f"missing{hint}")
    value = table[f.name]
    if item is None:
        return _scalar(tp, value, key, f.metadata["check"])
    if not isinstance(value, list | tuple):
        raise expected(key, _array_of(item, key), value)
    if not value and not has_default(f):
        what = f"at least one [[{key}]] table is" if is_dataclass(item) else "a value is"
        raise Invalid(key, f"{what} required")
    items = tuple(_item(item, v, f"{key}[{i}]", f.metadata["check"]) for i, v in enumerate(value))
    _check_unique(items, f.metadata["unique"], key)
    return items


def _item(tp: Any, value: Any, key: str, check: Check | None) -> Any:
    if not is_dataclass(tp):
        return _scalar(tp, value, key, check)
    if not isinstance(value, Mapping):
        raise expected(key, "a table", value)
    return build(tp, value, key)


def _scalar(tp: Any, value: Any, key: str, check: Check | None) -> Any:
    """Type-check one value (bool is never a number), then run the field's check."""
    kinds = _kinds(tp)
    if not any(_is(kind, value) for kind in kinds):
        raise expected(key, " or ".join(_A[kind] for kind in kinds), value)
    if check and (message := check(value)):
        raise Invalid(key, message)
    return float(value) if kinds == (float,) else value  # safe: the range check ran first


def _kinds(tp: Any) -> tuple[type, ...]:
    """The value types a field accepts: ``int | None`` accepts int (TOML has no null)."""
    if get_origin(tp) in (Union, types.UnionType):
        return tuple(t for t in get_args(tp) if t is not type(None))
    return (tp,)


def _is(kind: type, value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if kind is float:
        return isinstance(value, int | float)
    return isinstance(value, kind)


def _array_of(item: Any, key: str) -> str:
    if is_dataclass(item):
        return f"an array of tables ([[{key}]])"
    return f"an array of {_ARRAY_OF[item]}"


def _check_unique(items: tuple, names: tuple[str, ...], key: str) -> None:
    """No two tables of an array share the values of ``names``."""
    if not names:
        return
    seen: dict[tuple, int] = {}
    for i, item in enumerate(items):
        value = tuple(getattr(item, name) for name in names)
        if value in seen:
            what = " and ".join(names)
            shown = ", ".join(repr(v) for v in value)
            raise Invalid(
                f"{key}[{i}].{names[-1]}",
                f"duplicate {what} {shown} (already used by {key}[{seen[value]}])",
            )
        seen[value] = i


def _reject_unknown(table: Mapping, path: str, names: list[str]) -> None:
    for key in table:
        if key not in names:
            close = difflib.get_close_matches(str(key), names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise Invalid(_join(path, key), f"unknown key{hint}")


def _settle(config: Config, environ: Mapping[str, str], base_dir: str | Path | None) -> Config:
    """Apply what lives outside the file: the token from the environment, the file's directory."""
    telegram = config.telegram
    if environ.get(TOKEN_ENV):
        telegram = replace(telegram, token=environ[TOKEN_ENV])
    path = config.storage.path
    if base_dir is not None and path != ":memory:" and not Path(path).is_absolute():
        path = os.path.normpath(Path(base_dir) / path)
    return replace(config, telegram=telegram, storage=replace(config.storage, path=str(path)))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)
