"""The topic categories the configuration and the topics wing both name (cn-practice §7.5), and
the one lookup from what people type after a command to a category code."""

from __future__ import annotations

# Free text + category (财务/补贴/低保/工程/土地/其他).
CATEGORIES = ("finance", "subsidy", "lowincome", "project", "land", "other")
# A routing rule may also name the village head, who gets every category without a rule.
HEAD = "head"
ROUTE_CATEGORIES = (*CATEGORIES, HEAD)

# What people type for each code: the short name on the buttons, the disclosure category of the
# same matter (财务收支, 惠农补贴…) and the everyday word; the code itself is always accepted.
_NAMES: dict[str, tuple[str, ...]] = {
    "finance": ("财务", "财务收支", "收支", "账目"),
    "subsidy": ("补贴", "惠农补贴", "补助"),
    "lowincome": ("低保", "救灾救助/低保", "救助", "救灾救助"),
    "project": ("工程", "工程项目", "项目"),
    "land": ("土地", "宅基地"),
    "other": ("其他", "其它"),
    HEAD: ("村主任", "主任", "村长"),
}
_LOOKUP = {name: code for code, names in _NAMES.items() for name in (code, *names)}


def category_named(word: str, *, head: bool = False) -> str | None:
    """The category code a typed word names (`finance`, 财务, 财务收支…), or None; `head`
    also accepts the village head of a routing rule."""
    code = _LOOKUP.get(word.strip().lower())
    if code == HEAD and not head:
        return None
    return code
