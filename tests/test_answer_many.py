"""One text answering several point-topics (`/answer DT-… DT-… text`), end to end through the
emulator: all or nothing, and each topic still gets its own answer record, wall post and
requester notice (PT-04, PT-11)."""

from __future__ import annotations

from storage import topic_answers
from tests.conftest import eventually
from tests.test_topics_e2e import (  # noqa: F401 (the fixture)
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

QUESTIONS = {
    RES1: "村口的路灯坏了什么时候修好？",
    RES2: "村东头路灯一直不亮，能不能修？",
    RES3: "晚上路灯不亮，走路不安全。",
}


async def file_topics(chat) -> dict[int, str]:
    """Each qingshan resident files a topic the village head handles; their receipts."""
    filed = {}
    for uid, question in QUESTIONS.items():
        (receipt,) = await chat(uid).say(f"/topic {question}")
        filed[uid] = receipt_in(receipt["text"])
    return filed


async def head_after_notices(emulator, chat):
    """The village head's chat, once the new-topic notices have arrived."""
    head = chat(HEAD)
    await eventually(lambda: len(emulator.messages(HEAD)) >= len(QUESTIONS))
    head.seen = emulator.messages(HEAD)[-1]["message_id"]
    return head


async def test_three_topics_answered_with_one_command(town, emulator, chat):  # noqa: F811
    filed = await file_topics(chat)
    head = await head_after_notices(emulator, chat)
    text = "路灯已报修，电工本周内更换灯泡，费用由村集体支付，联系电话 13812345678。"

    (done,) = await head.say(f"/answer {' '.join(filed.values())} {text}")
    assert "已用同一答复办结 3 条点题" in done["text"]
    assert all(receipt in done["text"] for receipt in filed.values())

    db = town.store.db
    answers = [topic_answers.answer(db, r["id"]) for r in db.query("SELECT id FROM topic_answers")]
    assert len(answers) == 3 and len({a.topic_id for a in answers}) == 3
    # Masked before storing (SEC-03), the same text on each record.
    assert {a.text for a in answers} == {text.replace("13812345678", "138****5678")}
    walls = await emulator.wait_for_messages(WALL, 3)
    assert sorted(receipt_in(w["text"]) for w in walls) == sorted(filed.values())
    assert all("13812345678" not in w["text"] for w in walls)
    for uid, receipt in filed.items():
        told = await eventually(
            lambda uid=uid: [m for m in emulator.messages(uid) if "您的点题有答复了" in m["text"]]
        )
        assert len(told) == 1 and receipt in told[0]["text"], uid
    statuses = db.execute("SELECT group_concat(status) FROM topics").fetchone()[0]
    assert statuses == "answered,answered,answered"


async def test_a_foreign_receipt_among_them_answers_nothing(town, emulator, chat):  # noqa: F811
    filed = await file_topics(chat)
    (foreign_receipt,) = await chat(RES_HEXI).say("/topic 河西村的水渠什么时候清理？")
    foreign = receipt_in(foreign_receipt["text"])
    head = await head_after_notices(emulator, chat)
    before = snapshot(town)

    receipts = [filed[RES1], foreign, filed[RES2]]
    (refused,) = await head.say(f"/answer {' '.join(receipts)} 已安排人员处理。")
    assert "没有答复任何点题" in refused["text"]
    assert f"点题 {foreign} 不是本村村干部办理的" in refused["text"]
    assert filed[RES1] not in refused["text"]
    assert snapshot(town) == before
    # An unknown receipt is named too, and a topic already answered.
    await head.say(f"/answer {filed[RES3]} 已报修。")
    (again,) = await head.say(f"/answer {filed[RES1]} {filed[RES3]} DT-2026-9999 已报修。")
    assert f"点题 {filed[RES3]} 已答复或已办结" in again["text"]
    assert "DT-2026-9999" in again["text"] and filed[RES1] not in again["text"]
    # Only the one answered on its own reached the wall.
    await eventually(lambda: len(emulator.messages(WALL)) == 1)


async def test_answering_many_is_for_officials_and_needs_a_text(town, emulator, chat):  # noqa: F811
    filed = await file_topics(chat)
    head = await head_after_notices(emulator, chat)
    (no_text,) = await head.say(f"/answer {filed[RES1]} {filed[RES2]}")
    assert "用法" in no_text["text"]
    resident = chat(RES1)
    resident.seen = emulator.messages(RES1)[-1]["message_id"]
    (refused,) = await resident.say(f"/answer {filed[RES1]} {filed[RES2]} 我来答复")
    assert "不是本村村干部办理的" in refused["text"]
    assert town.store.db.execute("SELECT count(*) FROM topic_answers").fetchone()[0] == 0
