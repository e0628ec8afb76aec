"""Disclosures on the public pages: the board hooks, list entries and display helpers.

`add_disclosure_sections(sections)` plugs into `board.BoardSections`:
- a figure on each village's row of the index and board: the quarterly disclosure status (on time,
  late, missing, or not yet due) for the quarter now being disclosed (SCH-01, SCH-09);
- a block on the village board: the latest disclosures by category;
- blocks on the township index: the newest disclosures of every village, and the head of the
  filing chain (SEC-11).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.core.local_time import local_time
from bot.core.village_names import village_names
from bot.services.bundle import Services
from bot.services.disclosures.disclosure_pages import DisclosureBoard
from bot.services.disclosures.quarter_figures import QuarterStatus
from bot.services.money import format_fen
from bot.web_render.page_sections import BoardSections, Section, Stat, Tone
from storage.disclosure_board import PublicItem
from storage.villages import Village

TONES: dict[str, Tone] = {"on_time": "good", "late": "warn", "missing": "bad", "pending": "plain"}
TOWNSHIP_LATEST = 10


class Phrase(str):
    """A figure's value that is a catalogue message, shown in the reader's language.

    It is a `str` (the key) so it fits `Stat.value`; `stats.html` renders `_(phrase, **params)`.
    """

    phrase: str
    params: dict[str, object]

    def __new__(cls, key: str, **params: object) -> Phrase:
        made = super().__new__(cls, key)
        made.phrase = key
        made.params = params
        return made


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a list of disclosures, ready to show."""

    id: int
    title: str
    category: str
    period: str
    village_code: str
    village_name: str
    published: str  # local time, to the minute
    status: str
    version: int
    major: bool


def local_date(day: date) -> str:
    return day.isoformat()


def yuan(fen: int | None, *, sign: bool = False) -> str:
    return "" if fen is None else format_fen(fen, sign=sign)


def entries(board: DisclosureBoard, items: Sequence[PublicItem]) -> list[Entry]:
    names = village_names(board.store.db, {i.village_code for i in items})
    out = []
    for i in items:
        out.append(
            Entry(
                i.id,
                i.title,
                i.category,
                i.period,
                i.village_code,
                names[i.village_code],
                local_time(i.published_at, board.tz),
                i.status,
                i.version,
                i.major,
            )
        )
    return out


def quarter_stat(status: QuarterStatus) -> Stat:
    """The figure for one village's quarter: label names the period, value the state."""
    value = Phrase(
        f"web.quarter.{status.state}",
        deadline=local_date(status.deadline),
        period=status.period,
    )
    return Stat(Phrase("web.quarter.label"), value, TONES[status.state])


def quarter_stats(services: Services, villages: Sequence[Village]) -> dict[str, list[Stat]]:
    """Each village's quarter, every village's read at once (one read per page, not per row)."""
    statuses = services.disclosures.board.quarter_statuses([v.code for v in villages])
    return {v.code: [quarter_stat(statuses[v.code])] for v in villages if v.code in statuses}


@dataclass(frozen=True, slots=True)
class LatestBlock:
    """The village board's block: entries by category, and the feed link."""

    village_code: str
    categories: tuple[tuple[str, tuple[Entry, ...]], ...]


def latest_section(services: Services, village: Village, language: str) -> Section:
    board = services.disclosures.board
    grouped = tuple(
        (category, tuple(entries(board, items)))
        for category, items in board.latest_by_category(village.code)
    )
    return Section(
        "sections/disclosures_latest.html",
        "web.disc.latest_heading",
        LatestBlock(village.code, grouped),
        anchor="disclosures",
    )


def township_section(services: Services, language: str) -> Section:
    board = services.disclosures.board
    return Section(
        "sections/disclosures_township.html",
        "web.disc.township_heading",
        tuple(entries(board, board.recent(limit=TOWNSHIP_LATEST))),
        anchor="latest-disclosures",
    )


def chain_section(services: Services, language: str) -> Section | None:
    """The filing chain's head (SEC-11), for anyone to note down and check later."""
    head = services.disclosures.board.chain_head()
    if head is None:
        return None
    return Section(
        "sections/disclosures_chain.html", "web.disc.chain_heading", head, anchor="filing-chain"
    )


def add_disclosure_sections(sections: BoardSections) -> BoardSections:
    """Plug the disclosure parts into the pages (returns the same object)."""
    sections.village_stats.append(quarter_stats)
    sections.village_sections.insert(0, latest_section)
    sections.township_sections.insert(0, township_section)
    sections.township_sections.insert(1, chain_section)
    return sections
