"""One answer for several topics picked from a list (issue 13 §4), end to end through the
emulator: `/answer` alone lists the official's open topics with a toggle each (☐/☑, edited in
place) and 用同一答复回答所选 (N); the text then answers each picked topic with its own answer
record, wall post and requester notice (PT-04, PT-11). The choice is kept server side and
every pick is checked for this official."""

from __future__ import annotations

from storage import topic_answers
from tests.conftest import eventually
from tests.test_answer_many import QUESTIONS, file_topics, head_after_notices
from tests.test_topics_e2e import (  # noqa: F401 (the fixture)
    ACCOUNTANT,
    HEAD,
    RES1,
    RES2,
    RES3,
    RES_HEXI,
    WALL,
    receipt_in,
    snapshot,
    town,
)


def keyboard(emulator, user_id: int, message: dict) -> list[str]:
    """The button labels of a message as it stands now (after edits)."""
    current = next(
        m for m in emulator.messages(user_id) if m["message_id"] == message["message_id"]
    )
    rows = (current.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["text"] for row in rows for b in row]


def topic_id(runtime, receipt: str) -> int:
    sql = "SELECT id FROM topics WHERE receipt = ?"
    return runtime.store.db.execute(sql, [receipt]).fetchone()[0]


async def test_picked_topics_get_one_answer_each(town, emulator, chat):  # noqa: F811
    filed = await file_topics(chat)
    head = await head_after_notices(emulator, chat)
    listing = await head.say_for("/answer", "选出答复相同的点题", button="tp:ms:")
    labels = keyboard(emulator, HEAD, listing)
    assert len(labels) == len(QUESTIONS) + 1 and labels[-1] == "用同一答复回答所选（0）"
    assert all(label.startswith("☐ DT-") for label in labels[:-1])

    first, second = topic_id(town, filed[RES1]), topic_id(town, filed[RES2])
    for number in (first, second, first, first):  # the first ticked, unticked, ticked again
        await head.press(listing, f"tp:ms:{number}")
    expected = "用同一答复回答所选（2）"
    await eventually(lambda: keyboard(emulator, HEAD, listing)[-1] == expected)
    ticked = [label for label in keyboard(emulator, HEAD, listing) if label.startswith("☑")]
    assert sorted(receipt_in(label) for label in ticked) == sorted([filed[RES1], filed[RES2]])

    await head.press(listing, "tp:mg")
    asked = await head.shows("请发送答复内容", listing)
    assert filed[RES1] in asked["text"] and filed[RES3] not in asked["text"]
    text = "路灯已报修，电工本周内更换灯泡，联系电话 13812345678。"
    done = await head.say_for(text, "已用同一答复办结 2 条点题")
    assert filed[RES1] in done["text"] and filed[RES2] in done["text"]

    db = town.store.db
    answers = [topic_answers.answer(db, r["id"]) for r in db.query("SELECT id FROM topic_answers")]
    assert sorted(a.topic_id for a in answers) == sorted([first, second])
    assert {a.text for a in answers} == {text.replace("13812345678", "138****5678")}
    walls = await emulator.wait_for_messages(WALL, 2)
    assert sorted(receipt_in(w["text"]) for w in walls) == sorted([filed[RES1], filed[RES2]])
    for uid in (RES1, RES2):
        await chat(uid).reply_with("您的点题有答复了", filed[uid])
    statuses = dict(db.execute("SELECT receipt, status FROM topics").fetchall())
    assert statuses[filed[RES3]] == "assigned"


async def test_every_pick_is_checked_and_nothing_rides_in_the_buttons(
    town,  # noqa: F811
    emulator,
    chat,
):
    filed = await file_topics(chat)
    (foreign_receipt,) = await chat(RES_HEXI).say("/topic 河西村的水渠什么时候清理？")
    foreign = topic_id(town, receipt_in(foreign_receipt["text"]))
    head = await head_after_notices(emulator, chat)
    listing = await head.say_for("/answer", "选出答复相同的点题", button="tp:ms:")
    before = snapshot(town)
    # Nothing ticked yet; a topic of another village (never offered); typed text too early.
    await head.press(listing, "tp:mg")
    await head.press(listing, f"tp:ms:{foreign}", forged=True)
    alerts = await eventually(
        lambda: len(emulator.callback_answers()) >= 2 and emulator.callback_answers()
    )
    assert "还没有选中点题" in alerts[0]["text"] and "已失效" in alerts[1]["text"]
    early = await head.say_for("已报修。", "请先点按钮选中点题")
    assert early
    # A topic handed over to the accountant meanwhile can no longer be ticked by the head.
    targets = await head.say_for(f"/transfer {filed[RES3]}", button="tp:tt:")
    await head.press(targets, f"tp:tt:{topic_id(town, filed[RES3])}:{ACCOUNTANT}")
    await head.shows("已将点题", targets)
    await head.press(listing, f"tp:ms:{topic_id(town, filed[RES3])}")
    refused = await eventually(
        lambda: len(emulator.callback_answers()) >= 4 and emulator.callback_answers()[3]
    )
    assert "不是交给您办理的" in refused["text"]
    assert snapshot(town) == before
    assert keyboard(emulator, HEAD, listing)[-1] == "用同一答复回答所选（0）"
    # A resident has no such list.
    resident = chat(RES1)
    resident.seen = emulator.messages(RES1)[-1]["message_id"]
    (not_theirs,) = await resident.say("/answer")
    assert "只有村干部可以一次答复多条点题" in not_theirs["text"]
