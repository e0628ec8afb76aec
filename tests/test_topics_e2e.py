"""Point-topic requests end to end: the real python-telegram-bot stack against the emulator.

Issue 4 acceptance: filed (guided and one-shot) → routed by category → answered → posted to the
wall channel → rated; a refusal for privacy; an extension, a late answer, 不满意, reopening; a
topic never answered → overdue → automatic urge → /overdue and the digest; and the abuse cases.
"""

from __future__ import annotations

import re
import struct
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from run import Runtime
from storage import members, topics, users
from tests import conftest
from tests.conftest import STAFF, eventually, make_config, ticking_by_hand

WALL = -1009000000001
ACCOUNTANT, HEAD, HEXI_OFFICIAL = 2001, 2002, 2003
RES1, RES2, RES3, RES_HEXI = 1001, 1002, 1003, 1004
# Tue 29 Sep 2026, 10:00 Shanghai: the first deadline crosses the National Day holidays.
START = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
async def town(tmp_path: Path, emulator):
    """The bot with a wall channel, a routing rule, officials and residents, on a fixed clock."""
    emulator.add_chat(WALL, "示范镇回音壁", "channel")
    for uid, name in ((ACCOUNTANT, "钱会计"), (HEAD, "孙主任"), (HEXI_OFFICIAL, "吴文书")):
        emulator.add_user(uid, name, language_code="zh-hans")
    config = make_config(
        tmp_path,
        emulator,
        topics={
            "wall_chat_id": WALL,
            "routes": [{"village": "qingshan", "category": "finance", "user_id": ACCOUNTANT}],
        },
    )
    rt = await ticking_by_hand(config, START)
    clock = rt.services.clock
    with rt.store.transaction() as db:
        for uid in (RES1, RES2, RES3, RES_HEXI, ACCOUNTANT, HEAD, HEXI_OFFICIAL):
            users.ensure(db, uid)
        for uid in (RES1, RES2, RES3):
            members.add(db, uid, "resident", "qingshan")
        members.add(db, RES_HEXI, "resident", "hexi")
        members.add(db, ACCOUNTANT, "official", "qingshan", "会计")
        members.add(db, HEAD, "official", "qingshan", "村委会主任")
        members.add(db, HEXI_OFFICIAL, "official", "hexi", "文书")
    rt.clock = clock
    yield rt
    await rt.stop()


def receipt_in(text: str) -> str:
    return re.search(r"DT-\d{4}-\d{4,}", text).group(0)


