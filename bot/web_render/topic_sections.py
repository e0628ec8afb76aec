"""Point-topic requests on the public pages: the board hooks, the wall blocks, the topic timeline
as sentences, the statistics charts and the feed entries.

`add_topic_sections(sections)` plugs into `board.BoardSections`:
- figures on each village's row of the index and its board: topics being handled now, overdue
  now, and this year's on-time rate (按时办结率) and satisfaction rate (满意率) — the same
  definitions as the bot's /stats (`bot/services/topics/stats.py`);
- a block on the village board: the newest posts of its feedback wall (回音壁);
- a block on the township index: the newest wall posts of every village.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.local_time import local_time
from bot.core.timeline import TimelineEntry
from bot.i18n import Term, t_plain
from bot.services.bundle import Services
from bot.services.topics.stats import Counts, days, percent
from bot.services.topics.text import excerpt
from bot.services.topics.wall_pages import (
    WALL_STATUSES,
    TopicBoard,
    TopicStats,
    VillageTopicFigures,
    WallPost,
)
from bot.web_render.charts import Bar, Chart, bar_chart
from bot.web_render.disclosure_sections import Phrase
from bot.web_render.feeds import AtomEntry
from bot.web_render.page_sections import BoardSections, Section, Stat, Tone
from bot.web_render.templates import has_message
from storage.villages import Village

BOARD_POSTS = 5
TOWNSHIP_POSTS = 5
GOOD_RATE = 0.9


def topic_board_of(services: Services) -> TopicBoard:
    """The public view of topics, on the topic service's clock."""
    return TopicBoard(services.store, services.config, now=services.clock.now)


def category_name(language: str, category: str) -> str:
    key = f"topics.category.{category}"
    return t_plain(language, key) if key_exists(language, key) else category


def key_exists(language: str, key: str) -> bool:
    return has_message(language, key)


def timely_text(language: str, on_time: bool) -> str:
    return t_plain(language, "web.topic.on_time" if on_time else "web.topic.late")


def step_text(language: str, step: TimelineEntry) -> str:
    """One timeline line as a sentence in the reader's language (plain text)."""
    p = step.params
    none = "—"
    if step.action == "urged":
        return t_plain(
            language, "web.timeline.urged_auto" if p.get("auto") else "web.timeline.urged"
        )
    params: dict[str, object] = {}
    for name, value in p.items():
        if name == "on_time":
            params["timely"] = timely_text(language, bool(value))
        elif name == "reason":
            params["reason"] = Term(f"topics.reason.{value}") if value else none
        elif name == "rating":
            params["rating"] = Term(f"topics.rating.{value}") if value else none
        else:
            params[name] = none if value in (None, "") else value
    return t_plain(language, f"web.timeline.{step.action}", **params)


def status_text(language: str, status: str, reopened: int = 0) -> str:
    if status == "assigned" and reopened:
        return t_plain(language, "web.topic.status_reopened")
    return t_plain(language, f"web.topic.status_{status}")


# -- board hooks -----------------------------------------------------------------------------


def _rate_tone(rate: float | None) -> Tone:
    if rate is None:
        return "plain"
    return "good" if rate >= GOOD_RATE else "warn"


def topic_stats(services: Services, villages: Sequence[Village]) -> dict[str, list[Stat]]:
    """Open and overdue topics now; this year's rates only when something was counted (a page
    never shows a placeholder figure). One village's page counts that village only, an index
    counts its villages in one pass."""
    board = topic_board_of(services)
    if len(villages) == 1:
        found = board.figures(village_code=villages[0].code)
    else:
        found = board.figures(within=frozenset(v.code for v in villages))
    return {v.code: _figure_stats(found[v.code]) for v in villages if v.code in found}


def _figure_stats(figures: VillageTopicFigures) -> list[Stat]:
    c = figures.counts
    stats = [
        Stat(Phrase("web.topics.open"), Phrase("web.topics.count", count=figures.open)),
        Stat(
            Phrase("web.topics.overdue"),
            Phrase("web.topics.count", count=figures.overdue),
            "bad" if figures.overdue else "plain",
        ),
    ]
    for label, rate in (
        ("web.topics.on_time_rate", c.on_time_rate),
        ("web.topics.satisfaction_rate", c.satisfaction_rate),
    ):
        if rate is not None:
            stats.append(Stat(Phrase(label), percent(rate), _rate_tone(rate)))
    return stats


@dataclass(frozen=True, slots=True)
class PostView:
    """A wall post with its dates in local time, ready for `templates/topic_posts.html`."""

    post: WallPost
    filed: str  # local date
    answered: str  # local date and time


def post_views(posts: Sequence[WallPost], tz: ZoneInfo) -> tuple[PostView, ...]:
    return tuple(
        PostView(p, local_time(p.filed_at, tz)[:10], local_time(p.answer.at, tz)) for p in posts
    )


