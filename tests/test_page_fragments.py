"""Parts of a page rendered once for what they show (web_render.templates.fragment): the same
content is the same text without rendering again, and any change of content, language or link
is rendered anew."""

from __future__ import annotations

import pytest

from bot.core.periods import parse_period
from bot.services.topics.stats import Counts
from bot.services.topics.wall_pages import TopicStats
from bot.web_render import templates
from bot.web_render.page_sections import Stat, VillageRow
from bot.web_render.topic_sections import ratio_text
from handlers.web import wall_routes


@pytest.fixture(autouse=True)
def nothing_kept():
    """Each test starts with no part kept (other tests' pages may have kept the same card)."""
    templates._fragments.clear()


def plain(path: str) -> str:
    return path


def explicit(path: str) -> str:
    return f"{path}?lang=en"


def card(village: VillageRow, language: str = "zh-CN", link=plain) -> str:
    return str(templates.fragment("village_card.html", language, link, village=village))


def renders(monkeypatch) -> list[str]:
    seen: list[str] = []
    original = templates.environment().get_template

    def counted(name, *args, **kwargs):
        seen.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(templates.environment(), "get_template", counted)
    return seen


def test_the_same_card_is_rendered_once(monkeypatch):
    seen = renders(monkeypatch)
    row = VillageRow("qingshan", "青山村", (Stat("web.stats.residents", 12),))
    first = card(row)
    assert card(VillageRow("qingshan", "青山村", (Stat("web.stats.residents", 12),))) == first
    assert seen[0] == "village_card.html" and seen.count("village_card.html") == 1
    assert 'href="/v/qingshan"' in first and "12" in first


def test_a_changed_figure_language_or_link_is_rendered_anew(monkeypatch):
    row = VillageRow("hexi", "河西村", (Stat("web.stats.residents", 7),))
    before = card(row)
    seen = renders(monkeypatch)
    after = card(VillageRow("hexi", "河西村", (Stat("web.stats.residents", 8),)))
    assert "8" in after and after != before
    assert card(row, "en") != before
    assert 'href="/v/hexi?lang=en"' in card(row, "en", explicit)
    assert seen.count("village_card.html") == 3


def test_a_part_holding_a_list_is_kept_by_its_text(monkeypatch):
    row = VillageRow("taoyuan", "桃源村", [Stat("web.stats.residents", 3)])  # a list: unhashable
    first = card(row)
    seen = renders(monkeypatch)
    assert card(VillageRow("taoyuan", "桃源村", [Stat("web.stats.residents", 3)])) == first
    assert seen == []
    assert "4" in card(VillageRow("taoyuan", "桃源村", [Stat("web.stats.residents", 4)]))


def tables(rows: tuple, language: str = "zh-CN") -> str:
    """The statistics page's tables for these rows, with the page's own helpers."""
    stats = TopicStats(parse_period("2026Q3"), None, rows, Counts.total_of("", "", rows), ())
    helpers = wall_routes._language_helpers(language)
    return str(
        templates.fragment(
            "sections/stats_tables.html",
            language,
            plain,
            s=stats,
            scope="全镇",
            village_code=None,
            explicit_language=False,
            rate=ratio_text,
            **helpers,
        )
    )


def test_the_statistics_tables_follow_their_counts(monkeypatch):
    # Counts are not hashable: the part is kept under its text, and still by its content.
    rows = (Counts("qingshan", "青山村", filed=3, answered=2), Counts("hexi", "河西村", filed=1))
    first = tables(rows)
    seen = renders(monkeypatch)
    assert tables((Counts("qingshan", "青山村", filed=3, answered=2), rows[1])) == first
    assert seen == []
    changed = tables((Counts("qingshan", "青山村", filed=5, answered=2), rows[1]))
    assert ">5</td>" in changed and ">5</td>" not in first
    assert tables(rows, "en") != first
    assert seen.count("sections/stats_tables.html") == 2
