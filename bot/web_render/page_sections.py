"""What the public pages show, as plain data: the township index and one village's board.

Each page is a fixed frame (the village, its members, its join link) plus *sections* that the
disclosure and topic features plug in. A section is only shown when its provider returns one, so
a page never displays a placeholder number that does not exist yet.

How another feature adds to the pages (e.g. disclosures, topics)::

    from bot.web_render.page_sections import BoardSections, Section, Stat

    def disclosure_status(services, villages):       # cells of each village's index row
        return {v.code: [Stat("web.stats.disclosure", "按时", tone="good")] for v in villages}

    def latest_disclosures(services, village, language):   # one block on the village board
        return Section("sections/disclosures.html", "web.board.disclosures", data=...)

    sections = BoardSections()
    sections.village_stats.append(disclosure_status)
    sections.village_sections.append(latest_disclosures)

`handlers/web/app.py` builds the one `BoardSections` the app uses (`default_sections()`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.core.periods import quarter_of
from bot.services import figure_memory
from bot.services.bundle import Services
from bot.services.topics.stats import percent
from bot.web_render.qr import join_link
from storage import members
from storage.villages import Village

Tone = Literal["plain", "good", "warn", "bad"]


@dataclass(frozen=True, slots=True)
class Stat:
    """One labelled figure; `label` is a catalogue key, `value` is shown as it is."""

    label: str
    value: str | int
    tone: Tone = "plain"


@dataclass(frozen=True, slots=True)
class Section:
    """A block of a page: its template under `bot/templates/`, its heading key and its data."""

    template: str
    heading: str
    data: object = None
    anchor: str = ""


# Figures for these villages, by code (a village left out has none): one call per page, so an
# index of a county's hundreds of villages reads each figure once for all of them.
StatProvider = Callable[[Services, Sequence[Village]], Mapping[str, list[Stat]]]
SectionProvider = Callable[[Services, Village, str], "Section | None"]
TownshipProvider = Callable[[Services, str], "Section | None"]


@dataclass(slots=True)
class BoardSections:
    """The pluggable parts of the pages, in display order."""

    village_stats: list[StatProvider] = field(default_factory=list)
    village_sections: list[SectionProvider] = field(default_factory=list)
    township_sections: list[TownshipProvider] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class VillageRow:
    code: str
    name: str
    stats: tuple[Stat, ...]


@dataclass(frozen=True, slots=True)
class TownshipIndex:
    township: str
    villages: tuple[VillageRow, ...]
    sections: tuple[Section, ...]
    code: str | None = None  # a township of a county (its page /z/<code>)


@dataclass(frozen=True, slots=True)
class CountyIndex:
    county: str
    period: str
    townships: tuple[VillageRow, ...]
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class VillageBoard:
    township: str
    code: str
    name: str
    stats: tuple[Stat, ...]
    join_link: str | None
    sections: tuple[Section, ...]
    township_code: str | None = None  # a county's: the board links back to its township


def member_stats(services: Services, villages: Sequence[Village]) -> dict[str, list[Stat]]:
    """How many residents have joined each village in the bot, and how many staff it has;
    remembered per village version (a township's 20 villages are 20,000 residents)."""
    db, codes = services.store.db, [v.code for v in villages]

    def count(stale: Sequence[str]) -> dict[str, tuple[int, int]]:
        residents = members.people_counts(db, stale, ("resident",))
        staff = members.people_counts(db, stale, ("official", "supervisor"))
        return {code: (residents.get(code, 0), staff.get(code, 0)) for code in stale}

    counted = figure_memory.village_figures(db, ("members",), codes, count)
    return {
        code: [
            Stat("web.stats.residents", counted[code][0]),
            Stat("web.stats.staff", counted[code][1]),
        ]
        for code in codes
    }


def default_sections() -> BoardSections:
    """What every page shows today; the disclosure and topic features append theirs."""
    return BoardSections(village_stats=[member_stats])


def _stats(
    services: Services, sections: BoardSections, villages: Sequence[Village]
) -> dict[str, tuple[Stat, ...]]:
    """Each village's figures, every provider asked once for all of them."""
    found = [provider(services, villages) for provider in sections.village_stats]
    return {v.code: tuple(stat for got in found for stat in got.get(v.code, ())) for v in villages}


def _blocks(services: Services, sections: BoardSections, language: str) -> tuple[Section, ...]:
    return tuple(
        block
        for provider in sections.township_sections
        if (block := provider(services, language)) is not None
    )


def township_index(
    services: Services, sections: BoardSections, language: str, township_code: str | None = None
) -> TownshipIndex | None:
    """Every active village (of one township of a county, when named) with its figures, and
    the township-wide sections; None for an unknown township."""
    if township_code is None:
        name, found = services.config.township.name, services.membership.villages()
    elif (place := services.county.township(township_code)) is None:
        return None
    else:
        name, found = place[0].name, place[1]
    stats = _stats(services, sections, found)
    rows = tuple(VillageRow(v.code, v.name, stats[v.code]) for v in found)
    return TownshipIndex(name, rows, _blocks(services, sections, language), township_code)


def county_index(services: Services, sections: BoardSections, language: str) -> CountyIndex:
    """A county's townships side by side, with this quarter's figures (issue 13 §1)."""
    period = quarter_of(services.ctx.local_date(services.ctx.now()))
    rows = []
    for f in services.county.figures(period):
        c = f.counts
        stats = (
            Stat("web.county.villages", str(f.villages)),
            Stat("web.county.filed", str(c.filed)),
            Stat("web.county.answered", str(c.answered)),
            Stat("web.county.on_time", percent(c.on_time_rate)),
            Stat("web.county.overdue", str(c.overdue), "bad" if c.overdue else "plain"),
            Stat("web.county.published", f"{f.published}/{f.villages}"),
        )
        rows.append(VillageRow(f.code, f.name, stats))
    blocks = _blocks(services, sections, language)
    return CountyIndex(services.config.county_name, period.text, tuple(rows), blocks)


def village_board(
    services: Services, sections: BoardSections, village: Village, bot_username: str, language: str
) -> VillageBoard:
    """One village's page: its figures, its join link and the feature sections."""
    blocks = tuple(
        block
        for provider in sections.village_sections
        if (block := provider(services, village, language)) is not None
    )
    place = services.config.township_of(village.code)
    return VillageBoard(
        township=place.name if place else services.config.township.name,
        code=village.code,
        name=village.name,
        stats=_stats(services, sections, [village])[village.code],
        join_link=join_link(bot_username, village.code) if bot_username else None,
        sections=blocks,
        township_code=place.code if place and services.config.is_county else None,
    )
