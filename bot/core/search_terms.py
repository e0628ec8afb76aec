"""The words of a search box, split the same way for disclosures and topics."""

from __future__ import annotations

SEARCH_TERMS_MAX = 5
QUERY_MAX = 100


def search_terms(text: str) -> list[str]:
    """The words of a search box, as the bot's /search splits them (at most five)."""
    text = text[:QUERY_MAX].replace("，", " ").replace(",", " ").replace("、", " ")
    return [w for w in text.split() if w][:SEARCH_TERMS_MAX]
