"""A county's public pages (issue 13 §1): / shows the townships → /z/<code> a township's
villages → /v/<code>; /stats and the JSON API take ?township= and refuse an unknown one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import parse_config
from bot.services.bundle import Services
from storage import members, users
from storage.db import Store
from tests.test_county_config import COUNTY
from tests.test_web_disclosures import text_of
from tests.test_web_pages import assert_well_formed_page, build


def county_config(tmp_path: Path):
    return parse_config(
        {
            "telegram": {
                "token": "424242:TEST-village-affairs",
                "base_url": "http://127.0.0.1:9/bot",
            },
            "storage": {"path": str(tmp_path / "village.db")},
            "web": {"host": "127.0.0.1", "port": 0},
            **COUNTY,
        },
        environ={},
    )


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = Store(str(tmp_path / "village.db"))
    built = Services.build(county_config(tmp_path), store)
    built.membership.sync_config()
    built.clock.set(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    with store.transaction() as db:
        for uid in (1001, 1004):
            users.ensure(db, uid)
        members.add(db, 1001, "resident", "qingshan")
        members.add(db, 1004, "resident", "taoyuan")
    person = built.membership.person
    built.topics.filing.file(person(1001), "请公开青山村今年的修路账目")
    built.topics.filing.file(person(1004), "请公开桃源村的低保名单")
    built.topics.filing.file(person(1004), "请公开桃源村的土地流转合同")
    yield built
    store.close()


@pytest.fixture
async def client(aiohttp_client, services):
    return await aiohttp_client(build(services))


async def test_the_county_index_leads_to_a_township_then_a_village(client):
    response = await client.get("/")
    html = await response.text()
    assert response.status == 200
    assert_well_formed_page(html)
    text = text_of(html)
    assert "示范县村务公开" in text and "示范镇" in text and "南山乡" in text
    assert 'href="/z/shifan"' in html and 'href="/z/nanshan"' in html
    assert "青山村" not in text  # villages are one level down
    township = await client.get("/z/nanshan")
    html = await township.text()
    assert township.status == 200
    assert_well_formed_page(html)
    assert 'href="/v/taoyuan"' in html and "/v/qingshan" not in html
    assert "南山乡各村一览" in text_of(html)
    village = await client.get("/v/taoyuan")
    assert village.status == 200 and "南山乡" in text_of(await village.text())
    unknown = await client.get("/z/beishan")
    assert unknown.status == 404 and "beishan" in text_of(await unknown.text())


async def test_statistics_and_the_api_are_scoped_by_township(client):
    page = await client.get("/stats?township=nanshan&period=2026Q4")
    text = text_of(await page.text())
    assert page.status == 200 and "桃源村" in text and "青山村" not in text
    missing = await client.get("/stats?township=beishan")
    assert missing.status == 404
    everything = await (await client.get("/api/v1/stats?period=2026Q4")).json()
    scoped = await (await client.get("/api/v1/stats?township=nanshan&period=2026Q4")).json()
    assert (everything["villages"], everything["topics"]["total"]["filed"]) == (3, 3)
    assert (scoped["villages"], scoped["topics"]["total"]["filed"]) == (1, 2)
    # The county's topic figures are one row per township, as its /stats page (STAT-11).
    townships = everything["topics"]["townships"]
    assert [(t["code"], t["filed"]) for t in townships] == [("shifan", 1), ("nanshan", 2)]
    assert everything["topics"]["villages"] == [] and scoped["topics"]["townships"] == []
    assert [(v["code"], v["filed"]) for v in scoped["topics"]["villages"]] == [("taoyuan", 2)]
    listed = await (await client.get("/api/v1/villages?township=shifan")).json()
    assert [v["code"] for v in listed["items"]] == ["hexi", "qingshan"]
    refused = await client.get("/api/v1/stats?township=beishan")
    assert refused.status == 404
    assert (await refused.json())["error"]["code"] == "unknown_township"


async def test_the_countys_statistics_are_one_row_per_township_linking_to_its_villages(client):
    html = await (await client.get("/stats?period=2026Q4")).text()
    assert_well_formed_page(html)
    table = html.split('id="table-heading"')[1].split("</table>")[0]  # villages' or townships'
    rows = [text_of(r).strip() for r in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table, re.S)]
    assert rows == ["示范镇", "南山乡", "全县合计"]
    assert 'href="/stats?township=nanshan&period=2026Q4"' in html
    cells = re.search(r"南山乡</a></th>\s*<td[^>]*>(\d+)</td>", html)
    assert cells is not None and cells.group(1) == "2"  # 桃源村's two topics, added up
    assert "各乡镇按时办结率" in text_of(html) and "青山村" not in "".join(rows)
    # Its form offers the townships, each then its villages, not every village of the county.
    form = html.split('<form class="search-form stats-form"')[1].split("</form>")[0]
    options = re.findall(r'<option value="(\w*)"', form)
    assert 'name="township"' in form and options == ["", "shifan", "nanshan"]
    asked = await (await client.get("/stats?village=taoyuan&period=2026Q4")).text()
    form = asked.split('<form class="search-form stats-form"')[1].split("</form>")[0]
    assert re.findall(r'<option value="(\w*)"', form) == ["", "taoyuan"]  # its township's
    assert 'name="township" value="nanshan"' in form and "selected>桃源村</option>" in form
    one = (await (await client.get("/stats?village=qingshan&period=2026Q4")).text()).split(
        'id="table-heading"'
    )[1]
    one = one.split("</table>")[0]
    assert [
        text_of(r).strip() for r in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', one, re.S)
    ] == ["青山村"]


async def test_the_feed_takes_a_township(client, services):
    # 桃源村 has no official: its topics wait in its own township's pool.
    staff = services.membership.person(9101)
    (topic,) = [
        t
        for t in services.topics.tracking.pending(services.membership.person(7001), None).topics
        if "低保" in t.text
    ]
    services.topics.answering.answer(staff, topic, "低保名单已在村务公开栏张贴")
    scoped = await client.get("/feed.atom?township=nanshan")
    assert scoped.status == 200 and "低保名单已在村务公开栏张贴" in await scoped.text()
    other = await client.get("/feed.atom?township=shifan")
    assert other.status == 200 and "低保名单" not in await other.text()
    assert (await client.get("/feed.atom?township=beishan")).status == 404


async def test_a_topic_in_a_townships_pool_names_that_township(services):
    chief = services.membership.person(7001)
    (topic, *_) = services.topics.tracking.pending(chief, "taoyuan").topics
    assert services.topics.reading.assignee_post(topic) == "南山乡 乡镇工作人员"


async def test_village_and_item_routes_refuse_a_village_of_another_township(client, services):
    chief = services.membership.person(7001)
    (topic, *_) = services.topics.tracking.pending(chief, "taoyuan").topics
    ok = await client.get("/api/v1/villages/taoyuan/topics?township=nanshan")
    assert ok.status == 200
    for path in (
        "/api/v1/villages/qingshan/topics?township=nanshan",
        "/api/v1/villages/qingshan/disclosures?township=nanshan",
        f"/api/v1/topics/{topic.receipt}?township=shifan",
    ):
        refused = await client.get(path)
        assert refused.status == 404, path
        assert (await refused.json())["error"]["code"] == "not_in_township", path
    unknown = await client.get(f"/api/v1/topics/{topic.receipt}?township=beishan")
    assert (await unknown.json())["error"]["code"] == "unknown_township"
    described = await (await client.get("/api/v1/openapi.json")).json()
    for path, item in described["paths"].items():
        names = {p["name"] for p in item["get"].get("parameters", [])}
        assert "township" in names, path
