"""A topic's receipt opens the topic in the bot (`/start DT-…`, PT-05) through the emulator: the
receipt's QR code is the bot's deep link when no public web address is configured; anyone sees
the public state only (masked, SEC-03/SEC-04); a resident of the village follows it from there;
others, forged presses and unknown receipts are refused; in both languages."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sandbox.demo import BOT_USERNAME as DEMO_BOT
from bot.sandbox.demo import USERS, seed
from bot.sandbox.environment import sandbox
from run import Runtime
from storage import members, topic_follows, topics, users
from tests.conftest import BOT_USERNAME, Chat, eventually, make_config, ticking_by_hand
from tests.test_topics_e2e import button
from tests.test_web_poster import qr_codes, render_pages

RESIDENT, NEIGHBOUR, HEXI_RESIDENT, ALICE, ACCOUNTANT = 1001, 1002, 1004, 1005, 2001
# Tue 3 Nov 2026, 10:00 Shanghai: ten working days later is Tue 17 Nov.
START = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
DUE = "2026-11-17"
QUESTION = "村里修路的钱花在哪里了？有事打我电话 13812345678"
# Telegram's start parameter: 1-64 characters of A-Z, a-z, 0-9, _ and -.
START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@pytest.fixture
async def town(tmp_path: Path, emulator):
    """The bot with no public web address, a resident's finance topic routed to the accountant,
    a neighbour, an English-speaking neighbour and a resident of another village."""
    emulator.add_user(ACCOUNTANT, "钱会计", language_code="zh-hans")
    config = make_config(
        tmp_path,
        emulator,
        topics={"routes": [{"village": "qingshan", "category": "finance", "user_id": ACCOUNTANT}]},
    )
    rt = await ticking_by_hand(config, START)
    with rt.store.transaction() as db:
        for uid, role, village in (
            (RESIDENT, "resident", "qingshan"),
            (NEIGHBOUR, "resident", "qingshan"),
            (ALICE, "resident", "qingshan"),
            (HEXI_RESIDENT, "resident", "hexi"),
            (ACCOUNTANT, "official", "qingshan"),
        ):
            users.ensure(db, uid)
            members.add(db, uid, role, village, "会计" if role == "official" else None)
    resident = rt.services.membership.person(RESIDENT)
    rt.topic = rt.services.topics.filing.file(resident, QUESTION, "finance")
    yield rt
    await rt.stop()


def answer(rt, text: str, link: str) -> None:
    services = rt.services
    topic = services.topics.reading.get(rt.topic.id)
    services.topics.answering.answer(services.membership.person(ACCOUNTANT), topic, text, link)


async def test_the_receipt_qr_is_the_bots_link_without_a_public_address(
    town, chat, emulator, tmp_path
):
    number = town.topic.receipt
    assert START_PAYLOAD.match(number) and START_PAYLOAD.match("DT-2026-99999999")
    await emulator.send_text(ACCOUNTANT, f"/receipt {number}")  # the office prints it
    document = await eventually(
        lambda: next((m for m in emulator.messages(ACCOUNTANT) if "document" in m), None)
    )
    pdf = emulator.state.files[document["document"]["file_id"]].content
    (page,) = render_pages(pdf, tmp_path, "receipt", dpi=200)
    assert qr_codes(page) == {f"https://t.me/{BOT_USERNAME}?start={number}"}


async def test_a_neighbour_sees_the_state_and_follows_it_from_the_link(town, chat, emulator):
    number, topic_id = town.topic.receipt, town.topic.id
    neighbour = chat(NEIGHBOUR)
    shown = await neighbour.say_for(f"/start {number}", number, button=f"tp:fl:{topic_id}")
    text = shown["text"]
    assert "办理中" in text and DUE in text and "青山村" in text and "财务" in text
    assert "还在办理中" in text and "修路" not in text  # the question waits for its answer
    await neighbour.press(shown, f"tp:fl:{topic_id}")
    await neighbour.reply_with("已跟进点题", number, "2 位村民问了同样的问题")
    assert topic_follows.followers(town.store.db, topic_id) == [NEIGHBOUR]
    # The handler hears of it; a second open shows the count and no button.
    await chat(ACCOUNTANT).reply_with("又一位村民问了同样的问题", number)
    again = await neighbour.say_for(f"/start {number}", "2 位村民问了同样的问题")
    assert "reply_markup" not in again
    await neighbour.press(shown, f"tp:fl:{topic_id}")  # the old button: refused, nothing twice
    await eventually(
        lambda: any("已经在跟进" in (a.get("text") or "") for a in emulator.callback_answers())
    )
    assert topics.supports(town.store.db, topic_id) == 1

    # Once answered: the masked question and the answer, the same as the web page.
    # Three of four residents asked it: a joint request, answered with a disclosure's link.
    answer(town, "修路款共 12 万元，明细已张贴在公开栏。", "https://cwgk.example.cn/d/7")
    await neighbour.reply_with("您跟进的点题", "12 万元")
    answered = await neighbour.say_for(f"/start {number}", "已答复")
    assert "修路的钱花在哪里了" in answered["text"] and "13812345678" not in answered["text"]
    assert "答（青山村 会计）：修路款共 12 万元" in answered["text"]
    assert "链接：https://cwgk.example.cn/d/7" in answered["text"]


async def test_others_see_the_state_without_a_button_and_forged_presses_are_refused(
    town, chat, emulator
):
    number, topic_id = town.topic.receipt, town.topic.id
    for uid in (HEXI_RESIDENT, RESIDENT, ACCOUNTANT):  # another village, its requester, an office
        shown = await chat(uid).say_for(f"/start {number}", number, DUE, "还在办理中")
        assert "reply_markup" not in shown, uid
    other = chat(HEXI_RESIDENT)
    await other.press(other.last(), f"tp:fl:{topic_id}", forged=True)
    await eventually(
        lambda: any("只有同村的村民" in (a.get("text") or "") for a in emulator.callback_answers())
    )
    assert topic_follows.followers(town.store.db, topic_id) == []
    await other.say_for("/start DT-2026-9999", "没有找到回执号为 DT-2026-9999 的点题")


async def test_an_english_reader_gets_it_in_english(town, chat):
    number, topic_id = town.topic.receipt, town.topic.id
    alice = chat(ALICE)
    shown = await alice.say_for(f"/start {number}", f"Request {number}", "Answer due", DUE)
    assert "in progress" in shown["text"] and "Still being handled" in shown["text"]
    assert button(shown, "tp:fl:") == f"tp:fl:{topic_id}"
    assert shown["reply_markup"]["inline_keyboard"][0][0]["text"] == "👥 Follow that one"
    await alice.press(shown, f"tp:fl:{topic_id}")
    await alice.reply_with("You follow request", "2 residents asked the same")


async def test_the_sandbox_demo_receipt_opens_in_the_bot(tmp_path):
    """`python run.py` without a token: the proxy topic's receipt links to the sandbox bot, and
    王秀英 follows it from there: two residents ask it now."""
    async with sandbox(None) as (config, emulator):
        runtime = Runtime(config, sandbox_api=emulator.url)
        await runtime.start()
        try:
            seed(runtime.services)
            official = next(u for u in USERS if u.role == "official")
            (topic,) = topics.of_requester(runtime.store.db, official.user_id)
            username = runtime.application.bot.username
            assert username == DEMO_BOT  # the sandbox has no public address: the bot's link
            url = runtime.services.topics.receipts.follow_url(topic, username)
            assert url == f"https://t.me/{DEMO_BOT}?start={topic.receipt}"
            resident = Chat(emulator, USERS[0].user_id)
            shown = await resident.say_for(f"/start {topic.receipt}", "还在办理中")
            await resident.press(shown, f"tp:fl:{topic.id}")
            await resident.reply_with("已跟进点题", "2 位村民问了同样的问题")
        finally:
            await runtime.stop()
