"""The search index of what is public: published disclosures (`disclosure_search`) and the
feedback wall's posts (`wall_search`), both FTS5 tables with the `unicode61` tokenizer over
pre-tokenised text.

Chinese (and numbers) are stored as overlapping two-character pairs plus each run's last
character, so a word is found wherever it stands without spaces (光伏 and 分红 in 光伏电站分红,
ARC-10); other words are tokens of their own, found by their beginning. Queries are index
lookups, never a scan of the texts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlite_utils import Database

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Chinese and numbers are cut into pairs (a part of either may be looked for: 5678 in a number
# shown as 138****5678); other words stay whole.
_RUN = re.compile(f"(?P<pairs>[{_HAN}]+|[0-9]+)|[^\\W_{_HAN}0-9]+")


@dataclass(frozen=True, slots=True)
class DisclosureHit:
    """A published version matching a query, with the public texts it was indexed from."""

    id: int
    title: str
    body: str
    rows: str


def _runs(text: str) -> list[tuple[str, bool]]:
    """The runs of Chinese characters, of digits and of other letters, each with "cut in pairs"."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    return [(m.group(), m.group("pairs") is not None) for m in _RUN.finditer(normal)]


def _pairs(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_words(text: str) -> str:
    """Text as the index stores it: space-separated tokens (pairs of Chinese characters or digits
    and the last of each run, every other word whole)."""
    tokens: list[str] = []
    for run, paired in _runs(text):
        tokens += [*_pairs(run), run[-1]] if paired else [run]
    return " ".join(tokens)


def match_expression(words: list[str]) -> str | None:
    """An FTS5 query that every word must match: a run of two or more Chinese characters or digits
    as the phrase of its pairs (the run itself, anywhere), a single one or other word as a prefix.
    None when the words hold nothing to look up."""
    parts: list[str] = []
    for word in words:
        for run, paired in _runs(word):
            if paired and len(run) > 1:
                parts.append('"' + " ".join(_pairs(run)) + '"')
            else:
                parts.append(f'"{run}" *')
    return " AND ".join(parts) or None


# Texts and words as `holds` compares them, kept per string: a village's recent topics are read
# again at every filing, and the same few words are looked for in each.
_FORMS = 4096


@lru_cache(maxsize=_FORMS)
def _text_form(text: str) -> tuple[str, str]:
    """The text's runs cut in pairs, one space between runs, and its other words, each after a
    space and without accents (unicode61 drops them), for substring tests."""
    runs = _runs(text)
    paired = " ".join(run for run, pairs in runs if pairs)
    other = "".join(" " + _plain(run) for run, pairs in runs if not pairs)
    return paired, other


@lru_cache(maxsize=_FORMS)
def _needles(word: str) -> tuple[tuple[str, bool], ...]:
    """What `match_expression([word])` asks, as substrings: each run of Chinese or digits
    (in a paired run), each other word (at a word's start), with whether it is paired."""
    return tuple((run, True) if pairs else (" " + _plain(run), False) for run, pairs in _runs(word))


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def holds(text: str, word: str) -> bool:
    """Whether the index would find the text by `match_expression([word])`, answered without it:
    the phrase of a run's pairs is the run standing within one run of the text, a single
    character is one anywhere in such a run, another word begins one of the text's words."""
    needles = _needles(word)
    return bool(needles) and _found(_text_form(text), needles)


def word_counts(texts: Iterable[str], words: Iterable[str]) -> dict[str, int]:
    """How many of the texts hold each word (as `holds` says): its document frequency."""
    forms = [_text_form(text) for text in texts]
    counts = {}
    for word in words:
        needles = _needles(word)
        if len(needles) == 1 and needles[0][1]:  # one run of Chinese or digits: the usual word
            counts[word] = sum(needles[0][0] in paired for paired, _ in forms)
        else:  # nothing to look up (punctuation) counts nowhere, as in the index
            counts[word] = sum(bool(needles) and _found(form, needles) for form in forms)
    return counts


def _found(form: tuple[str, str], needles: tuple[tuple[str, bool], ...]) -> bool:
    paired, other = form
    return all(needle in (paired if pairs else other) for needle, pairs in needles)


def index_disclosure(db: Database, disclosure_id: int, title: str, body: str, rows: str) -> None:
    """Make a published version findable (its title, body and public table rows)."""
    db.execute("DELETE FROM disclosure_search WHERE rowid = ?", [disclosure_id])
    db.execute(
        "INSERT INTO disclosure_search "
        "(rowid, title, body, rows, title_words, body_words, rows_words) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [disclosure_id, title, body, rows, *map(index_words, (title, body, rows))],
    )


def index_wall_post(db: Database, topic_id: int, question: str, answer: str) -> None:
    """Make a topic findable on the wall by its question and current answer (or refusal)."""
    db.execute("DELETE FROM wall_search WHERE rowid = ?", [topic_id])
    db.execute(
        "INSERT INTO wall_search (rowid, question_words, answer_words) VALUES (?, ?, ?)",
        [topic_id, index_words(question), index_words(answer)],
    )


# A word in a title weighs more than one in the body or a table row; the stored texts none.
DISCLOSURE_RANK = "bm25(disclosure_search, 0, 0, 0, 4.0, 1.0, 1.0)"
WALL_RANK = "bm25(wall_search, 1.0, 1.0)"


# Ranking reads each match's length (bm25): a word in most of a county's 20,000 items or 100,000
# posts would cost that many reads per search. Only the newest RANK_WINDOW matches are ranked (one
# walk of the index, newest first, stopped by the LIMIT), so a search costs the same however common
# its word; a query with fewer matches is ranked whole, and so is one village's search (its matches
# are bounded by the village's size, and walking the index backwards to skip other villages' costs
# more than ranking them). The texts are read for the page alone.
RANK_WINDOW = 1000
NEWEST, SHOWN = "newest_matches", "shown_matches"  # named in tests/test_query_plans.py


def newest_first(
    rowid: str, village_code: str | None, params: list[object]
) -> tuple[str, list[object]]:
    """The clause keeping a county-wide search's newest RANK_WINDOW matches (none for one
    village's), and the parameters with its own."""
    if village_code is not None:
        return "", params
    return f"ORDER BY {rowid} DESC LIMIT ?", [*params, RANK_WINDOW]


def find_disclosures(
    db: Database,
    words: list[str],
    village_code: str | None,
    limit: int,
    offset: int = 0,
    *,
    among: Collection[str] | None = None,
) -> list[DisclosureHit]:
    """Indexed versions matching every word, best match first (then the newest) among the newest
    RANK_WINDOW matches county-wide (or `among` those villages: a township's), `limit` from
    `offset` on."""
    expression = match_expression(words)
    if expression is None:
        return []
    where, params = "disclosure_search MATCH ?", [expression]
    if village_code is not None:
        where += " AND d.village_code = ?"
        params.append(village_code)
    elif among is not None:
        where += f" AND d.village_code IN ({', '.join('?' * len(among))})"
        params += sorted(among)
    window, params = newest_first("disclosure_search.rowid", village_code, params)
    sql = (
        f"WITH {NEWEST} AS (SELECT disclosure_search.rowid AS id, {DISCLOSURE_RANK} AS score, "
        "d.published_at FROM disclosure_search "
        "JOIN disclosures d ON d.id = disclosure_search.rowid "
        f"WHERE {where} {window}), "
        f"{SHOWN} AS (SELECT * FROM {NEWEST} ORDER BY score, published_at DESC LIMIT ? OFFSET ?) "
        f"SELECT s.rowid AS id, s.title, s.body, s.rows FROM {SHOWN} "
        f"JOIN disclosure_search s ON s.rowid = {SHOWN}.id ORDER BY score, published_at DESC"
    )
    rows = db.query(sql, [*params, limit, offset])
    return [DisclosureHit(**r) for r in rows]
