"""The JSON API under /api/v1/: documents masked like the pages, cursor pagination, JSON
errors, an OpenAPI 3.1 document that validates, responses that match it, and a property-based
test that no generated request gets a 5xx."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from bot.services.bundle import Services
from storage.db import Store
from tests.test_web_disclosures import (
    EVIL,
    ID_NUMBER,
    PHONE,
    Demo,
    client,
    demo,
    name_of,
    services,
)
from tests.test_web_pages import build, web_config
from tests.test_web_topics import (
    EVIL_TOPIC,
    REQUESTERS,
    SECRET_OPEN_TEXT,
    World,
    at,
    wall_world,
)

__all__ = ["client", "demo", "services"]  # fixtures, imported for pytest


@pytest.fixture
def topic_world(tmp_path) -> Iterator[World]:
    """A second township with topics on its walls (tests.test_web_topics.wall_world)."""
    store = Store(str(tmp_path / "topics.db"))
    config = web_config(tmp_path, public_url="https://cwgk.example.cn")
    built = Services.build(config, store)
    built.membership.sync_config()
    clock = built.clock
    clock.set(at(date(2026, 10, 1)))
    yield wall_world(built, clock)
    store.close()


@pytest.fixture
async def topic_client(aiohttp_client, topic_world):
    return await aiohttp_client(build(topic_world.services))


async def get_json(client, path: str, status: int = 200) -> Any:
    response = await client.get(path)
    assert response.status == status, (path, await response.text())
    assert response.content_type == "application/json"
    return await response.json()


async def spec_of(client) -> dict:
    return await get_json(client, "/api/v1/openapi.json")


def schema_for(spec: dict, name: str) -> dict:
    """A component schema with its references resolvable by jsonschema."""
    return {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}


def check(spec: dict, name: str, document: Any) -> None:
    jsonschema.validate(document, schema_for(spec, name), cls=jsonschema.Draft202012Validator)


async def test_the_openapi_document_validates(client):
    spec = await spec_of(client)
    validate(spec)  # raises on an invalid OpenAPI 3.1 document
    assert spec["openapi"] == "3.1.0"
    assert set(spec["paths"]) == {
        "/villages",
        "/villages/{code}/disclosures",
        "/disclosures/{id}",
        "/villages/{code}/topics",
        "/topics/{receipt}",
        "/stats",
        "/scores",
    }


async def test_villages_with_their_figures_and_quarter(client):
    spec = await spec_of(client)
    body = await get_json(client, "/api/v1/villages")
    check(spec, "VillagePage", body)
    by_code = {v["code"]: v for v in body["items"]}
    assert by_code["qingshan"]["quarter"]["state"] == "on_time"
    assert by_code["hexi"]["quarter"]["state"] == "late"
    assert by_code["evil"]["quarter"]["state"] == "missing"
    assert by_code["qingshan"]["disclosures"] == {
        "published": 4,
        "superseded": 1,
        "finance": 1,
        "subsidy": 1,
        "notice": 2,
    }
    # pagination by cursor visits every village once
    codes, cursor = [], None
    while True:
        path = "/api/v1/villages?limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = await get_json(client, path)
        codes += [v["code"] for v in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert codes == ["evil", "hexi", "qingshan"]


async def test_a_villages_disclosures_by_cursor(client, demo: Demo):
    spec = await spec_of(client)
    seen, cursor = [], None
    while True:
        path = "/api/v1/villages/qingshan/disclosures?limit=2"
        if cursor:
            path += f"&cursor={cursor}"
        page = await get_json(client, path)
        check(spec, "DisclosurePage", page)
        seen += [(d["id"], d["status"]) for d in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [i for i, _ in seen] == [
        demo.evil,
        demo.notice,
        demo.ledger_v2,
        demo.subsidy,
        demo.ledger_v1,
    ]
    assert dict(seen)[demo.ledger_v1] == "superseded"
    only = await get_json(client, "/api/v1/villages/qingshan/disclosures?category=惠农补贴")
    assert [d["id"] for d in only["items"]] == [demo.subsidy]


async def test_a_disclosure_in_full_masked_like_the_page(client, demo: Demo):
    spec = await spec_of(client)
    body = await get_json(client, f"/api/v1/disclosures/{demo.subsidy}")
    check(spec, "Disclosure", body)
    lines = body["subsidy"]["lines"]
    assert len(lines) == 12
    assert lines[0]["name"] == f"{name_of(0)[0]}*{name_of(0)[-1]}"
    raw = json.dumps(body, ensure_ascii=False)
    assert ID_NUMBER not in raw and PHONE not in raw
    for i in range(12):
        assert name_of(i) not in raw
    assert "35*************234" in lines[0]["note"]
    ledger = await get_json(client, f"/api/v1/disclosures/{demo.ledger_v2}")
    check(spec, "Disclosure", ledger)
    assert ledger["ledger"]["balanced"] is True
    assert ledger["ledger"]["income_total"] == {"fen": 1500300, "yuan": "15,003.00"}
    assert [v["id"] for v in ledger["versions"]] == [demo.ledger_v1, demo.ledger_v2]
    assert ledger["versions"][1]["changes"]
    assert len(ledger["filing"]["checksum"]) == 64
    old = await get_json(client, f"/api/v1/disclosures/{demo.ledger_v1}")
    assert old["status"] == "superseded" and old["newest_id"] == demo.ledger_v2


async def test_hostile_text_is_plain_json_text(client, demo: Demo):
    response = await client.get(f"/api/v1/disclosures/{demo.evil}")
    body = await response.json()
    assert body["title"] == EVIL
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.content_type == "application/json"


async def test_stats_counts(client):
    spec = await spec_of(client)
    body = await get_json(client, "/api/v1/stats")
    check(spec, "Stats", body)
    assert body["villages"] == 3
    assert body["disclosures"]["published"] == 5 and body["disclosures"]["superseded"] == 1
    assert body["quarter"] == {
        "period": "2026Q3",
        "on_time": 1,
        "late": 1,
        "missing": 1,
        "pending": 0,
    }


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/villages/nowhere/disclosures", 404, "unknown_village"),
        ("/api/v1/disclosures/999999", 404, "unknown_disclosure"),
        ("/api/v1/disclosures/abc", 404, "not_found"),
        ("/api/v1/villages?limit=0", 400, "bad_limit"),
        ("/api/v1/villages?limit=101", 400, "bad_limit"),
        ("/api/v1/villages?limit=x", 400, "bad_limit"),
        ("/api/v1/villages?cursor=bad", 400, "bad_cursor"),
        ("/api/v1/villages/qingshan/disclosures?cursor=bad", 400, "bad_cursor"),
        ("/api/v1/villages/qingshan/disclosures?cursor=", 400, "bad_cursor"),
        ("/api/v2/anything", 404, "not_found"),
    ],
)
async def test_errors_are_json(client, path, status, code):
    body = await get_json(client, path, status)
    assert body["error"]["code"] == code


async def test_drafts_are_not_in_the_api(client, demo: Demo):
    await get_json(client, f"/api/v1/disclosures/{demo.draft}", 404)
    page = await get_json(client, "/api/v1/villages/qingshan/disclosures?limit=100")
    assert demo.draft not in [d["id"] for d in page["items"]]


async def test_api_answers_conditional_requests(client, demo: Demo):
    first = await client.get(f"/api/v1/disclosures/{demo.notice}")
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"] == "Thu, 15 Oct 2026 01:00:00 GMT"
    again = await client.get(f"/api/v1/disclosures/{demo.notice}", headers={"If-None-Match": etag})
    assert again.status == 304


# --------------------------------------------------------------------------- property-based

RECEIPTS = ["DT-2026-0001", "DT-2026-0002", "dt-2026-3", "DT-2026-0005", "DT-0000-0000"]
SEGMENT = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + "-_.~%+村财务<>\"'& "),
    max_size=24,
)
VALUES = st.one_of(
    SEGMENT,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "0", "1", "100", "101", "qingshan", "==", "dnwx", "AAAA", "惠农补贴"]),
)
PATHS = st.one_of(
    st.just("/api/v1/villages"),
    st.just("/api/v1/stats"),
    st.builds(lambda c: f"/api/v1/villages/{c}/disclosures", SEGMENT | st.just("qingshan")),
    st.builds(lambda i: f"/api/v1/disclosures/{i}", VALUES),
    st.builds(lambda c: f"/api/v1/villages/{c}/topics", SEGMENT | st.just("qingshan")),
    st.builds(lambda r: f"/api/v1/topics/{r}", VALUES | st.sampled_from(RECEIPTS)),
    st.builds(lambda s: f"/api/v1/{s}", SEGMENT),
)
PARAMS = st.dictionaries(
    st.sampled_from(["cursor", "limit", "category", "status", "period", "x"]),
    VALUES | st.sampled_from(["finance", "answered", "declined", "2026Q4", "0000", "2026-13"]),
    max_size=3,
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(path=PATHS, params=PARAMS)
async def test_no_generated_request_gets_a_5xx(client, path, params):
    await _no_5xx(client, path, params)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(path=PATHS, params=PARAMS)
async def test_no_generated_request_gets_a_5xx_with_topics(topic_client, path, params):
    await _no_5xx(topic_client, path, params)


async def _no_5xx(client, path, params):
    quoted = quote(path, safe="/")
    response = await client.get(quoted, params=params)
    assert response.status < 500, (quoted, params, await response.text())
    if response.status != 304:
        assert response.content_type == "application/json", (quoted, params)
        json.loads(await response.read())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cursor_from=st.sampled_from(["villages", "qingshan"]),
    limit=st.integers(min_value=1, max_value=100),
)
async def test_cursors_handed_out_are_accepted(client, cursor_from, limit):
    base = (
        "/api/v1/villages" if cursor_from == "villages" else "/api/v1/villages/qingshan/disclosures"
    )
    page = await get_json(client, f"{base}?limit={limit}")
    if page["next_cursor"]:
        await get_json(client, f"{base}?limit={limit}&cursor={page['next_cursor']}")


# --------------------------------------------------------------------------- topics


async def test_a_villages_wall_by_cursor_masked_like_the_pages(topic_client, topic_world):
    spec = await spec_of(topic_client)
    seen, cursor = [], None
    while True:
        path = "/api/v1/villages/qingshan/topics?limit=1"
        if cursor:
            path += f"&cursor={cursor}"
        page = await get_json(topic_client, path)
        check(spec, "WallPage", page)
        seen += [p["receipt"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    w = topic_world
    assert seen == [w.declined.receipt, w.reopened.receipt, w.answered.receipt]
    body = await get_json(topic_client, "/api/v1/villages/qingshan/topics")
    raw = json.dumps(body, ensure_ascii=False)
    for name in REQUESTERS.values():
        assert name not in raw
    assert "13812345678" not in raw and "138****5678" in raw
    assert SECRET_OPEN_TEXT not in raw
    evil = next(p for p in body["items"] if p["receipt"] == w.declined.receipt)
    assert evil["question"] == EVIL_TOPIC  # plain JSON text, exactly as typed
    assert evil["answer"]["kind"] == "decline" and evil["answer"]["reason"] == "privacy"
    assert evil["answer"]["post"] == "青山村 村委会主任"
    only = await get_json(topic_client, "/api/v1/villages/qingshan/topics?status=declined")
    assert [p["receipt"] for p in only["items"]] == [w.declined.receipt]
    finance = await get_json(topic_client, "/api/v1/villages/qingshan/topics?category=finance")
    assert [p["receipt"] for p in finance["items"]] == [w.answered.receipt]


async def test_one_topic_public_or_only_its_state(topic_client, topic_world):
    spec = await spec_of(topic_client)
    w = topic_world
    body = await get_json(topic_client, f"/api/v1/topics/{w.answered.receipt}")
    check(spec, "Topic", body)
    assert body["public"] is True and body["supports"] == 1 and body["joint"] is True
    assert [s["action"] for s in body["timeline"]][:2] == ["filed", "routed"]
    assert body["answers"][-1]["on_time"] is True
    assert "138****5678" in body["question"]
    closed = await get_json(topic_client, f"/api/v1/topics/{w.open.receipt}")
    check(spec, "Topic", closed)
    assert closed["public"] is False and closed["question"] is None
    assert closed["answers"] == [] and closed["timeline"] == [] and closed["overdue"] is True
    raw = json.dumps(closed, ensure_ascii=False)
    assert SECRET_OPEN_TEXT not in raw
    await get_json(topic_client, "/api/v1/topics/DT-2026-9999", 404)


async def test_stats_carry_the_topic_figures(topic_client):
    spec = await spec_of(topic_client)
    body = await get_json(topic_client, "/api/v1/stats?period=2026")
    check(spec, "Stats", body)
    topics = body["topics"]
    assert topics["period"] == "2026"
    assert topics["total"]["filed"] == 5
    qingshan = next(v for v in topics["villages"] if v["code"] == "qingshan")
    assert qingshan["satisfaction_rate"] == 0.5
    hexi = next(v for v in topics["villages"] if v["code"] == "hexi")
    assert hexi["on_time_rate"] == 0.0
    bad = await get_json(topic_client, "/api/v1/stats?period=0000", 400)
    assert bad["error"]["code"] == "bad_period"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/villages/nowhere/topics", 404, "unknown_village"),
        ("/api/v1/villages/qingshan/topics?category=x", 400, "bad_category"),
        ("/api/v1/villages/qingshan/topics?status=open", 400, "bad_status"),
        ("/api/v1/villages/qingshan/topics?cursor=bad", 400, "bad_cursor"),
        ("/api/v1/topics/nonsense", 404, "unknown_topic"),
    ],
)
async def test_topic_errors_are_json(topic_client, path, status, code):
    body = await get_json(topic_client, path, status)
    assert body["error"]["code"] == code
