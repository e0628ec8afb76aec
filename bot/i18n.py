"""Message catalogues: every string a user reads, in Simplified Chinese and English."""

from __future__ import annotations

import html
import tomllib
from functools import cache
from pathlib import Path
from string import Formatter

LANGUAGES = ("zh-CN", "en")
LANGUAGE_NAMES = {"zh-CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh-CN"
_LOCALES = Path(__file__).with_name("locales")


@cache
def catalogue(language: str) -> dict[str, str]:
    """All messages of one language, keyed by dotted names such as `start.welcome`.

    Each feature keeps its own file in `locales/<language>/`; a key defined twice is a bug.
    """
    messages: dict[str, str] = {}
    for path in sorted((_LOCALES / language).glob("*.toml")):
        with path.open("rb") as f:
            part = _flatten(tomllib.load(f))
        if clash := messages.keys() & part.keys():
            raise ValueError(f"{path}: keys defined twice: {sorted(clash)}")
        messages.update(part)
    return messages


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def placeholders(text: str) -> set[str]:
    """The `{name}` fields a message expects."""
    return {field for _, field, _, _ in Formatter().parse(text) if field}


def pick_language(chosen: str | None, telegram_language: str | None, default: str) -> str:
    """The person's own choice first, then their Telegram app language, then the township's."""
    if chosen in LANGUAGES:
        return chosen
    if telegram_language:
        code = telegram_language.lower()
        if code.startswith("zh"):
            return "zh-CN"
        if code.startswith("en"):
            return "en"
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


class Term(str):
    """A parameter that is itself a catalogue key, rendered in the reader's language."""


class Html(str):
    """A parameter already escaped for Telegram's HTML (a search hit with its words in bold)."""


def t_plain(language: str, key: str, /, **params: object) -> str:
    """Render one message as plain text (button labels, menus); an unknown key is a bug."""
    messages = catalogue(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    if not params:
        return messages[key]
    terms = {k: messages[v] if isinstance(v, Term) else v for k, v in params.items()}
    return messages[key].format(**terms)


def t(language: str, key: str, /, **params: object) -> str:
    """Render one message for Telegram's HTML parse mode: every parameter is escaped (DESIGN §6)."""
    kept = (Term, Html)  # a catalogue key, or text escaped already
    safe = {
        k: html.escape(v, quote=False) if isinstance(v, str) and not isinstance(v, kept) else v
        for k, v in params.items()
    }
    return t_plain(language, key, **safe)
