""" "A neighbour already asked this" (issue 13 §2), end to end through the emulator: a near-copy
of a recent topic of the same village is shown first, with buttons to follow it (a support, and
its answer sent to the follower) or file anyway; unrelated texts sharing only stock words, other
villages' topics and old topics are not offered; forged or stale buttons change nothing."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.demo import USERS, seed
from bot.sandbox.environment import sandbox
from bot.services.topics.similar_topics import content_words
from run import Runtime
from storage import topic_follows
from tests.conftest import Chat, eventually
from tests.test_topics_e2e import (  # noqa: F401 (the fixture)
    HEAD,
    RES1,
    RES2,
    RES3,
    RES_HEXI,
    START,
    button,
    receipt_in,
    snapshot,
    town,
)

ASKED = "村里修路的钱是怎么花的？请公开修路费用明细和施工队的合同。"
# The same request: words reordered and other punctuation; one word changed.
REORDERED = "请公开施工队的合同和修路费用明细，村里修路的钱是怎么花的"
ONE_WORD_CHANGED = "村里修路的钱是怎么用的？请公开修路费用明细和施工队的合同。"
# Unrelated requests sharing only the stock words of any request (请公开, 村里, 费用, 钱…).
UNRELATED = ("请公开村里打井的费用。", "村里的钱是怎么花的？请公开低保名单。")
OFFER = "同村已有村民问过"


async def first_topic(chat, uid: int = RES1, text: str = ASKED) -> str:
    (receipt,) = await chat(uid).say(f"/topic {text}")
    return receipt_in(receipt["text"])


def topic_id(runtime, receipt: str) -> int:
    sql = "SELECT id FROM topics WHERE receipt = ?"
    return runtime.store.db.execute(sql, [receipt]).fetchone()[0]


def count(runtime, table: str) -> int:
    return runtime.store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


async def test_near_copies_are_offered_with_the_topic_shown(town, emulator, chat):  # noqa: F811
    receipt = await first_topic(chat)
    number = topic_id(town, receipt)
    for uid, text in ((RES2, REORDERED), (RES3, ONE_WORD_CHANGED)):
        (offer,) = await chat(uid).say(f"/topic {text}")
        assert OFFER in offer["text"] and receipt in offer["text"], text
        assert "办理中" in offer["text"] and "还没有答复" in offer["text"]
        assert "1 位村民问了同样的问题" in offer["text"]
        assert button(offer, "tp:fw:") == f"tp:fw:{number}"
        assert button(offer, "tp:fa:") == f"tp:fa:{number}"
    assert count(town, "topics") == 1  # nothing filed while the resident decides


async def test_unrelated_other_village_and_old_topics_are_not_offered(town, chat):  # noqa: F811
    await first_topic(chat)
    for text in UNRELATED:
        (filed,) = await chat(RES2).say(f"/topic {text}")
        assert OFFER not in filed["text"] and receipt_in(filed["text"]), text
    # A hexi resident asking the very same: qingshan's topic is not theirs to follow.
    (hexi,) = await chat(RES_HEXI).say(f"/topic {REORDERED}")
    assert OFFER not in hexi["text"] and receipt_in(hexi["text"])
    # Beyond the window ([topics] similar_days = 90), the old topic is not offered.
    town.clock.set(START + timedelta(days=91))
    (late,) = await chat(RES3).say(f"/topic {REORDERED}")
    assert OFFER not in late["text"] and receipt_in(late["text"])
    assert count(town, "topics") == 5


def test_stock_words_alone_tell_nothing_apart():
    assert content_words("请问村里的费用什么时候公开？") <= {"村里", "费用", "公开", "时候"}


def test_a_texts_words_are_cut_once_and_cannot_be_changed():
    # Kept per text (a village's recent topics are cut again at every filing): a caller that
    # could add to the set would change the words of every later check of that text.
    words = content_words("村里修路的钱怎么花的")
    assert content_words("村里修路的钱怎么花的") is words
    assert "修路" in words and not hasattr(words, "add")


async def test_follow_counts_a_support_and_sends_the_answer(town, emulator, chat):  # noqa: F811
    receipt = await first_topic(chat)
    number = topic_id(town, receipt)
    head = chat(HEAD)  # a project topic: the village head has it (no routing rule)
    await head.reply_with(receipt, "修路")
    follower = chat(RES2)
    (offer,) = await follower.say(f"/topic {REORDERED}")
    await follower.press(offer, f"tp:fw:{number}")
    done = await follower.shows("已跟进", offer)
    assert receipt in done["text"] and "2 位村民问了同样的问题" in done["text"]
    db = town.store.db
    assert db.execute("SELECT user_id FROM topic_supports").fetchall() == [(RES2,)]
    assert topic_follows.followers(db, number) == [RES2]
    assert count(town, "topics") == 1
    notice = await head.reply_with("又一位村民问了同样的问题", receipt)
    assert "2 位村民问了同样的问题" in notice["text"]
    history = await head.say_for(f"/history {receipt}", "办理经过")
    assert "2 位村民问了同样的问题" in history["text"] and "跟进这一条" in history["text"]

    # One support in a village of three makes it a joint request: answered with a link.
    text = "修路共花费十二万元，明细已公开 https://example.org/d/7"
    (answered,) = await head.say(f"/answer {receipt} {text}")
    assert "已答复" in answered["text"]
    told = await follower.reply_with("您跟进的点题", receipt)
    assert "十二万元" in told["text"] and "问：村里修路" in told["text"]
    await chat(RES1).reply_with("您的点题有答复了")

    # A neighbour following the answered topic gets the answer at once.
    third = chat(RES3)
    (offer,) = await third.say(f"/topic {ONE_WORD_CHANGED}")
    assert "已答复" in offer["text"] and "十二万元" in offer["text"]
    await third.press(offer, f"tp:fw:{number}")
    answer = await third.reply_with("您跟进的点题", receipt)
    assert "十二万元" in answer["text"]
    assert "3 位村民问了同样的问题" in (await third.shows("已跟进", offer))["text"]
    assert topic_follows.followers(db, number) == [RES2, RES3]


async def test_file_anyway_files_once_and_forged_buttons_change_nothing(
    town,  # noqa: F811
    emulator,
    chat,
):
    receipt = await first_topic(chat)
    number = topic_id(town, receipt)
    other = await first_topic(chat, RES3, "村口的路灯坏了什么时候修好？")
    resident = chat(RES2)
    (offer,) = await resident.say(f"/topic {REORDERED}")
    before = snapshot(town)
    # Forged: a follow naming another topic than the one offered, then a file-anyway too.
    await resident.press(offer, f"tp:fw:{topic_id(town, other)}", forged=True)
    await resident.press(offer, f"tp:fa:{topic_id(town, other)}", forged=True)
    alerts = await eventually(lambda: len(emulator.callback_answers()) >= 2)
    assert alerts and all("已失效" in a["text"] for a in emulator.callback_answers())
    assert snapshot(town) == before and count(town, "topic_followers") == 0

    await resident.press(offer, f"tp:fa:{number}")
    filed = await resident.reply_with("回执")
    mine = receipt_in(filed["text"])
    assert mine not in (receipt, other)
    stored = town.store.db.execute("SELECT text FROM topics WHERE receipt = ?", [mine]).fetchone()
    assert stored == (REORDERED,)
    # Pressed again (a double tap before the edit; or follow after filing): stale, nothing
    # filed twice.
    await resident.press(offer, f"tp:fa:{number}", forged=True)
    await resident.press(offer, f"tp:fw:{number}", forged=True)
    answers = await eventually(
        lambda: len(emulator.callback_answers()) >= 5 and emulator.callback_answers()
    )
    assert answers[2].get("text") is None  # the real press, answered by the filing
    assert all("已失效" in a["text"] for a in answers[3:])
    assert count(town, "topics") == 3 and count(town, "topic_supports") == 0


async def test_the_guided_form_offers_the_similar_topic_too(town, emulator, chat):  # noqa: F811
    receipt = await first_topic(chat)
    resident = chat(RES2)
    (ask,) = await resident.say(REORDERED)  # free text: "file it?" (PT-01)
    await resident.press(ask, button(ask, "tp:ok"))
    offer = await resident.shows(OFFER, ask)
    assert receipt in offer["text"] and count(town, "topics") == 1


async def test_the_sandbox_demo_offers_the_neighbours_topic(tmp_path):
    """`python run.py` without a token: 王秀英 asking much the same as 刘大山 is offered his."""
    async with sandbox(None) as (config, emulator):
        runtime = Runtime(config, sandbox_api=emulator.url)
        await runtime.start()
        try:
            seed(runtime.services)
            resident = Chat(emulator, USERS[0].user_id)
            offer = await resident.say_for("/topic 请公开修路的费用明细和施工队的合同", OFFER)
            assert "村里修路的钱是怎么花的" in offer["text"]
        finally:
            await runtime.stop()


async def test_a_topic_filed_for_a_resident_is_offered_like_any_other(town, chat):  # noqa: F811
    official = town.services.membership.person(HEAD)
    data = {"name": "赵大爷", "consent": "in_person", "category": "project", "text": ASKED}
    filed = town.services.topics.proxy.file(official, data)
    (offer,) = await chat(RES2).say(f"/topic {REORDERED}")
    assert OFFER in offer["text"] and filed.receipt in offer["text"]
    assert "赵大爷" not in offer["text"]  # the resident's name stays private
