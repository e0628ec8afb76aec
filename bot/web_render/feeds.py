"""Atom feeds (RFC 4287) of new disclosures: the township's and each village's.

Built with ElementTree, so every text is escaped as XML; characters that XML 1.0 cannot carry
(control characters a resident might paste) are dropped first, so the feed always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.i18n import t_plain
from bot.web_render.disclosure_sections import Entry

ATOM = "http://www.w3.org/2005/Atom"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ET.register_namespace("", ATOM)


def xml_text(text: str) -> str:
    """Text that XML 1.0 can carry (control characters and lone surrogates removed)."""
    return _NOT_XML.sub("", text)


def atom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class FeedItem:
    entry: Entry
    published_at: datetime


@dataclass(frozen=True, slots=True)
class AtomEntry:
    """Any other entry (e.g. a feedback-wall post): plain text, escaped here."""

    url: str
    title: str
    updated: datetime
    published: datetime
    category: str
    summary: str


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = xml_text(text)
    return element


def atom_feed(
    *,
    language: str,
    base_url: str,
    self_path: str,
    alternate_path: str,
    title: str,
    author: str,
    items: Sequence[FeedItem],
    updated: datetime | None,
    extra: Sequence[AtomEntry] = (),
) -> bytes:
    """One Atom document: feed id/title/updated/author/links, one entry per published version
    and one per `extra` entry, newest first."""
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language})
    _sub(feed, "id", f"{base_url}{self_path}")
    _sub(feed, "title", title)
    _sub(feed, "updated", atom_time(updated or EPOCH))
    _sub(_sub(feed, "author"), "name", author)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=f"{base_url}{self_path}")
    _sub(feed, "link", rel="alternate", type="text/html", href=f"{base_url}{alternate_path}")
    _sub(feed, "generator", "village-disclosure-bot")
    entries = [_disclosure_entry(language, base_url, item) for item in items]
    entries.extend(extra)
    entries.sort(key=lambda e: e.updated, reverse=True)  # stable: equal times keep their order
    for e in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", e.url)
        _sub(entry, "title", e.title)
        _sub(entry, "updated", atom_time(e.updated))
        _sub(entry, "published", atom_time(e.published))
        _sub(entry, "link", rel="alternate", type="text/html", href=e.url)
        _sub(entry, "category", term=xml_text(e.category))
        _sub(entry, "summary", e.summary, type="text")
    # The same bytes as tostring(encoding="utf-8", xml_declaration=True), a fifth faster:
    # serialised to text once and encoded once, not through an encoder per element.
    return (_DECLARATION + ET.tostring(feed, encoding="unicode")).encode()


def _disclosure_entry(language: str, base_url: str, item: FeedItem) -> AtomEntry:
    e = item.entry
    summary = t_plain(
        language,
        "web.feed.entry_summary",
        village=e.village_name,
        category=e.category,
        period=e.period,
        version=e.version,
    )
    if e.status == "superseded":
        summary += t_plain(language, "web.feed.entry_superseded")
    return AtomEntry(
        f"{base_url}/d/{e.id}", e.title, item.published_at, item.published_at, e.category, summary
    )
