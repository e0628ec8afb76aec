"""Pure helpers for point-topic requests: receipt numbers, categories, reasons, ratings, links.

Nothing here touches the database, so each rule is easy to test (and property-test) alone.
"""

from __future__ import annotations

import re

OTHER = "other"
# Words that clearly name one category; a text naming none or several stays 其他 (issue 4 §1).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "finance": ("财务", "账目", "收支", "开支", "经费", "集体收入", "报销", "招待费"),
    "subsidy": ("补贴", "补助", "惠农", "一卡通"),
    "lowincome": ("低保", "救助", "困难户", "特困", "五保"),
    "project": ("工程", "项目", "修路", "施工", "建设", "招标"),
    "land": ("土地", "宅基地", "承包地", "征地", "流转", "林地"),
}

# SEC-01..03 and PT-10/SEC-07: the lawful reasons to refuse a topic; already_disclosed needs a link.
DECLINE_REASONS = (
    "state_secret",
    "commercial_secret",
    "privacy",
    "not_village_affairs",
    "already_disclosed",
)
REASON_WORDS: dict[str, tuple[str, ...]] = {
    "state_secret": ("state_secret", "国家秘密", "国家机密", "secret"),
    "commercial_secret": ("commercial_secret", "商业秘密", "commercial"),
    "privacy": ("privacy", "个人隐私", "隐私"),
    "not_village_affairs": ("not_village_affairs", "非村务", "不属于村务", "not_village"),
    "already_disclosed": ("already_disclosed", "已公开", "disclosed"),
}

# SAT-03: the three-level scale is a design choice; codes used in buttons and storage.
RATINGS = {"s": "satisfied", "b": "basic", "u": "unsatisfied"}

TEXT_MIN, TEXT_MAX = 5, 1000
ANSWER_MIN, ANSWER_MAX = 2, 2000
NOTE_MAX = 500

_RECEIPT = re.compile(r"DT[-－—_ ]?(\d{4})[-－—_ ]?(\d{1,8})", re.IGNORECASE)
_LINK = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]{3,300}", re.IGNORECASE)
_HEAD_TITLES = ("主任", "村长", "书记", "支书")


def format_receipt(year: int, number: int) -> str:
    """`DT-<year>-<4+ digits>`, unique per township (issue 4 §1)."""
    return f"DT-{year:04d}-{number:04d}"


def parse_receipt(text: str) -> str | None:
    """The canonical receipt in what a person typed (`dt-2026-42`, `DT2026-0042`…), or None."""
    match = _RECEIPT.fullmatch(text.strip())
    if not match:
        return None
    number = int(match.group(2))
    if number == 0:
        return None
    return format_receipt(int(match.group(1)), number)


def classify(text: str) -> str:
    """The category a text clearly names (exactly one category's words occur), else 其他."""
    named = [c for c, words in KEYWORDS.items() if any(w in text for w in words)]
    return named[0] if len(named) == 1 else OTHER


def reason_from(word: str) -> str | None:
    """A lawful refusal reason from its code or a Chinese/English name."""
    word = word.strip().lower()
    for reason, words in REASON_WORDS.items():
        if word in words:
            return reason
    return None


def find_link(text: str) -> str | None:
    """The first http(s) link in a text (an answer's link to a published disclosure)."""
    match = _LINK.search(text)
    return match.group(0).rstrip("。，,.;；)）") if match else None


def is_head_title(title: str | None) -> bool:
    """Whether an official's post names the village head (村委会主任, 村长, 书记)."""
    return bool(title) and any(word in title for word in _HEAD_TITLES)


def excerpt(text: str, limit: int = 60) -> str:
    """A short one-line preview of a text."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
