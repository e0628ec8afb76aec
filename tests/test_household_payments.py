""" "Was my household paid?" (issue 13 §5) through the emulator: a verified resident sees their own
household's lines in the published subsidy lists of their village, with full amounts, and no one
else's; every look-up is audited; a household on no list asks about it with one button."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.sandbox.demo import seed
from bot.sandbox.environment import sandbox
from bot.services.disclosures import household_payments
from bot.services.disclosures.household_names import group_key, household_key
from run import Runtime
from storage import disclosure_rows, members, users
from storage import disclosures as store_d
from storage.disclosure_rows import Row

RESIDENT, OFFICIAL, NEWCOMER = 1001, 1002, 1003
HEXI_RESIDENT = 1004
SUMMER = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)
AUTUMN = datetime(2026, 10, 15, 2, 0, tzinfo=UTC)


def grant(runtime, user_id: int, role: str, village: str = "qingshan") -> int:
    with runtime.store.transaction() as db:
        users.ensure(db, user_id)
        return members.add(db, user_id, role, village)


def subsidy_list(runtime, title: str, lines, *, village="qingshan", published=None) -> int:
    """A subsidy list as the importer keeps it (group, head, item, amount in fen, paid);
    published at `published`, or left a draft."""
    with runtime.store.transaction() as db:
        d = store_d.create(
            db,
            village_code=village,
            kind="subsidy",
            category="惠农补贴",
            period="2026",
            title=title,
            body="",
            created_by=OFFICIAL,
        )
        rows = [
            Row(
                i,
                "subsidy",
                {"group": g, "head": h, "item": "耕地地力保护补贴", "paid": p},
                f,
                None,
            )
            for i, (g, h, f, p) in enumerate(lines, 1)
        ]
        disclosure_rows.replace_rows(db, d, rows)
        if published is not None:
            store_d.transition(db, d, "draft", "published", published_at=published)
    return d


@pytest.fixture
def village(runtime):
    """qingshan's lists: one with groups, a newer one without, a draft; and hexi's list."""
    grant(runtime, OFFICIAL, "official")
    grant(runtime, RESIDENT, "resident")
    grant(runtime, NEWCOMER, "resident")
    grant(runtime, HEXI_RESIDENT, "resident", "hexi")
    subsidy_list(
        runtime,
        "2026年耕地地力保护补贴",
        [
            ("三组", "王大山", 123456, "2026-06-30 一卡通"),
            ("三组", "王大海", 99900, ""),  # a neighbour with the same surname
            ("五组", "王大山", 55500, ""),  # the same name in another group
        ],
        published=SUMMER,
    )
    subsidy_list(
        runtime,
        "2026年10月临时救助",
        [("", "王 大山", 30000, ""), ("", "王大山", 31000, ""), ("", "李四", 1000, "")],
        published=AUTUMN,
    )
    subsidy_list(runtime, "草稿名单", [("三组", "王大山", 777700, "")])
    subsidy_list(
        runtime, "河西村名单", [("三组", "王大山", 888800, "")], village="hexi", published=AUTUMN
    )
    return runtime


def member_id(runtime, user_id: int) -> int:
    return next(m.id for m in members.roles_of(runtime.store.db, user_id) if m.role == "resident")


def lookups(runtime, user_id: int) -> list[dict]:
    rows = runtime.store.db.query(
        "SELECT after FROM audit_events WHERE action = 'household.looked_up' AND actor_id = ?",
        [user_id],
    )
    return [json.loads(r["after"]) for r in rows]


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("三组", "3"),
        ("第3组", "3"),
        ("3组", "3"),
        ("第三村民小组", "3"),
        (" ３ 组", "3"),
        ("十二组", "12"),
        ("第二十三组", "23"),
        ("两组", "2"),
        ("东队", "东队"),
    ],
)
def test_a_group_is_compared_however_it_is_written(written, key):
    assert group_key(written) == key


def test_a_name_is_compared_without_spaces_in_any_width():
    assert household_key(" 王　大 山 ") == household_key("王大山")


async def test_a_verified_resident_sees_exactly_their_households_lines(village, chat):
    runtime = village
    official, resident = chat(OFFICIAL), chat(RESIDENT)
    # Not yet verified: refused with how to get verified, and nothing is looked up.
    refused = await resident.say_for("/mypay", "确认村民身份")
    assert "¥" not in refused["text"]
    mine = member_id(runtime, RESIDENT)
    done = await official.say_for(f"/verify {mine} 王大山 第三组", "已确认")
    assert "户主：王大山" in done["text"] and "3组" in done["text"]
    answer = await resident.say_for("/mypay", "王大山")
    text = answer["text"]
    # Full amounts of their own lines only, the newer list first.
    assert "¥300.00" in text and "¥310.00" in text and "¥1,234.56" in text
    assert text.index("临时救助") < text.index("耕地地力保护补贴（")
    assert "2026-06-30 一卡通" in text
    # The list without groups is matched by name, marked for checking as two lines share it.
    assert text.count("同名请核对") == 2
    # Not the neighbour of the same surname, not the same name in group 5, not the draft,
    # not the other village's list.
    for other in ("¥999.00", "王大海", "¥555.00", "¥7,777.00", "¥8,888.00", "李四"):
        assert other not in text
    (event,) = lookups(runtime, RESIDENT)
    assert event == {"household": "王大山", "group": "3", "lines": 3, "shown": 3, "from": 0}
    assert "123456" not in json.dumps(event)  # the audit trail keeps no amounts


async def test_the_lines_come_a_page_at_a_time(village, chat, monkeypatch):
    runtime = village
    monkeypatch.setattr(household_payments, "PAGE_SIZE", 2)
    with runtime.store.transaction() as db:
        members.set_verified(db, member_id(runtime, RESIDENT), True)
        members.set_household(db, member_id(runtime, RESIDENT), "王大山", "3")
    resident = chat(RESIDENT)
    first = await resident.say_for("/mypay", "共 3 条", button="dpay:")
    assert "¥1,234.56" not in first["text"]
    data = first["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await resident.press(first, data)
    second = await resident.shows("¥1,234.56", first)
    assert second["message_id"] == first["message_id"]  # the page replaces the pressed one
    assert "dpay:" not in json.dumps(second.get("reply_markup") or {})
    assert [e["from"] for e in lookups(runtime, RESIDENT)] == [0, 2]
    # A forged cursor finds nothing and changes nothing.
    await resident.press(first, "dpay:aHB8MXw5OTk", forged=True)
    assert len(lookups(runtime, RESIDENT)) == 2


async def test_typed_numbers_and_names_are_never_a_way_in(village, chat):
    runtime = village
    with runtime.store.transaction() as db:
        members.set_verified(db, member_id(runtime, NEWCOMER), True)
        members.set_household(db, member_id(runtime, NEWCOMER), "赵六", "2")
    newcomer = chat(NEWCOMER)
    # An ID number or somebody's name after the command searches nothing: the answer is about
    # the verified household only, which is on no list.
    answer = await newcomer.say_for("/mypay 350102199001011234", "没有找到")
    assert "赵六" in answer["text"] and "¥" not in answer["text"]
    answer = await newcomer.say_for("/mypay 王大山", "没有找到")
    assert "¥" not in answer["text"]
    assert "3501" not in json.dumps(lookups(runtime, NEWCOMER))
    # An official cannot be verified as a household: the household name holds no digits.
    official = chat(OFFICIAL)
    refused = await official.say_for(
        f"/verify {member_id(runtime, NEWCOMER)} 3501021990 二组", "不能有数字"
    )
    assert "3501021990" not in refused["text"]
    assert members.get(runtime.store.db, member_id(runtime, NEWCOMER)).household == "赵六"


async def test_a_household_on_no_list_files_a_topic_with_one_button(village, chat):
    runtime = village
    official, newcomer = chat(OFFICIAL), chat(NEWCOMER)
    await official.say_for(f"/verify {member_id(runtime, NEWCOMER)} 赵六 2组", "户主：赵六")
    answer = await newcomer.say_for("/mypay", "没有找到", button="dpayq")
    await newcomer.press(answer, "dpayq")
    await newcomer.reply_with("回执")
    (topic,) = runtime.store.db.query("SELECT * FROM topics WHERE requester_id = ?", [NEWCOMER])
    assert "2组" in topic["text"] and "赵*" in topic["text"] and "赵六" not in topic["text"]
    assert topic["category"] == "subsidy" and topic["village_code"] == "qingshan"
    # The change of household is in the audit trail, before and after.
    (changed,) = runtime.store.db.query(
        "SELECT before, after FROM audit_events WHERE action = 'member.verified'"
    )
    assert json.loads(changed["after"])["household"] == "赵六"
    assert json.loads(changed["before"])["household"] is None


async def test_only_a_current_verified_resident_looks_up(village, chat):
    runtime = village
    # Other villages' residents see their own village's lists only: hexi has no 王 household
    # recorded, and its official cannot look up at all.
    with runtime.store.transaction() as db:
        members.set_verified(db, member_id(runtime, HEXI_RESIDENT), True)
        members.set_household(db, member_id(runtime, HEXI_RESIDENT), "王大山", "3")
    hexi = chat(HEXI_RESIDENT)
    answer = await hexi.say_for("/mypay", "王大山")
    assert "¥8,888.00" in answer["text"] and "¥1,234.56" not in answer["text"]
    refused = await chat(OFFICIAL).say_for("/mypay", "只有本村村民")
    assert "¥" not in refused["text"]
    # Leaving the village ends the role, and with it the look-up.
    leave = await hexi.say_for("/leave", button="leave:yes")
    await hexi.press(leave, "leave:yes")
    await hexi.shows("已退出", leave)
    refused = await hexi.say_for("/mypay", "只有本村村民")
    assert "¥" not in refused["text"]
    assert len(lookups(runtime, HEXI_RESIDENT)) == 1


async def test_the_sandbox_demo_resident_finds_her_household_on_a_list():
    async with sandbox(None) as (config, emulator):
        runtime = Runtime(config, sandbox_api=emulator.url)
        await runtime.start()
        try:
            seed(runtime.services)
            seed(runtime.services)  # a second start seeds nothing twice
            resident = runtime.services.membership.person(100001)
            page = runtime.services.disclosures.household_payments.look_up(resident)
        finally:
            await runtime.stop()
    assert [(line.row.data["head"], line.row.amount_fen) for line in page.items] == [
        ("王秀英", 123456)
    ]
