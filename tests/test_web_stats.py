"""The statistics page /stats: per village and period, server-rendered SVG charts with <title>
and <desc>, the same numbers in tables, the bot's /stats definitions (topics_stats)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from bot.services.topics.stats import compute, percent, stats_period
from tests.test_web_disclosures import text_of
from tests.test_web_pages import assert_well_formed_page
from tests.test_web_topics import client, services, world  # noqa: F401 - fixtures

SVG = "{http://www.w3.org/2000/svg}"


def charts(html: str) -> list[ET.Element]:
    return [
        ET.fromstring(svg) for svg in re.findall(r"<svg class=\"bar-chart\".*?</svg>", html, re.S)
    ]


async def test_the_stats_page_has_accessible_svg_charts_and_tables(client, world):  # noqa: F811
    response = await client.get("/stats?period=2026Q4")
    assert response.status == 200
    html = await response.text()
    assert_well_formed_page(html)
    found = charts(html)
    assert len(found) == 4
    for svg in found:
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    titles = [svg.find(f"{SVG}title").text for svg in found]
    assert titles == [
        "2026Q4 各村按时办结率",
        "2026Q4 各村满意率",
        "2026Q4 全镇各类别点题数",
        "2026Q4 各村平均答复用时（工作日）",
    ]
    text = text_of(html)
    assert "<script" not in html
    for expected in ("数字明细", "全镇合计", "财务", "低保", "怎么算"):
        assert expected in text, expected


async def test_the_numbers_are_the_bots_stats(client, world):  # noqa: F811
    today = date(2026, 10, 28)
    period = stats_period("2026Q4", today)
    rows, total = compute(world.services.store.db, period, today, world.services.config.township.tz)
    html = await (await client.get("/stats?period=2026Q4")).text()
    qingshan = next(c for c in rows if c.code == "qingshan")
    row = re.search(r"<tr>\s*<th scope=\"row\"[^>]*>青山村</th>(.*?)</tr>", html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", row, re.S)]
    assert cells[0] == str(qingshan.filed)
    assert cells[4] == f"{percent(qingshan.on_time_rate)} ({qingshan.on_time}/{qingshan.due})"
    sat = qingshan.satisfied + qingshan.basic
    assert cells[5] == f"{percent(qingshan.satisfaction_rate)} ({sat}/{qingshan.rated})"
    # the chart's description carries the same values
    on_time = charts(html)[0].find(f"{SVG}desc").text
    assert f"青山村：{percent(qingshan.on_time_rate)}" in on_time
    assert total.filed == sum(c.filed for c in rows)


async def test_one_village_and_categories(client, world):  # noqa: F811
    html = await (await client.get("/stats?village=hexi&period=2026")).text()
    text = text_of(html)
    assert "河西村，2026（2026-01-01 至 2026-12-31）" in text
    categories = charts(html)[2]
    bars = [t.text for t in categories.iter(f"{SVG}text")]
    assert bars[:2] == ["财务", "1件"]  # the hexi topic is about accounts
    assert "selected>河西村</option>" in html


async def test_a_bad_period_is_explained_not_an_error(client, world):  # noqa: F811
    for bad in ("明年", "0000", "2026Q5", "9999Q4"):
        response = await client.get("/stats", params={"period": bad})
        assert response.status == 400, bad
        assert "看不懂期间" in text_of(await response.text())


async def test_the_stats_page_in_english(client, world):  # noqa: F811
    html = await (await client.get("/stats?lang=en&period=2026")).text()
    assert "On-time rate by village, 2026" in html
    assert_well_formed_page(html, "en")
