"""The words of a ledger's rows as accountants write them: balance rows, totals, section headings
and footers, recognised under item numbers (一、 1. （1）) and remarks in brackets."""

from __future__ import annotations

import re

from bot.services.disclosures.sheet_columns import normal

OPENING = frozenset(
    {
        "期初余额", "期初结余", "期初", "上期结余", "上期余额", "上季结余", "上季余额",
        "季初结余", "季初余额", "上月结余", "月初余额", "年初结余", "年初余额", "opening",
    }
)  # fmt: skip
CLOSING = frozenset(
    {
        "期末余额", "期末结余", "期末", "本期结余", "本期余额", "本季结余", "季末结余",
        "季末余额", "本月结余", "月末余额", "closing",
    }
)  # fmt: skip
INCOME_HEADINGS = frozenset({"收入", "本期收入", "收入项目", "收入部分", "income"})
EXPENSE_HEADINGS = frozenset({"支出", "本期支出", "支出项目", "支出部分", "expense"})
SUBTOTALS = ("小计", "本月合计", "本页合计", "本月小计")
TOTALS = ("合计", "总计", "total")
# Signatures and remarks under a table (cn-practice §3.2 footer): never a ledger line.
FOOTERS = (
    "编制", "制表", "审核", "审批", "监委", "村务监督", "报账员", "会计", "出纳", "负责人",
    "村委会主任", "公开日期", "公开期限", "监督电话", "注", "说明", "填报", "政策依据",
    "公示期", "公示时间", "异议", "举报", "联系电话", "村委会", "盖章",
)  # fmt: skip

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[、.)]|[①-⑳])"
)
_BRACKETS = re.compile(r"\([^)]*\)")


def without_number(text: str) -> str:
    """A row's label without its item number: ``1. 经营收入`` → ``经营收入``."""
    stripped = text.strip()
    match = _NUMBERING.match(normal(stripped))
    if not match:
        return stripped
    # The number is cut from the text as written; NFKC keeps its length for these characters.
    return stripped[len(match.group(0)) :].strip() or stripped


def label_key(text: str) -> str:
    """A label as compared: no item number, no remark in brackets, nothing after ``=``."""
    key = normal(text)
    key = _NUMBERING.sub("", key).split("=", 1)[0]
    return _BRACKETS.sub("", key).strip(":：")


def is_numbered(text: str) -> bool:
    """Whether a label starts with an item number (``1.``, ``一、``, ``（1）``)."""
    return bool(_NUMBERING.match(normal(text)))


def balance_kind(key: str) -> str | None:
    """ "opening" or "closing" for a balance row's label, else None."""
    if key in OPENING:
        return "opening"
    if key in CLOSING:
        return "closing"
    return None


def total_kind(key: str) -> str | None:
    """ "subtotal" or "total" for a totals row's label (合计 at either end), else None."""
    for word in (*SUBTOTALS, *TOTALS):  # 本月合计 is a subtotal, though it ends with 合计
        if key.startswith(normal(word)) or key.endswith(normal(word)):
            return "subtotal" if word in SUBTOTALS else "total"
    return None


def section_of(key: str) -> str | None:
    """ "income" or "expense" when a label names one side only (收入合计, 三、本期支出)."""
    income, expense = "收入" in key or "income" in key, "支出" in key or "expense" in key
    if income != expense:
        return "income" if income else "expense"
    return None


def heading_section(key: str) -> str | None:
    """The section a heading row opens (``二、本期收入``), else None."""
    if key in INCOME_HEADINGS:
        return "income"
    if key in EXPENSE_HEADINGS:
        return "expense"
    return None


def is_footer(text: str) -> bool:
    """Whether a cell opens a signature, remark or appendix under the table (编制人：…, 附：…)."""
    key = normal(text)
    if key.startswith(("附:", "附表")):
        return True
    return bool(_LEAD.match(key)) and key.startswith(tuple(normal(w) for w in FOOTERS))


_LEAD = re.compile(r"^[^:]{1,10}:")  # a few words then a colon: "编制人：张三"
