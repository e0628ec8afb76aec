""" "A neighbour already asked this": the village's recent topic most like a new text, if any.

Both texts are cut into words (jieba); each word weighs by how rare it is among the village's
recent topics (IDF), one-character words weigh half, and the stock words of any request (请,
公开, 村里, 费用…) weigh little, so two texts sharing only those never match. Similarity is the
weighted Jaccard of the two word sets. The village's recent topics are read once (by index,
bounded by the window); a word is counted in them as the search index would find it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlite_utils import Database

from bot.core.search_terms import words_in
from storage import topic_follows, topics
from storage.search_index import holds, word_counts
from storage.topic_follows import RecentTopic
from storage.topics import Topic

# Weighted Jaccard at or above which two texts ask the same thing.
THRESHOLD = 0.5
# Words that carry no meaning of their own in a request: left out altogether.
_FUNCTION_WORDS = (
    "的 了 吗 呢 吧 啊 呀 是 和 与 及 或 在 有 我 你 他 她 们 我们 大家 也 都 就 还 又 把 被 给 "
    "对 从 这 那 这个 那个 一下 一些 请 请问 能 能否 能不能 可以 是否 什么 怎么 怎么样 为什么 "
    "多少 哪些 到底 一直 现在 已经 希望 麻烦 谢谢"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
# Words almost every request holds: they count, but little (a tenth of a word).
_STOCK_WORDS = "公开 村里 村 村委 村委会 村民 费用 钱 问题 情况 明细 说明 事情 今年 去年 时候"
STOCK_WORDS = frozenset(_STOCK_WORDS.split())
STOCK_WEIGHT = 0.1
# A one-character word (花, 路) says less than a longer one: half a word.
SHORT_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class Similar:
    """The recent topic found and how alike the two texts are (0–1)."""

    topic: Topic
    score: float


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """The words of a text that can tell two requests apart (cut once per text: a village's
    recent topics are the candidates of filing after filing)."""
    return frozenset(w for w in words_in(text) if w not in FUNCTION_WORDS)


def _plain_weight(word: str) -> float:
    """A word's weight before its rarity: stock words and one-character words count less."""
    if word in STOCK_WORDS:
        return STOCK_WEIGHT
    return SHORT_WEIGHT if len(word) == 1 else 1.0


def _weights(recent: list[RecentTopic], new: frozenset[str], words: set[str]) -> dict[str, float]:
    """IDF weights of the words over the village's recent topics, the new text counted as one of
    them."""
    total = len(recent) + 1
    held = word_counts((t.text for t in recent), words)
    return {
        word: (1 + math.log((total + 1) / (n + (word in new) + 1))) * _plain_weight(word)
        for word, n in held.items()
    }


def likeness(mine: frozenset[str], theirs: frozenset[str], weight) -> float:
    """Weighted Jaccard of two word sets: what they share over all they hold, by weight."""
    union = sum(weight(w) for w in mine | theirs)
    return sum(weight(w) for w in mine & theirs) / union if union else 0.0


def find_similar(
    db: Database, village: str, text: str, requester: int, now: datetime, days: int
) -> Similar | None:
    """The village's recent open or answered topic (not the requester's own) asking the same
    as `text`, the most alike (then the newest); None when none is alike enough."""
    mine = content_words(text)
    telling = sorted(w for w in mine if w not in STOCK_WORDS)
    if not telling:
        return None  # only stock words: nothing to recognise a request by
    recent = topic_follows.recent(db, village, now - timedelta(days=days))
    # A candidate shares a telling word (stock words alone tell nothing apart); only the
    # candidates are cut into words.
    found = [
        t for t in recent if t.requester_id != requester and any(holds(t.text, w) for w in telling)
    ]
    if not found:
        return None
    theirs = [content_words(t.text) for t in found]
    weights = _weights(recent, mine, mine.union(*theirs)).__getitem__
    score, best = max(
        (likeness(mine, words, weights), t.id) for t, words in zip(found, theirs, strict=True)
    )
    topic = topics.get(db, best) if score >= THRESHOLD else None
    return Similar(topic, score) if topic is not None else None