@dataclass(frozen=True, slots=True)
class WallBlock:
    """The village board's block: the newest posts and where the whole wall is."""

    village_code: str | None
    posts: tuple[PostView, ...]
    categories: tuple[str, ...]
    statuses: tuple[str, ...]


def wall_section(services: Services, village: Village, language: str) -> Section:
    board = topic_board_of(services)
    posts = post_views(board.recent(village.code, BOARD_POSTS), board.tz)
    return Section(
        "sections/topics_wall.html",
        "web.wall.heading",
        WallBlock(village.code, posts, board.categories, tuple(WALL_STATUSES)),
        anchor="wall",
    )


def township_wall_section(services: Services, language: str) -> Section:
    board = topic_board_of(services)
    posts = post_views(board.recent(None, TOWNSHIP_POSTS), board.tz)
    return Section(
        "sections/topics_township.html",
        "web.wall.township_heading",
        WallBlock(None, posts, board.categories, tuple(WALL_STATUSES)),
        anchor="latest-wall",
    )


def add_topic_sections(sections: BoardSections) -> BoardSections:
    """Plug the topic parts into the pages (returns the same object)."""
    sections.village_stats.append(topic_stats)
    sections.village_sections.append(wall_section)
    sections.township_sections.append(township_wall_section)
    return sections


# -- statistics charts -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatsView:
    stats: TopicStats
    scope_name: str
    total: Counts  # the scope's figures: the village's, or the township's total
    charts: tuple[Chart, ...]


def _name(language: str, c: Counts) -> str:
    return c.name or t_plain(language, "web.stats_page.total")


def stats_view(language: str, stats: TopicStats) -> StatsView:
    rows = stats.rows
    total = rows[0] if stats.village_code and rows else stats.total
    scope = (
        _name(language, total) if stats.village_code else t_plain(language, "web.stats_page.all")
    )
    label = stats.period.text
    places = t_plain(
        language, f"web.stats_page.places_{'township' if stats.by_township else 'village'}"
    )
    on_time = bar_chart(
        "chart-on-time",
        t_plain(language, "web.stats_page.chart_on_time", period=label, places=places),
        [Bar(_name(language, c), c.on_time_rate, ratio_text(c.on_time_rate, c.on_time, c.due))
         for c in rows],
        maximum=1.0,
        empty=t_plain(language, "web.stats_page.no_data"),
    )  # fmt: skip
    satisfaction = bar_chart(
        "chart-satisfaction",
        t_plain(language, "web.stats_page.chart_satisfaction", period=label, places=places),
        [Bar(_name(language, c), c.satisfaction_rate,
             ratio_text(c.satisfaction_rate, c.satisfied + c.basic, c.rated)) for c in rows],
        maximum=1.0,
        empty=t_plain(language, "web.stats_page.no_data"),
    )  # fmt: skip
    categories = bar_chart(
        "chart-categories",
        t_plain(language, "web.stats_page.chart_categories", period=label, scope=scope),
        [
            Bar(category_name(language, code), float(n), count_text(language, n))
            for code, n in stats.categories
        ],
    )
    average = bar_chart(
        "chart-days",
        t_plain(language, "web.stats_page.chart_days", period=label, places=places),
        [
            Bar(_name(language, c), c.average_days, days_text(language, c.average_days))
            for c in rows
        ],
        empty=t_plain(language, "web.stats_page.no_data"),
    )
    return StatsView(stats, scope, total, (on_time, satisfaction, categories, average))


def count_text(language: str, count: int) -> str:
    return t_plain(language, "web.topics.count", count=count)


def ratio_text(rate: float | None, part: int, whole: int) -> str:
    return "—" if rate is None else f"{percent(rate)} ({part}/{whole})"


def days_text(language: str, value: float | None) -> str:
    return "—" if value is None else t_plain(language, "web.stats_page.days", days=days(value))


# -- feeds -----------------------------------------------------------------------------------


def wall_entries(language: str, base_url: str, posts: Sequence[WallPost]) -> list[AtomEntry]:
    """Atom entries of wall posts: one per topic, updated when it gets a new answer."""
    out = []
    for post in posts:
        answer = post.answer
        category = category_name(language, post.category)
        title = t_plain(
            language,
            "web.feed.wall_title",
            village=post.village_name,
            question=excerpt(post.question, 40),
        )
        if answer.kind == "decline":
            reply = t_plain(
                language,
                "web.feed.wall_declined",
                reason=Term(f"topics.reason.{answer.reason or 'none'}"),
                answer=answer.text,
            )
        else:
            reply = t_plain(language, "web.feed.wall_answered", answer=answer.text)
        content = t_plain(
            language,
            "web.feed.wall_content",
            receipt=post.receipt,
            village=post.village_name,
            category=category,
            question=post.question,
            reply=reply,
            post=answer.post,
            timely=timely_text(language, answer.on_time),
        )
        out.append(
            AtomEntry(
                url=f"{base_url}/t/{post.receipt}",
                title=title,
                updated=answer.at,
                published=answer.at,
                category=category,
                summary=content,
            )
        )
    return out


def newest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None
