"""The money unit a sheet is written in (元, 千元 or 万元): a unit line above the table
("单位：万元", "金额单位：元", "（万元）") and a unit in a column's title ("金额（万元）"); 元 when
none is said.

Units are powers of ten (``bot.services.money.UNIT_NAMES``); amounts are scaled exactly when read.
The layouts are those villages keep (cn-practice §3: title and unit lines above the table).
"""

from __future__ import annotations

import re
import unicodedata

from bot.services.money import UNIT_NAMES

_UNITS = {name: power for power, name in UNIT_NAMES.items()} | {"人民币元": 0, "人民币万元": 4}
_WORDS = "|".join(sorted(_UNITS, key=len, reverse=True))
# "单位：万元", "金额单位: 元", "单位（万元）" anywhere in a cell; a cell that is only "（万元）".
_LINE = re.compile(rf"单位[:：]?\s*[(（]?\s*({_WORDS})(?![/每])")
_ALONE = re.compile(rf"^[(（]\s*({_WORDS})\s*[)）]$")
# A unit in a title: "金额(万元)", "本期金额（单位：万元）", "收入万元"; never "元/亩".
_TITLE = re.compile(rf"[(（]\s*(?:单位[:：]?\s*)?({_WORDS})\s*[)）]|(万元|千元)$")


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def unit_line(text: str) -> int | None:
    """The unit a line above the table declares (``单位：万元`` → 4), else None."""
    folded = _folded(text)
    found = _LINE.search(folded) or _ALONE.match(folded)
    return _UNITS[found.group(1)] if found else None


def title_unit(title: str) -> int | None:
    """The unit a column's title names (``金额（万元）`` → 4), else None."""
    found = _TITLE.search(_folded(title))
    return _UNITS[found.group(1) or found.group(2)] if found else None


def sheet_unit(lines: list[list[str]]) -> int:
    """The unit the lines above the header declare, the nearest to the header first; 元 if none."""
    for texts in reversed(lines):
        for text in texts:
            if (unit := unit_line(text)) is not None:
                return unit
    return 0


def column_units(titles: list[str], default: int) -> dict[int, int]:
    """Each column's unit other than 元: its title's unit, else the sheet's."""
    units = {}
    for index, title in enumerate(titles):
        unit = title_unit(title) if title else None
        unit = default if unit is None else unit
        if unit:
            units[index] = unit
    return units
