"""The topic categories the configuration and the topics wing both name (cn-practice §7.5)."""

from __future__ import annotations

# Free text + category (财务/补贴/低保/工程/土地/其他).
CATEGORIES = ("finance", "subsidy", "lowincome", "project", "land", "other")
# A routing rule may also name the village head, who gets every category without a rule.
ROUTE_CATEGORIES = (*CATEGORIES, "head")
