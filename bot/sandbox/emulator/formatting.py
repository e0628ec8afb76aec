"""Telegram text formatting for the emulator: UTF-16 lengths, HTML parsing, commands."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]

# Telegram trims these around message text before measuring it.
_TRIMMED = " \t\n\r"


class EntityParseError(ValueError):
    """Raised with the text Telegram puts after "can't parse entities: "."""


@dataclass
class FormattedText:
    """Plain text plus MessageEntity dicts whose offsets count UTF-16 code units."""

    text: str
    entities: list[Entity] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Telegram text limit and offset."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode())


class _Builder:
    """Accumulates plain text and entities while a parser walks the markup."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[Entity] = []

    def append(self, text: str) -> None:
        self.parts.append(text)
        self.offset += utf16_len(text)

    def add(self, start: int, entity: Entity) -> None:
        # Telegram silently drops entities that cover no text.
        if self.offset > start:
            self.entities.append({**entity, "offset": start, "length": self.offset - start})

    def result(self) -> FormattedText:
        return FormattedText("".join(self.parts), sort_entities(self.entities))


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """Order entities like Telegram does: by offset, longer (outer) ones first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


# --- HTML -------------------------------------------------------------------------------------

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_HTML_TAGS = {*_SIMPLE_TAGS, "a", "span", "blockquote", "tg-emoji"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_TAG_NAME_RE = re.compile(r"[a-zA-Z0-9-]*")
_ATTR_RE = re.compile(r"\s*([a-zA-Z0-9_-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_END_TAG_RE = re.compile(r"</([a-zA-Z0-9-]*)\s*>")


@dataclass
class _OpenTag:
    name: str
    start: int
    entity: Entity | None


def parse_html(source: str) -> FormattedText:
    """Parse Telegram's HTML subset; anything else raises EntityParseError as Telegram would."""
    out = _Builder()
    stack: list[_OpenTag] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "&":
            match = _ENTITY_RE.match(source, i)
            decoded = _decode_html_entity(match) if match else None
            if decoded is None:
                # Telegram documents that a bare "&" must be escaped; we enforce it.
                raise EntityParseError(
                    f"Unsupported HTML entity at byte offset {_byte_offset(source, i)}"
                )
            out.append(decoded)
            i = match.end() if match else i + 1
        elif char == "<" and source.startswith("</", i):
            i = _close_tag(source, i, stack, out)
        elif char == "<":
            i = _open_tag(source, i, stack, out)
        else:
            out.append(char)
            i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.result()


def _decode_html_entity(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_ENTITIES.get(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else None


def _open_tag(source: str, i: int, stack: list[_OpenTag], out: _Builder) -> int:
    offset = _byte_offset(source, i)
    name_match = _TAG_NAME_RE.match(source, i + 1)
    assert name_match is not None  # the pattern also matches the empty string
    name = name_match.group().lower()
    if name not in _HTML_TAGS:
        raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
    attrs: dict[str, str] = {}
    j = name_match.end()
    while True:
        while j < len(source) and source[j].isspace():
            j += 1
        if j >= len(source):
            raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
        if source[j] == ">":
            j += 1
            break
        attr = _ATTR_RE.match(source, j)
        if attr is None:
            raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
        value = next((v for v in attr.groups()[1:] if v is not None), "")
        attrs[attr.group(1).lower()] = _unescape_attribute(value)
        j = attr.end()
    stack.append(_OpenTag(name, out.offset, _entity_for_tag(name, attrs, stack, out, offset)))
    return j


def _unescape_attribute(value: str) -> str:
    return _ENTITY_RE.sub(lambda m: _decode_html_entity(m) or m.group(), value)


def _entity_for_tag(
    name: str, attrs: dict[str, str], stack: list[_OpenTag], out: _Builder, offset: int
) -> Entity | None:
    if name in _SIMPLE_TAGS:
        language = attrs.get("class", "")
        parent = stack[-1] if stack else None
        # <pre><code class="language-x"> is one pre entity carrying the language.
        if (
            name == "code"
            and parent is not None
            and parent.entity is not None
            and parent.entity["type"] == "pre"
            and parent.start == out.offset
            and language.startswith("language-")
        ):
            parent.entity["language"] = language.removeprefix("language-")
            return None
        return {"type": _SIMPLE_TAGS[name]}
    if name == "span":
        if attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
            )
        return {"type": "spoiler"}
    if name == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    if name == "tg-emoji":
        emoji_id = attrs.get("emoji-id", "")
        if not emoji_id.isdigit():
            raise EntityParseError(f"Invalid custom emoji identifier at byte offset {offset}")
        return {"type": "custom_emoji", "custom_emoji_id": emoji_id}
    href = attrs.get("href", "").strip()
    # A link without a usable URL stays plain text, as in Telegram.
    return {"type": "text_link", "url": href} if href else None


def _close_tag(source: str, i: int, stack: list[_OpenTag], out: _Builder) -> int:
    offset = _byte_offset(source, i)
    match = _END_TAG_RE.match(source, i)
    if match is None:
        raise EntityParseError(f"Unclosed end tag at byte offset {offset}")
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
    name = match.group(1).lower()
    opened = stack.pop()
    if name != opened.name:
        raise EntityParseError(
            f'Unmatched end tag at byte offset {offset}, expected "</{opened.name}>", '
            f'found "</{name}>"'
        )
    if opened.entity is not None:
        out.add(opened.start, opened.entity)
    return match.end()


# --- whole-message helpers -------------------------------------------------------------------

_COMMAND_RE = re.compile(r"(?<![\w/@])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/])")


def find_bot_commands(text: str) -> list[Entity]:
    """The bot_command entities Telegram detects in text that a user types."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _COMMAND_RE.finditer(text)
    ]


def trim(formatted: FormattedText) -> FormattedText:
    """Strip surrounding whitespace and clip entities to what remains, as Telegram does."""
    text = formatted.text
    lead = utf16_len(text[: len(text) - len(text.lstrip(_TRIMMED))])
    stripped = text.strip(_TRIMMED)
    end = lead + utf16_len(stripped)
    entities = []
    for entity in formatted.entities:
        start = max(entity["offset"], lead)
        stop = min(entity["offset"] + entity["length"], end)
        if stop > start:
            entities.append({**entity, "offset": start - lead, "length": stop - start})
    return FormattedText(stripped, sort_entities(entities))


def clip_entities(text: str, entities: list[Entity]) -> list[Entity]:
    """Keep only client-supplied entities that lie inside the text."""
    size = utf16_len(text)
    kept = []
    for entity in entities:
        offset, length = entity.get("offset"), entity.get("length")
        numbers = isinstance(offset, int) and isinstance(length, int)
        if numbers and 0 <= offset < offset + length <= size:
            kept.append(entity)
    return sort_entities(kept)


def format_text(text: str, parse_mode: str | None, entities: list[Entity] | None) -> FormattedText:
    """Apply parse_mode (or explicit entities, which win) and trim like Telegram.

    Only HTML is emulated, the one mode the product sends; any other mode raises ValueError, which
    the methods answer with Telegram's 400 for an invalid parse_mode."""
    if entities is not None:
        return trim(FormattedText(text, clip_entities(text, entities)))
    mode = (parse_mode or "").lower()
    if mode == "html":
        return trim(parse_html(text))
    if mode:
        raise ValueError("unsupported parse_mode")
    return trim(FormattedText(text))
