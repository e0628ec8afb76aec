"""Parts of a page rendered once for what they show (web_render.templates.fragment): the same
content is the same text without rendering again, and any change of content, language or link
is rendered anew."""

from __future__ import annotations

import pytest

from bot.web_render import templates
from bot.web_render.page_sections import Stat, VillageRow


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
