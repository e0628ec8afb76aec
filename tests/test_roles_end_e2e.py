"""Roles that end, end to end: /invites and a revoked official's buttons through the emulator."""

from __future__ import annotations

import re

from storage import members, topics
from tests.conftest import STAFF, eventually


def invite_code(text: str) -> str:
    return re.search(r"start=inv_([A-Za-z0-9_-]+)", text).group(1)


async def test_township_lists_and_cancels_invites(runtime, chat):
    staff = chat(STAFF)
    (created,) = await staff.say("/invite official qingshan 会计")
    (listing,) = await staff.say("/invites")
    assert "#1" in listing["text"] and "青山村" in listing["text"]
    (done,) = await staff.say("/invites cancel 1")
    assert "已作废第 1 号" in done["text"]
    (refused,) = await chat(1002).say(f"/start inv_{invite_code(created['text'])}")
    assert "作废" in refused["text"]
    (empty,) = await staff.say("/invites")
    assert "没有未使用" in empty["text"]
    (denied,) = await chat(1002).say("/invites")
    assert "乡镇工作人员" in denied["text"]


async def test_a_revoked_officials_buttons_do_nothing(runtime, emulator, chat):
    staff, official, resident = chat(STAFF), chat(1002), chat(1001)
    (created,) = await staff.say("/invite official qingshan 村委会主任")
    await official.say(f"/start inv_{invite_code(created['text'])}")
    await staff.replies()  # the accepted notice
    (confirm,) = await resident.say("/start v_qingshan")
    await resident.press(confirm, "join:qingshan")
    await eventually(lambda: runtime.services.membership.person(1001).roles)
    await resident.say("/topic 村东头的路什么时候修？")
    topic_id = await eventually(
        lambda: runtime.store.db.execute("SELECT max(id) FROM topics").fetchone()[0]
    )
    notice = await eventually(
        lambda: next((m for m in emulator.messages(1002) if "通知书" in m.get("text", "")), None)
    )
    member = next(m for m in members.roles_of(runtime.store.db, 1002) if m.role == "official")
    await staff.say(f"/revoke {member.id}")
    answered = len(emulator.callback_answers())
    await official.press(notice, f"tp:a:{topic_id}")
    answers = await eventually(lambda: emulator.callback_answers()[answered:])
    assert "不是交给您办理的" in answers[0]["text"]
    topic = topics.get(runtime.store.db, topic_id)
    assert topic.assignee_id is None and topic.routed_to == "township"