def button(message: dict, prefix: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for b in row:
            if b["callback_data"].startswith(prefix):
                return b["callback_data"]
    raise AssertionError(f"no {prefix} button in {message}")


def user_text_formatted(message: dict, text: str) -> bool:
    """Whether any formatting entity (bold, link…) overlaps the user's text in a message."""
    start = len(message["text"][: message["text"].index(text)].encode("utf-16-le")) // 2
    end = start + len(text.encode("utf-16-le")) // 2
    return any(
        e["offset"] < end and e["offset"] + e["length"] > start for e in message.get("entities", [])
    )


def snapshot(runtime) -> tuple:
    db = runtime.store.db
    return (
        *tuple(
            db.execute(f"SELECT count(*), coalesce(max(rowid), 0) FROM {t}").fetchone()
            for t in ("topics", "topic_answers", "topic_supports", "topic_extensions")
        ),
        db.execute("SELECT group_concat(status || rating, ',') FROM topics").fetchone(),
    )


async def test_the_four_topics_of_the_acceptance(town, emulator, chat):
    await four_topics(town, emulator, chat)


async def four_topics(town, emulator, chat) -> None:
    """The acceptance story (also run under Telegram faults, tests/test_faults.py)."""
    resident, accountant, head, staff = chat(RES1), chat(ACCOUNTANT), chat(HEAD), chat(STAFF)

    # 1. Guided filing: category buttons, text, a photo, confirm.
    ask = await resident.say_for("/topic", button="tp:cat:")
    assert "类别" in ask["text"]
    await resident.press(ask, "tp:cat:finance")
    await resident.shows("请直接发送", ask)
    media = await resident.say_for("请公开今年第三季度的财务收支明细", "照片")
    assert "照片" in media["text"]
    await emulator.send_photo(RES1, tiny_png())
    confirm = await resident.reply_with("附件：照片")
    assert "附件：照片" in confirm["text"]
    await resident.press(confirm, "tp:ok")
    receipt = await resident.reply_with("DT-")
    first = receipt_in(receipt["text"])
    assert first == "DT-2026-0001" and "2026-10-19" in receipt["text"]
    assert "青山村 会计" in receipt["text"]
    await resident.shows("已提交", confirm)

    # Routed by category to the accountant, who answers with the guided form.
    notice = await accountant.reply_with("限时反馈通知书")
    assert "限时反馈通知书" in notice["text"] and first in notice["text"]
    await accountant.press(notice, button(notice, "tp:a:"))
    prompt = await accountant.reply_with(first)
    assert first in prompt["text"]
    check = await accountant.say_for(
        "第三季度收入 12.5 万元，支出 9.8 万元，明细已在公开栏张贴。", button="tp:ok"
    )
    await accountant.press(check, "tp:ok")
    await accountant.shows("已答复", check)

    # Posted to the wall channel: no requester name; the resident rates it 满意.
    (wall,) = await emulator.wait_for_messages(WALL, 1, timeout=conftest.PATIENCE)
    assert first in wall["text"] and "✅ 按时" in wall["text"] and "王秀英" not in wall["text"]
    answered = await resident.reply_with("您的点题有答复了")
    assert "您的点题有答复了" in answered["text"]
    await resident.press(answered, button(answered, "tp:r:")[:-1] + "s")
    thanks = await resident.reply_with("满意")
    assert "满意" in thanks["text"]
    assert topics.by_receipt(town.store.db, first).close_reason == "rated"

    # 2. One-shot filing, declined for privacy.
    neighbour = chat(RES2)
    receipt2 = await neighbour.say_for("/topic 请公开张三家的低保申请材料", "DT-")
    second = receipt_in(receipt2["text"])
    assert "低保" in receipt2["text"] and "村委会主任" in receipt2["text"]
    await head.reply_with(second)
    ack = await head.say_for(f"/decline {second} 隐私 涉及个人隐私，依法不予公开。", "不予公开")
    assert "不予公开" in ack["text"]
    walls = await emulator.wait_for_messages(WALL, 2, timeout=conftest.PATIENCE)
    assert second in walls[-1]["text"] and "涉及个人隐私" in walls[-1]["text"]
    declined = await neighbour.reply_with("您问的事不能公开")
    assert "您问的事不能公开" in declined["text"]

    # 3. Extension approved, answered late, 不满意, reopened, answered again, 满意.
    third_resident = chat(RES3)
    receipt3 = await third_resident.say_for("/topic 修路工程的钱花在哪里了？", "DT-")
    third = receipt_in(receipt3["text"])
    notice3 = await head.reply_with(third, button="tp:x:")
    await head.press(notice3, button(notice3, "tp:x:"))
    how = await head.reply_with("延期")
    assert "延期" in how["text"]
    asked = await head.say_for("5 需要查阅工程结算账目", "等待乡镇审批")
    assert "等待乡镇审批" in asked["text"]
    request = await staff.reply_with("延期申请", button="tp:xa:")
    await staff.press(request, button(request, "tp:xa:"))
    await staff.shows("已批准", request)
    approved = await head.reply_with("2026-10-26")
    assert "2026-10-26" in approved["text"]  # 19 Oct + 5 working days
    told = await third_resident.reply_with("需要查阅工程结算账目")
    assert "需要查阅工程结算账目" in told["text"]
    town.clock.set(datetime(2026, 10, 28, 2, 0, tzinfo=UTC))
    late = await head.say_for(f"/answer {third} 修路款 30 万元，结算单见村委会公开栏。", "已答复")
    assert "已答复" in late["text"]
    walls = await emulator.wait_for_messages(WALL, 3, timeout=conftest.PATIENCE)
    assert third in walls[-1]["text"] and "⚠️ 超期" in walls[-1]["text"]
    answer3 = await third_resident.reply_with("您的点题有答复了")
    await third_resident.press(answer3, button(answer3, "tp:r:")[:-1] + "u")
    why = await third_resident.reply_with("原因")
    assert "原因" in why["text"]
    reopened = await third_resident.say_for("没有说明每一段路各花了多少钱", "重新办理")
    assert "重新办理" in reopened["text"]
    again = await head.reply_with("没有说明每一段路各花了多少钱")
    assert "没有说明每一段路各花了多少钱" in again["text"]
    await head.say_for(f"/answer {third} 三段路分别为 10、12、8 万元。", "已答复")
    answer3b = await third_resident.reply_with("您的点题有答复了")
    await third_resident.press(answer3b, button(answer3b, "tp:r:")[:-1] + "s")
    await third_resident.reply_with("满意")
    closed = topics.by_receipt(town.store.db, third)
    assert (closed.status, closed.reopened, closed.rating) == ("closed", 1, "satisfied")

    # 4. Never answered → overdue → automatic urge → /overdue and the digest.
    town.clock.set(datetime(2026, 10, 28, 3, 0, tzinfo=UTC))
    receipt4 = await resident.say_for("/topic 请公开今年种粮补贴的发放名单", "DT-")
    fourth = receipt_in(receipt4["text"])
    assert "2026-11-11" in receipt4["text"]
    await head.reply_with(fourth)
    results = town.services.ticker.run(datetime(2026, 11, 12, 1, 0, tzinfo=UTC))
    assert results["topics.auto_urge"] == [fourth] and results["topics.digest"] == 1
    urged = await head.reply_with("督办通知")
    assert "督办通知" in urged["text"] and fourth in urged["text"]
    digest = await staff.reply_with("点题日报", fourth)
    assert "点题日报" in digest["text"] and fourth in digest["text"]
    town.clock.set(datetime(2026, 11, 12, 2, 0, tzinfo=UTC))
    overdue = await staff.say_for("/overdue", "超期点题（共")
    assert fourth in overdue["text"] and "超期" in overdue["text"]
    history = await resident.say_for(f"/history {fourth}", "办理经过")
    assert "到期没办，自动督办" in history["text"] and "提交点题" in history["text"]
    pending = await staff.say_for("/pending qingshan", "在办点题")
    assert fourth in pending["text"] and first not in pending["text"]


async def test_stats_chart_and_report_through_the_bot(town, emulator, chat):
    resident, head, staff = chat(RES1), chat(HEAD), chat(STAFF)
    (receipt,) = await resident.say("/topic 请公开今年的村务会议记录")
    await head.replies()
    await head.say(f"/answer {receipt_in(receipt['text'])} 会议记录已张贴在公开栏。")
    await resident.replies()  # the answer notice
    (text, photo) = await staff.say("/stats 2026Q3", expect=2)
    assert "点题统计" in text["text"] and "青山村" in text["text"]
    assert "青山村：收到 1，办结 1" in text["text"] and photo.get("photo")
    (document,) = await staff.say("/report 2026Q3")
    assert document["document"]["file_name"] == "topics-2026Q3.xlsx"
    (refused,) = await resident.say("/report 2026Q3")
    assert "仅限" in refused["text"]


async def test_abuse_is_refused_clearly_and_changes_nothing(town, emulator, chat):
    resident, neighbour, head, hexi = chat(RES1), chat(RES2), chat(HEAD), chat(HEXI_OFFICIAL)
    # HTML and Telegram markup are shown literally everywhere.
    evil = "<b>粗体</b> <a href='http://x'>链接</a> *星号* _斜体_ &amp;"
    (receipt,) = await resident.say(f"/topic {evil}")
    assert evil in receipt["text"] and not user_text_formatted(receipt, evil)
    number = receipt_in(receipt["text"])
    (notice,) = await head.replies()
    assert evil in notice["text"] and not user_text_formatted(notice, evil)
    before = snapshot(town)

    # The longest message a Telegram client sends (a 10,000-character text arrives split into
    # such pieces; the service refuses 10,000 characters too, see test_topics.py).
    (too_long,) = await resident.say("/topic " + "长" * 4_089)
    assert "太长" in too_long["text"]
    # Supporting twice (and one's own topic).
    (own,) = await resident.say(f"/support {number}")
    assert "自己" in own["text"]
    (first,) = await neighbour.say(f"/support {number}")
    assert "已附议" in first["text"]
    after_support = snapshot(town)
    (twice,) = await neighbour.say(f"/support {number}")
    assert "只能附议一次" in twice["text"]
    assert snapshot(town) == after_support
    # Answering a topic of another village.
    (foreign,) = await hexi.say(f"/answer {number} 我来答复")
    assert "不是交给您办理的" in foreign["text"]
    # Rating someone else's topic (a forged button).
    await head.say(f"/answer {number} 已在公开栏说明 https://example.org/d/1")
    (answered,) = await resident.replies()
    rating = button(answered, "tp:r:")
    await neighbour.press(answered, rating, forged=True)
    alert = await eventually(lambda: emulator.callback_answers())
    assert "只有提出这条点题的村民本人" in alert[-1]["text"]
    await resident.press(answered, rating[:-1] + "s")
    await resident.replies()
    closed = snapshot(town)
    # A stale button after the topic closed: the old answer button and the rating.
    await head.press(notice, button(notice, "tp:a:"))
    await resident.press(answered, rating[:-1] + "u")
    answers = await eventually(
        lambda: len(emulator.callback_answers()) >= 4 and emulator.callback_answers()
    )
    assert "已答复或已办结" in answers[-2]["text"] and "已失效" in answers[-1]["text"]
    assert snapshot(town) == closed
    assert before[0] == closed[0]  # no topic was added by any refusal

    # The daily limit: five a day.
    for i in range(4):
        await resident.say(f"/topic 第{i + 2}个问题：请公开村务")
    (limit,) = await resident.say("/topic 第六个问题：请公开村务")
    assert "每日上限" in limit["text"]
    assert len(topics.of_requester(town.store.db, RES1)) == 5
    town.clock.set(START + timedelta(days=1))
    (tomorrow,) = await resident.say("/topic 第二天：请公开村务")
    assert receipt_in(tomorrow["text"])


async def test_a_form_survives_a_restart_and_cancel_drops_it(tmp_path, emulator, chat):
    """Form progress lives in the database (DESIGN §7): a restart mid-form loses nothing."""
    config = make_config(tmp_path, emulator)
    first = Runtime(config)
    await first.start()
    with first.store.transaction() as db:
        users.ensure(db, RES1)
        members.add(db, RES1, "resident", "qingshan")
    resident = chat(RES1)
    (ask,) = await resident.say("/topic")
    await resident.press(ask, "tp:cat:land")
    await eventually(lambda: "请直接发送" in resident.last()["text"])
    await first.stop()

    second = Runtime(config)
    await second.start()
    try:
        (media,) = await resident.say("宅基地审批名单什么时候公示？")
        assert "照片" in media["text"]
        (cancelled,) = await resident.say("/cancel")
        assert "已取消" in cancelled["text"]
        (nothing,) = await resident.say("/cancel")
        assert "没有进行中的操作" in nothing["text"]
        (plain,) = await resident.say("这句话不在任何表单里")
        assert "作为点题提交吗" in plain["text"]  # offered, filed only when 提交 is pressed
        assert topics.of_requester(second.store.db, RES1) == []
    finally:
        await second.stop()


async def test_every_topic_command_answers(town, emulator, chat):
    """Each command and button once: lists, history with the photo, transfer, route, holiday,
    urge, and the refusals for people without the role."""
    resident, accountant, head, staff = chat(RES1), chat(ACCOUNTANT), chat(HEAD), chat(STAFF)
    (receipt,) = await resident.say("/topic 请公开今年的财务收支")
    number = receipt_in(receipt["text"])
    (notice,) = await accountant.replies()
    (mine,) = await resident.say("/mytopics")
    assert number in mine["text"] and "办理中" in mine["text"]
    (inbox,) = await accountant.say("/inbox")
    assert number in inbox["text"] and button(inbox, "tp:a:")
    await accountant.press(notice, button(notice, "tp:t:"))
    (targets,) = await accountant.replies()
    await accountant.press(targets, button(targets, "tp:tt:"))
    await eventually(lambda: "转交给" in accountant.last()["text"])
    (moved,) = await head.replies()
    assert number in moved["text"]
    await head.press(moved, button(moved, "tp:d:"))
    (reasons,) = await head.replies()
    await head.press(reasons, button(reasons, "tp:dr:").rsplit(":", 1)[0] + ":already_disclosed")
    await eventually(lambda: "链接" in head.last()["text"])
    (refused,) = await head.say("早就公开过了")
    assert "附上已发布公开事项的链接" in refused["text"]
    (cancelled,) = await head.say("/cancel")
    assert "已取消" in cancelled["text"]
    (urged,) = await staff.say(f"/urge {number} 请尽快答复")
    assert "督办通知" in urged["text"] or "已向负责办理的人" in urged["text"]
    await head.replies()
    (history,) = await accountant.say(f"/history {number}", expect=1)
    assert "转交给" in history["text"] and "乡镇督办：请尽快答复" in history["text"]
    (route_list,) = await staff.say("/route qingshan")
    assert "财务 → 青山村 会计" in route_list["text"]
    (route_bad,) = await staff.say("/route qingshan finance #999")
    assert "不是该村村干部" in route_bad["text"]
    (holiday,) = await staff.say("/holiday 2027-02-10 休 春节")
    assert "2027-02-10" in holiday["text"] and "尚未载入" in holiday["text"]
    (listing,) = await staff.say("/holiday")
    assert "2027-02-10 休息日 春节" in listing["text"]
    (bad_date,) = await staff.say("/holiday 2027-13-40 休")
    assert "不是有效日期" in bad_date["text"]
    for command in ("/pending", "/overdue", "/urge x", "/route qingshan", "/holiday", "/report"):
        (no,) = await resident.say(command)
        assert "仅限" in no["text"], command
    (bad,) = await resident.say("/history DT-20")
    assert "不是有效的回执号" in bad["text"]
    (usage,) = await resident.say("/support")
    assert "用法" in usage["text"]
    (pictured,) = await resident.say("/topic")
    await resident.press(pictured, "tp:cat:other")
    await eventually(lambda: "请直接发送" in resident.last()["text"])
    await resident.say("村里的路灯什么时候修？")
    await emulator.send_photo(RES1, tiny_png(), caption="路灯坏了")
    (confirm,) = await resident.replies()
    assert "附件：照片" in confirm["text"], confirm["text"]
    await resident.press(confirm, "tp:ok")
    (second,) = await resident.replies()
    shown = await resident.say(f"/history {receipt_in(second['text'])}", expect=2)
    assert shown[-1].get("photo")
