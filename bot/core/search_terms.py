"""The words of a search box, split the same way for disclosures and topics, and where they stand
in a text found: Chinese typed without spaces is cut into words (jieba), so 光伏分红 looks for
光伏 and 分红 wherever each stands (ARC-10)."""

from __future__ import annotations

import html
import logging
import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.compact_words import CompactTokenizer

SEARCH_TERMS_MAX = 5
SEARCH_WORDS_MAX = 10
QUERY_MAX = 100
EXCERPT_WIDTH = 60

_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def search_terms(text: str) -> list[str]:
    """The words to look for: at most five typed words (spaces or commas between them), each
    cut into the words it holds, punctuation dropped."""
    text = text[:QUERY_MAX].replace("，", " ").replace(",", " ").replace("、", " ")
    words: list[str] = []
    for typed in text.split()[:SEARCH_TERMS_MAX]:
        for word in _tokenizer().lcut(typed):
            if _LETTER_OR_DIGIT.search(word) and word not in words:
                words.append(word)
    return words[:SEARCH_WORDS_MAX]


def words_in(text: str) -> set[str]:
    """Every word a whole text holds (jieba), letters casefolded, punctuation dropped."""
    return {w.casefold() for w in _tokenizer().lcut(text) if _LETTER_OR_DIGIT.search(w)}


def warm() -> None:
    """Load jieba and its dictionary now (about a second): run in a worker thread at start, so
    the first topic or search does not hold the event loop for it."""
    _tokenizer().initialize()


@cache
def _tokenizer() -> CompactTokenizer:
    """jieba's tokenizer on its own dictionary, made on the first search rather than at start
    (jieba is slow to import); the compact one holds the same words in half the memory."""
    from bot.core.compact_words import TOKENIZER, jieba

    jieba.setLogLevel(logging.WARNING)
    return TOKENIZER


def _pattern(words: list[str]) -> re.Pattern[str] | None:
    wanted = sorted({w for w in words if w}, key=len, reverse=True)
    if not wanted:
        return None
    return re.compile("|".join(map(re.escape, wanted)), re.IGNORECASE)


def marked_parts(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """The text in pieces, each with whether it is one of the words (for highlighting)."""
    pattern = _pattern(words)
    if pattern is None or not text:
        return [(text, False)] if text else []
    parts: list[tuple[str, bool]] = []
    start = 0
    for m in pattern.finditer(text):
        if m.start() > start:
            parts.append((text[start : m.start()], False))
        parts.append((m.group(), True))
        start = m.end()
    if start < len(text):
        parts.append((text[start:], False))
    return parts


def marked_html(text: str, words: list[str], tag: str) -> str:
    """The text escaped for HTML with each of the words in `<tag>`: the one highlighter of the
    web's search (`mark`) and the bot's /search (`b`, Telegram's HTML)."""
    return "".join(
        f"<{tag}>{html.escape(part)}</{tag}>" if hit else html.escape(part)
        for part, hit in marked_parts(text, words)
    )


def excerpt(texts: list[str], words: list[str], width: int = EXCERPT_WIDTH) -> str:
    """About `width` characters around the first of the words in the first text holding one,
    with … where the text was cut; empty when none holds any."""
    pattern = _pattern(words)
    if pattern is None:
        return ""
    for text in texts:
        line = " ".join(text.split())
        m = pattern.search(line)
        if m is None:
            continue
        start = max(0, m.start() - width // 3)
        end = min(len(line), start + width)
        return ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")
    return ""
