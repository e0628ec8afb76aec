"""The transparency score (issue 13 §8): inputs counted from a constructed history, the minimum
sample, the formula page drawn from the code's weights, ranking order and ties, the web pages
and the API."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from bot.services.people import Denied
from bot.services.scores.formula import (
    MIN_TOPICS,
    MIN_WEIGHT,
    NOT_DUE,
    TOO_FEW,
    WEIGHTS,
    Input,
    combine,
    share,
)
from bot.services.scores.ranking import VillageScore, rank
from bot.services.scores.scoring import Scores
from storage import board_photos, topics, users
from tests.test_web_api import check
from tests.test_web_disclosures import publish
from tests.test_web_pages import build, services  # noqa: F401 (the fixture)
from tests.test_web_topics import at

NOW = at(date(2026, 11, 2))
REQUESTER = 1101


def topic(db, n: int, village: str, due: date, answered: date | None, rating: str | None = None):
    """A topic of the village due on `due`, answered on `answered` (local day), maybe rated."""
    users.ensure(db, REQUESTER)
    topic_id = topics.create(
        db,
        receipt=f"DT-2026-{n:04d}",
        village_code=village,
        requester_id=REQUESTER,
        category="finance",
        text="请公开账目",
        media_kind=None,
        media_file_id=None,
        routed_to="officials",
        assignee_id=None,
        at=at(due - timedelta(days=14)),
        due_date=due,
        due_provisional=False,
    )
    db.execute(
        "UPDATE topics SET responded_at = ?, first_responded_at = ?, rating = ?, status = ? "
        "WHERE id = ?",
        [
            answered and at(answered).isoformat(),
            answered and at(answered).isoformat(),
            rating,
            "answered" if answered else "assigned",
            topic_id,
        ],
    )
    return topic_id


def photo(db, disclosure_id: int, village: str, received: datetime) -> None:
    board_photos.add(
        db,
        disclosure_id=disclosure_id,
        village_code=village,
        content=b"\x89PNG\r\n\x1a\n",
        mime_type="image/png",
        taken_at=received,
        taken_from="received",
        received_at=received,
        sent_by=1002,
    )


def history(services) -> None:  # noqa: F811
    """青山村: on time, signed off, photo, 6 topics due (5 on time), 5 rated (4 satisfied);
    河西村: late, no photo, no topics; the third village: three topics only."""
    q3 = date(2026, 9, 1)
    ledger = publish(services, kind="finance", title="三季度财务", at=at(date(2026, 10, 10)))
    publish(
        services, kind="finance", title="河西三季度财务", village="hexi", at=at(date(2026, 10, 20))
    )
    with services.store.transaction() as db:
        photo(db, ledger, "qingshan", at(date(2026, 10, 12)))
        for n in range(6):
            answered = q3 + timedelta(days=1 if n == 5 else -1)
            rating = ("satisfied", "basic", "satisfied", "satisfied", "unsatisfied", None)[n]
            topic(db, n + 1, "qingshan", q3, answered, rating)
        for n in range(3):
            topic(db, 20 + n, "evil", q3, q3, "satisfied")
    services.clock.set(NOW)


def test_inputs_are_counted_from_the_history(services):  # noqa: F811
    history(services)
    scores = Scores(services.ctx)
    by_code = {r.village.code: r for r in scores.ranking(None, scores.period("2026Q3"))}
    qingshan = {i.key: i for i in by_code["qingshan"].village.inputs}
    assert qingshan["on_time"].value == 100  # by 15 October (SCH-01)
    assert qingshan["signed"].value == 100  # both supervisors signed (REV-01)
    assert (qingshan["answered"].good, qingshan["answered"].counted) == (5, 6)
    assert (qingshan["satisfied"].good, qingshan["satisfied"].counted) == (4, 5)
    assert qingshan["photo"].value == 100 and qingshan["uncorrected"].value == 100
    # (30·100 + 15·100 + 20·83.33 + 15·80 + 10·100 + 10·100) / 100
    assert by_code["qingshan"].village.score == Decimal("93.7")
    hexi = {i.key: i for i in by_code["hexi"].village.inputs}
    assert hexi["on_time"].value == 50 and hexi["photo"].value == 0
    assert hexi["answered"].missing == "none"
    assert by_code["hexi"].village.score == Decimal("61.5")  # (1500 + 1500 + 0 + 1000) / 65
    evil = {i.key: i for i in by_code["evil"].village.inputs}
    assert evil["answered"].missing == TOO_FEW and evil["answered"].counted == 3
    assert evil["on_time"].value == 0  # the deadline passed without it
    assert by_code["evil"].village.score is None  # never a number from three topics
    assert [(r.rank, r.village.code) for r in scores.ranking(None, scores.period("2026Q3"))] == [
        (1, "qingshan"),
        (2, "hexi"),
        (None, "evil"),
    ]


def test_before_the_deadline_a_missing_disclosure_is_not_counted(services):  # noqa: F811
    services.clock.set(at(date(2026, 10, 12)))
    scores = Scores(services.ctx)
    (row,) = scores.ranking(["hexi"], scores.period(None))
    assert row.village.period == "2026Q3"
    assert row.village.inputs[0].missing == NOT_DUE and row.village.score is None


def test_a_correction_and_an_unsigned_item_count_against_mildly(services):  # noqa: F811
    old = publish(services, kind="notice", title="通知", at=at(date(2026, 10, 9)))
    publish(
        services, kind="notice", title="通知（更正）", supersedes=old, at=at(date(2026, 10, 11))
    )
    with services.store.transaction() as db:
        db.execute("DELETE FROM disclosure_signoffs WHERE disclosure_id = ?", [old])
    services.clock.set(NOW)
    scores = Scores(services.ctx)
    inputs = {
        i.key: i for i in scores.village("qingshan", "青山村", scores.period("2026Q3")).inputs
    }
    assert (inputs["uncorrected"].good, inputs["uncorrected"].counted) == (0, 1)
    assert (inputs["signed"].good, inputs["signed"].counted) == (1, 2)


def test_a_topic_input_below_the_minimum_is_left_out_and_weights_renormalise():
    assert share(4, MIN_TOPICS - 1, "answered", MIN_TOPICS).missing == TOO_FEW
    full = {w.key: Input(w.key, Fraction(100), 1, 1) for w in WEIGHTS}
    without = full | {"answered": share(0, 3, "answered", MIN_TOPICS)}
    assert combine(without) == Decimal("100.0")  # the 0s of three topics do not count
    weak = {w.key: Input(w.key, None, missing="none") for w in WEIGHTS}
    heavy = max(WEIGHTS, key=lambda w: w.weight)
    assert heavy.weight < MIN_WEIGHT
    assert combine(weak | {heavy.key: Input(heavy.key, Fraction(100), 1, 1)}) is None


def test_equal_scores_share_a_rank():
    def village(code: str, score: str | None) -> VillageScore:
        return VillageScore(code, code, "2026Q3", None if score is None else Decimal(score), ())

    ranked = rank([village("c", "80.0"), village("a", "90.5"), village("d", None),
                   village("b", "90.5"), village("e", "70.0")])  # fmt: skip
    assert [(r.rank, r.village.code) for r in ranked] == [
        (1, "a"), (1, "b"), (3, "c"), (4, "e"), (None, "d"),
    ]  # fmt: skip


def test_quarters_only_and_none_that_has_not_begun(services):  # noqa: F811
    services.clock.set(NOW)
    scores = Scores(services.ctx)
    assert scores.period("2026年第三季度").text == "2026Q3"
    assert scores.period("2026Q4").text == "2026Q4"
    for text, key in (("2026-09", "score.bad_period"), ("2027Q1", "score.future_period")):
        with pytest.raises(Denied) as refused:
            scores.period(text)
        assert refused.value.key == key


async def test_the_formula_page_shows_the_codes_weights_and_example(aiohttp_client, services):  # noqa: F811
    client = await aiohttp_client(build(services))
    html = await (await client.get("/score/formula")).text()
    for w in WEIGHTS:
        row = re.search(rf'<tr id="input-{w.key}">(.*?)</tr>', html, re.S).group(1)
        assert f">{w.weight}</td>" in row
        assert all(rule in row for rule in w.rules)
    assert f"少于 {MIN_TOPICS} 条" in html and f"不到 {MIN_WEIGHT} 分" in html
    assert "加权平均得 92.4 分" in html  # (3000 + 1500 + 1600 + 750 + 1000) / 85
    index = await (await client.get("/")).text()  # no village has a score: no table of dashes
    assert "还没有哪个村的数据够算得分" in index and 'id="score-qingshan"' not in index
    english = await (await client.get("/score/formula?lang=en")).text()
    assert "How the transparency score is counted" in english


async def test_the_ranking_page_index_and_api(aiohttp_client, services):  # noqa: F811
    history(services)
    client = await aiohttp_client(build(services))
    html = await (await client.get("/score?period=2026Q3")).text()
    row = re.search(r'<tr id="score-qingshan">(.*?)</tr>', html, re.S).group(1)
    assert "93.7" in row and ">83<" in row and ">80<" in row
    evil = re.search(r'<tr id="score-evil">(.*?)</tr>', html, re.S).group(1)
    assert "—，样本不足" in evil and "样本不足（3 条）" in evil
    assert "&lt;script&gt;" in evil and "<script>" not in evil
    assert html.index("score-qingshan") < html.index("score-hexi") < html.index("score-evil")
    bad = await (await client.get("/score?period=2026-13")).text()
    assert "不是一个已经开始的季度" in bad and "2026Q3" in bad
    index = await (await client.get("/")).text()
    assert 'id="score-ranking"' in index and "93.7" in index and 'href="/score"' in index
    body = await (await client.get("/api/v1/scores?period=2026Q3")).json()
    spec = await (await client.get("/api/v1/openapi.json")).json()
    check(spec, "Scores", body)  # the body is what the OpenAPI document says
    assert body["weights"] == {w.key: w.weight for w in WEIGHTS}
    first, second, third = body["villages"]
    assert (second["code"], second["rank"], second["score"]) == ("hexi", 2, 61.5)
    assert (first["code"], first["rank"], first["score"]) == ("qingshan", 1, 93.7)
    assert first["inputs"][2] == {
        "key": "answered", "weight": 20, "value": 83, "good": 5, "counted": 6, "left_out": None,
    }  # fmt: skip
    assert (third["rank"], third["score"], third["inputs"][2]["left_out"]) == (
        None,
        None,
        "too_few",
    )
    refused = await client.get("/api/v1/scores?period=someday")
    assert refused.status == 400 and (await refused.json())["error"]["code"] == "bad_period"
