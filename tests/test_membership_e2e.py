"""Membership end to end: the real python-telegram-bot client against the emulator (DESIGN §2)."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.menus import commands_for
from storage import audit, invites, members, users
from storage.times import utcnow
from tests.conftest import BOT_USERNAME, STAFF, eventually


def menu_of(emulator, user_id: int) -> list[str]:
    return [c["command"] for c in emulator.commands({"type": "chat", "chat_id": user_id})]


def invite_code(text: str) -> str:
    return re.search(r"start=inv_([A-Za-z0-9_-]+)", text).group(1)


def snapshot(runtime) -> tuple:
    db = runtime.store.db
    return tuple(
        db.execute(f"SELECT count(*), coalesce(max(rowid), 0) FROM {table}").fetchone()
        for table in ("members", "invites", "audit_events", "villages")
    )


async def test_resident_joins_by_village_link(runtime, emulator, chat):
    resident = chat(1001)
    (confirm,) = await resident.say("/start v_qingshan")
    assert "青山村" in confirm["text"]
    await resident.press(confirm, "join:qingshan")
    await eventually(lambda: "已加入" in resident.last()["text"])
    assert runtime.services.membership.person(1001).has("resident", "qingshan")
    await eventually(lambda: menu_of(emulator, 1001) == commands_for(["resident"]))
    (again,) = await resident.say("/start v_qingshan")
    await resident.press(again, "join:qingshan")
    answers = await eventually(lambda: emulator.callback_answers()[1:])
    assert "已经是青山村的村民" in answers[0]["text"]


async def test_unknown_village_link_is_explained(runtime, chat):
    (reply,) = await chat(1001).say("/start v_nowhere")
    assert "nowhere" in reply["text"] and "没有找到" in reply["text"]


async def test_invite_flow_for_every_role(runtime, emulator, chat):
    staff = chat(STAFF)
    for role, user_id, village in (
        ("official", 1002, "qingshan"),
        ("supervisor", 1003, "qingshan"),
        ("township", 1004, None),
    ):
        args = f"{role} {village} 会计" if village else role
        (created,) = await staff.say(f"/invite {args}")
        assert f"https://t.me/{BOT_USERNAME}?start=inv_" in created["text"]
        person = chat(user_id)
        (welcome,) = await person.say(f"/start inv_{invite_code(created['text'])}")
        assert "欢迎" in welcome["text"]
        who = runtime.services.membership.person(user_id)
        assert who.has(role, village)
        (notice,) = await staff.replies()
        assert "已接受邀请" in notice["text"]
        expected = commands_for([role])
        await eventually(lambda uid=user_id, e=expected: menu_of(emulator, uid) == e)


async def test_invite_reused_expired_and_wrong_village_are_refused(runtime, chat):
    staff = chat(STAFF)
    (created,) = await staff.say("/invite official qingshan")
    code = invite_code(created["text"])
    await chat(1002).say(f"/start inv_{code}")
    await staff.replies()  # the acceptance notice
    other = chat(1003)
    (reused,) = await other.say(f"/start inv_{code}")
    assert "已被使用" in reused["text"]
    assert not runtime.services.membership.person(1003).roles

    (created,) = await staff.say("/invite supervisor qingshan")
    runtime.services.clock.set(utcnow() + timedelta(days=8))
    (expired,) = await other.say(f"/start inv_{invite_code(created['text'])}")
    assert "已过期" in expired["text"]
    runtime.services.clock.set(None)

    hexi = chat(1004)
    (confirm,) = await hexi.say("/start v_hexi")
    await hexi.press(confirm, "join:hexi")
    await eventually(lambda: runtime.services.membership.person(1004).roles)
    (created,) = await staff.say("/invite official qingshan")
    (wrong,) = await hexi.say(f"/start inv_{invite_code(created['text'])}")
    assert "河西村" in wrong["text"] and "/leave" in wrong["text"]
    assert runtime.services.membership.person(1004).role_names == ("resident",)
    (bogus,) = await hexi.say("/start inv_not-a-real-code")
    assert "无效" in bogus["text"]


async def test_resident_is_refused_every_privileged_command(runtime, chat):
    resident = chat(1001)
    (confirm,) = await resident.say("/start v_qingshan")
    await resident.press(confirm, "join:qingshan")
    await eventually(lambda: runtime.services.membership.person(1001).roles)
    before = snapshot(runtime)
    for command in (
        "/invite official qingshan",
        "/invite township",
        "/members qingshan",
        "/members",
        "/revoke 1",
        "/revoke #1",
    ):
        (reply,) = await resident.say(command)
        # Refused for the role, or for an item that is not theirs (or not there to see).
        assert any(w in reply["text"] for w in ("仅限", "不能", "没有找到")), (command, reply)
    assert snapshot(runtime) == before


async def test_forged_and_stale_buttons_change_nothing(runtime, emulator, chat):
    outsider = chat(1005)  # English-speaking, belongs nowhere
    (welcome,) = await outsider.say("/start")
    before = snapshot(runtime)
    for data in ("join:nowhere", "leave:yes", "lang:xx", "revoke:1", "admin:grant", "x" * 64):
        await outsider.press(welcome, data, forged=True)
    answers = await eventually(
        lambda: len(emulator.callback_answers()) >= 6 and emulator.callback_answers()
    )
    assert all(a["show_alert"] for a in answers)
    assert snapshot(runtime) == before
    assert runtime.services.membership.person(1005).roles == ()


async def test_revoke_takes_the_role_and_the_menu_away(runtime, emulator, chat):
    staff = chat(STAFF)
    (created,) = await staff.say("/invite official qingshan 会计")
    official = chat(1002)
    await official.say(f"/start inv_{invite_code(created['text'])}")
    await staff.replies()
    (listing,) = await staff.say("/members qingshan")
    number = re.search(r"#(\d+) 李建国", listing["text"]).group(1)
    (done,) = await staff.say(f"/revoke #{number}")
    assert "已撤销" in done["text"]
    (notice,) = await official.replies()
    assert "已被撤销" in notice["text"]
    assert not runtime.services.membership.person(1002).roles
    await eventually(lambda: menu_of(emulator, 1002) == commands_for([]))
    actions = audit.recent(runtime.store.db)
    assert actions[0].startswith("member.revoked")


async def test_language_leave_and_whoami(runtime, emulator, chat):
    person = chat(1001)
    (confirm,) = await person.say("/start v_qingshan")
    await person.press(confirm, "join:qingshan")
    await eventually(lambda: runtime.services.membership.person(1001).roles)
    (switched,) = await person.say("/language en")
    assert "Language set to English" in switched["text"]
    (whoami,) = await person.say("/whoami")
    assert "resident" in whoami["text"] and "青山村" in whoami["text"]
    await eventually(
        lambda: "Leave your village" in str(emulator.commands({"type": "chat", "chat_id": 1001}))
    )
    (ask,) = await person.say("/leave")
    await person.press(ask, "leave:yes")
    await eventually(lambda: not runtime.services.membership.person(1001).roles)
    assert users.get(runtime.store.db, 1001).language == "en"
    assert members.roles_of(runtime.store.db, 1001) == []
    assert invites.by_hash(runtime.store.db, "nothing") is None


async def test_default_menus_are_set_in_both_languages(runtime, emulator):
    scope = {"type": "all_private_chats"}
    await eventually(lambda: emulator.commands(scope, "en"))
    assert [c["command"] for c in emulator.commands(scope)] == commands_for([])
    assert emulator.commands(scope, "en")[0]["description"].startswith("Start")


# In an official's menu but refused to nobody: a blank import template reveals nothing.
HARMLESS = {"template"}
PRIVILEGED_ARGS = {
    "invite": "official qingshan",
    "invites": "cancel 1",
    "members": "qingshan",
    "revoke": "1",
    "draft": "notice 通知 | 明天开会",
    "edit": "1",
    "submit": "1",
    "correct": "1",
    "verify": "1",
    "review": "",
    "export": "1",
    "export_year": "2026",
    "inbox": "",
    "answer": "DT-2026-0001 已经修好",
    "decline": "DT-2026-0001",
    "extend": "DT-2026-0001 5 需要核实",
    "transfer": "DT-2026-0001",
    "category": "DT-2026-0001 工程",
    "templates": "",
    "stats": "",
    "pending": "",
    "overdue": "",
    "urge": "DT-2026-0001",
    "report": "2026",
    "route": "qingshan 财务收支 1",
    "holiday": "2026-12-01 休",
    "photo": "1",
    "photos": "",
    "proxy": "赵大爷 | 村东头的路什么时候修",
    "receipt": "DT-2026-0001",
    "score": "2026Q3",
}


def whole_database(runtime) -> dict[str, tuple]:
    """Row counts and highest row ids of every table a command could change (not the
    scheduler's once-only marks: its first tick may land in the middle of a test)."""
    db = runtime.store.db
    skip = {"inbox", "outbox", "settings", "_sqlite_migrations"}
    keyed = {  # a WITHOUT ROWID table (figure_versions) is compared by its rows themselves
        name
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE sql LIKE '%WITHOUT ROWID%'")
    }
    return {
        table: tuple(db.execute(f"SELECT * FROM [{table}] ORDER BY 1").fetchall())
        if table in keyed
        else db.execute(f"SELECT count(*), coalesce(max(rowid), 0) FROM [{table}]").fetchone()
        for table in db.table_names()
        if table not in skip
        and not table.endswith(("_fts", "_data", "_idx", "_docsize", "_config"))
    }


async def test_a_resident_is_refused_every_command_of_other_roles(runtime, chat):
    """DESIGN §2: every command re-checks the role on the server; nothing changes."""
    resident = chat(1001)
    (confirm,) = await resident.say("/start v_qingshan")
    await resident.press(confirm, "join:qingshan")
    await eventually(lambda: runtime.services.membership.person(1001).roles)
    await resident.say("/topic 村东头的路什么时候修？")  # DT-<year>-0001, for the topic commands
    await eventually(lambda: runtime.store.db.execute("SELECT count(*) FROM topics").fetchone()[0])
    receipt = runtime.store.db.execute("SELECT receipt FROM topics").fetchone()[0]
    own = set(commands_for(["resident"]))
    others = sorted(
        {c for role in ("official", "supervisor", "township") for c in commands_for([role])}
        - own
        - HARMLESS
    )
    assert set(others) <= set(PRIVILEGED_ARGS), set(others) - set(PRIVILEGED_ARGS)
    before = whole_database(runtime)
    for command in others:
        args = PRIVILEGED_ARGS[command].replace("DT-2026-0001", receipt)
        (reply,) = await resident.say(f"/{command} {args}".strip())
        # Refused for the role, or for an item that is not theirs (or not there to see).
        assert any(w in reply["text"] for w in ("仅限", "不能", "没有找到")), (command, reply)
    assert whole_database(runtime) == before


async def test_forged_feature_buttons_are_refused_with_nothing_changed(runtime, emulator, chat):
    """A tampered client pressing official or township buttons on someone else's topic."""
    filer, other = chat(1001), chat(1002)
    for person, village in ((filer, "qingshan"), (other, "qingshan")):
        (confirm,) = await person.say(f"/start v_{village}")
        await person.press(confirm, f"join:{village}")
    await eventually(lambda: runtime.services.membership.person(1002).roles)
    await filer.say("/topic 村东头的路什么时候修？")
    topic_id = await eventually(
        lambda: runtime.store.db.execute("SELECT max(id) FROM topics").fetchone()[0]
    )
    (message,) = await other.say("/help")
    before = whole_database(runtime)
    forged = [
        f"tp:a:{topic_id}",
        f"tp:d:{topic_id}",
        f"tp:dr:{topic_id}:privacy",
        f"tp:x:{topic_id}",
        f"tp:t:{topic_id}",
        f"tp:r:{topic_id}:1:u",
        "tp:xa:1",
        "dapp:1:1",
        "drej:1:1",
        "dsub:1",
        "dedit:1",
    ]
    answered = len(emulator.callback_answers())
    for data in forged:
        await other.press(message, data, forged=True)
    await eventually(lambda: len(emulator.callback_answers()) >= answered + len(forged))
    assert whole_database(runtime) == before
