"""A household as the office and the lists write it: the household head's name (户主姓名) and the
village group (村民小组), each compared in one normal form so "三组", "第3组" and "3组" agree."""

from __future__ import annotations

import re
import unicodedata

NAME_MAX = 20
GROUP_MAX = 10

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_GROUP = re.compile(
    r"第?(?P<number>[0-9]{1,3}|[零〇一二两三四五六七八九十]{1,4})"
    r"(?:村民小组|村民组|小组|生产队|组|队|社)?"
)


def _folded(text: str) -> str:
    """NFKC (full-width letters and digits, the ideographic space) without any white space."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def household_key(name: str) -> str:
    """A household head's name as compared: 张 三, 张三 and full-width spaces are one name."""
    return _folded(name)


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 written in Chinese numerals; None for anything else."""
    if text.isascii():
        return int(text)
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 and text in _DIGITS else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or (tens and tens not in _DIGITS):
        return None
    if ones and ones not in _DIGITS:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def group_key(text: str) -> str:
    """A village group as compared: "三组", "第3组", "3组", "第三村民小组" are all "3"; a group
    written some other way (东队) is compared as written, without spaces."""
    folded = _folded(text)
    found = _GROUP.fullmatch(folded)
    number = _chinese_number(found["number"]) if found else None
    return str(number) if number else folded
