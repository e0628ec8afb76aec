"""The objection window (异议期, STG-06): `objection_days` after publication, shown with its last
day on the page and in the notices; a line question filed inside it also reaches the village
supervision committee and is marked for township staff; one filed after it does not."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

from bot.services.disclosures.objection_window import end_text, is_open, window_end
from storage import topic_disclosure_lines, topics
from tests import test_line_questions
from tests.conftest import STAFF
from tests.test_line_questions import RESIDENT, SUPERVISOR, ledger, page, row_ids

town = test_line_questions.town  # the fixture: a published ledger's village, on a fixed clock

PUBLISHED = datetime(2026, 10, 10, 1, 0, tzinfo=UTC)  # 09:00 local, as tests publish
LAST_DAY = datetime(2026, 10, 17, 15, 59, tzinfo=UTC)  # 23:59 local on the 17th
AFTER = datetime(2026, 10, 17, 16, 0, tzinfo=UTC)  # 00:00 local on the 18th


def test_the_window_ends_objection_days_after_the_local_publication_day(town):
    ctx = town.services.ctx
    assert window_end(ctx, PUBLISHED) == date(2026, 10, 17)
    assert is_open(ctx, PUBLISHED, LAST_DAY) and not is_open(ctx, PUBLISHED, AFTER)
    # Published at 23:30 local on the 10th (15:30 UTC): still the 10th, so still the 17th.
    assert window_end(ctx, datetime(2026, 10, 10, 15, 30, tzinfo=UTC)) == date(2026, 10, 17)
    assert end_text("zh-CN", date(2026, 10, 17)) == "异议期至 2026年10月17日"
    assert end_text("en", date(2026, 10, 17)) == "Open to objections until 17/10/2026"


async def ask(town, chat, item: int, row: int, question: str) -> str:
    resident = chat(RESIDENT)
    await resident.say_for(f"/start L{item}_{row}", "您要问的是这一行")
    confirm = await resident.say_for(question, button="tp:ok")
    await resident.press(confirm, "tp:ok")
    return re.search(r"DT-\d{4}-\d{4,}", (await resident.reply_with("DT-"))["text"]).group(0)


def supervisor_notices(town) -> list[str]:
    found = town.store.db.execute(
        "SELECT idempotency_key FROM outbox WHERE chat_id = ? "
        "AND idempotency_key LIKE '%objection%'",
        [SUPERVISOR],
    )
    return [r[0] for r in found]


async def test_inside_the_window_supervisors_hear_and_township_sees_the_mark(town, chat):
    town.services.clock.set(LAST_DAY)
    item = ledger(town)
    receipt = await ask(town, chat, item, row_ids(town, item)[0], "这笔承包费交齐了吗？")
    topic = topics.by_receipt(town.store.db, receipt)
    assert topic_disclosure_lines.of_topic(town.store.db, topic.id).in_window
    assert len(supervisor_notices(town)) == 1
    await chat(SUPERVISOR).reply_with("异议期内有村民提问", receipt)
    pending = await chat(STAFF).say_for("/pending", receipt)
    line = next(x for x in pending["text"].splitlines() if receipt in x)
    assert line.startswith("⚖️异议期内")
    assert "异议期至 2026年10月17日" in await page(town, f"/d/{item}")


async def test_after_the_window_nobody_else_is_told_and_nothing_is_marked(town, chat):
    item = ledger(town)
    town.services.clock.set(AFTER)
    receipt = await ask(town, chat, item, row_ids(town, item)[0], "这笔承包费交齐了吗？")
    topic = topics.by_receipt(town.store.db, receipt)
    link = topic_disclosure_lines.of_topic(town.store.db, topic.id)
    assert (link.disclosure_id, link.in_window) == (item, False)
    assert supervisor_notices(town) == []
    pending = await chat(STAFF).say_for("/pending", receipt)
    assert "异议期内" not in pending["text"]
    html = await page(town, f"/d/{item}")
    assert "异议期已过（至 2026年10月17日）" in html


def test_the_window_is_configurable(town):
    ctx = town.services.ctx
    assert ctx.config.disclosure.objection_days == 7  # the default
    three = replace(ctx.config, disclosure=replace(ctx.config.disclosure, objection_days=3))
    assert window_end(replace(ctx, config=three), PUBLISHED) == date(2026, 10, 13)
