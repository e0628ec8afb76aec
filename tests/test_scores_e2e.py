"""`/score` through the emulator (issue 13 §8): township staff get every village ranked with
its inputs, an official their own village's, residents and supervisors a polite refusal."""

from __future__ import annotations

from datetime import date

import pytest

from bot.sandbox.demo import seed
from bot.sandbox.environment import sandbox
from bot.services.scores.scoring import Scores
from run import Runtime
from storage import members, users
from tests.conftest import STAFF
from tests.test_web_disclosures import publish
from tests.test_web_topics import at

OFFICIAL, RESIDENT, SUPERVISOR, ALICE = 1002, 1001, 1003, 1005


@pytest.fixture
def town(runtime):
    with runtime.store.transaction() as db:
        for user_id, role, village in (
            (OFFICIAL, "official", "qingshan"),
            (RESIDENT, "resident", "qingshan"),
            (SUPERVISOR, "supervisor", "qingshan"),
            (ALICE, "official", "hexi"),
        ):
            users.ensure(db, user_id)
            members.add(db, user_id, role, village)
    publish(runtime.services, kind="finance", title="三季度财务", at=at(date(2026, 10, 10)))
    publish(
        runtime.services,
        kind="finance",
        title="河西财务",
        village="hexi",
        at=at(date(2026, 10, 20)),
    )
    runtime.services.clock.set(at(date(2026, 11, 2)))
    return runtime


async def test_township_staff_see_every_village_ranked_with_its_inputs(town, chat):
    staff = chat(STAFF)
    (answer,) = await staff.say("/score")
    text = answer["text"]
    assert "透明度得分 2026Q3" in text
    # 青山村: (30·100 + 15·100 + 10·0 + 10·100) / 65; 河西村 published late: 50 for on time.
    assert text.index("1. 青山村：84.6 分") < text.index("2. 河西村：61.5 分")
    assert "按时公开 100 · 监督签字 100 · 按时答复 没有 · 满意 没有 · 张贴照片 0" in text
    assert "按时公开 50" in text and "张贴照片 0" in text
    assert "/score/formula" in text
    (older,) = await staff.say("/score 2026年第二季度")
    assert "透明度得分 2026Q2" in older["text"] and "—. 青山村：—，样本不足" in older["text"]
    (bad,) = await staff.say("/score 2026-09")
    assert "不是一个季度" in bad["text"]


async def test_an_official_sees_their_own_village_only(town, chat):
    (answer,) = await chat(OFFICIAL).say("/score 2026Q3")
    assert "1. 青山村：84.6 分" in answer["text"] and "河西村" not in answer["text"]
    (english,) = await chat(ALICE).say("/score")
    assert "Transparency score 2026Q3" in english["text"]
    assert "1. 河西村: 61.5" in english["text"] and "青山村" not in english["text"]


async def test_residents_and_supervisors_are_refused(town, chat):
    for user_id in (RESIDENT, SUPERVISOR):
        (refused,) = await chat(user_id).say("/score")
        assert "得分仅限乡镇工作人员和本村村干部" in refused["text"]


async def test_the_sandbox_demo_has_a_village_with_a_score():
    async with sandbox(None) as (config, emulator):
        runtime = Runtime(config, sandbox_api=emulator.url)
        await runtime.start()
        try:
            seed(runtime.services)
            seed(runtime.services)  # a second start publishes nothing twice
            scores = Scores(runtime.services.ctx)
            first, *others = scores.ranking(None, scores.default_period())
        finally:
            await runtime.stop()
    assert (first.rank, first.village.code) == (1, "qingshan") and first.village.score is not None
    on_time, signed = first.village.inputs[:2]
    assert on_time.counted == 1 and (signed.good, signed.counted) == (1, 1)
    # The demo county's other villages (two in 示范镇, two in 南山乡) have too little to score.
    assert [(r.rank, r.village.score) for r in others] == [(None, None)] * 4
