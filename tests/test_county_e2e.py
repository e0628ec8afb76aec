"""A whole county on one instance (issue 13 §1), driven through the emulator: township staff
see and act on their own township only, county staff read everything and act on nothing,
/compare and the weekly county digest."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import parse_config
from run import Runtime
from storage import members, topic_extensions, users
from tests.conftest import STAFF, TOKEN, eventually, ticking_by_hand
from tests.test_web_disclosures import publish

CHIEF_B, COUNTY, HEAD, RES_A, RES_B = 9101, 7001, 2002, 1001, 1004
# Mon 2 Nov 2026, 10:00 Shanghai: a working day, and the county digest's weekday.
START = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def county_config(tmp_path: Path, emulator, **extra) -> dict:
    """Two townships: 示范镇 (青山村, 河西村) with STAFF, 南山乡 (桃源村) with CHIEF_B."""
    return {
        "telegram": {"token": TOKEN, "base_url": emulator.base_url, "poll_timeout": 1},
        "storage": {"path": str(tmp_path / "village.db")},
        "web": {"host": "127.0.0.1", "port": 0},
        "outbox": {"private_interval_seconds": 0},
        "county": {"name": "示范县", "staff": [COUNTY]},
        "townships": [
            {"code": "shifan", "name": "示范镇", "staff": [STAFF]},
            {"code": "nanshan", "name": "南山乡", "staff": [CHIEF_B]},
        ],
        "villages": [
            {"code": "qingshan", "name": "青山村", "township": "shifan"},
            {"code": "hexi", "name": "河西村", "township": "shifan"},
            {"code": "taoyuan", "name": "桃源村", "township": "nanshan"},
        ],
        **extra,
    }


@pytest.fixture
async def county(tmp_path: Path, emulator) -> AsyncIterator[Runtime]:
    """The county's bot on a fixed clock, with a topic in 青山村 and one in 桃源村."""
    for uid, name in ((CHIEF_B, "周乡长"), (COUNTY, "县纪委老刘"), (HEAD, "孙主任")):
        emulator.add_user(uid, name, language_code="zh-hans")
    rt = await ticking_by_hand(parse_config(county_config(tmp_path, emulator), environ={}), START)
    with rt.store.transaction() as db:
        for uid in (RES_A, RES_B, HEAD):
            users.ensure(db, uid)
        members.add(db, RES_A, "resident", "qingshan")
        members.add(db, RES_B, "resident", "taoyuan")
        members.add(db, HEAD, "official", "qingshan", "村委会主任")
    person = rt.services.membership.person
    filing = rt.services.topics.filing
    rt.topic_a = filing.file(person(RES_A), "请公开青山村今年的修路账目")
    rt.topic_b = filing.file(person(RES_B), "请公开桃源村的低保名单")
    yield rt
    await rt.stop()


async def test_township_staff_see_and_act_on_their_own_township_only(county, chat):
    a, b = county.topic_a.receipt, county.topic_b.receipt
    staff = chat(STAFF)
    (listing,) = await staff.say("/pending")
    assert a in listing["text"] and b not in listing["text"]
    (refused,) = await staff.say("/pending taoyuan")
    assert "不是您所在乡镇的村" in refused["text"]
    (refused,) = await staff.say(f"/urge {b} 请尽快办理")
    assert "不是您所在乡镇的村" in refused["text"]
    assert county.store.db.execute("SELECT count(*) FROM topic_urges").fetchone()[0] == 0
    stats = await staff.say_for("/stats", "点题统计")
    assert "青山村" in stats["text"] and "桃源村" not in stats["text"]
    await staff.replies()  # the chart
    await staff.say_for("/invite official taoyuan 文书", "不是您所在乡镇的村")
    await staff.say_for("/invite township", "start=inv_")
    (invite,) = county.services.membership.open_invites(county.services.membership.person(STAFF))
    assert (invite.role, invite.township_code) == ("township", "shifan")
    chief = chat(CHIEF_B)
    await chief.reply_with(b)  # 桃源村 has no official: its topic went to its township's staff
    (listing,) = await chief.say("/invites")
    assert f"#{invite.id}" not in listing["text"] and "示范镇" not in listing["text"]
    (refused,) = await chief.say(f"/invites cancel {invite.id}")
    assert f"没有编号为“{invite.id}”的邀请链接" in refused["text"]
    assert county.store.db.execute("SELECT cancelled_at FROM invites").fetchone()[0] is None


async def test_a_forged_extension_button_of_another_township_does_nothing(county, chat, emulator):
    person = county.services.membership.person
    county.services.topics.extensions.request_extension(
        person(HEAD), county.topic_a, 3, "需要查阅往年的工程结算账目"
    )
    (extension,) = topic_extensions.extensions_of(county.store.db, county.topic_a.id)
    for n, (outsider, refusal) in enumerate(
        ((CHIEF_B, "不是您所在乡镇的村"), (COUNTY, "仅限乡镇工作人员"))
    ):
        who = chat(outsider)
        shown = await who.say_for("/help", "/stats")
        await who.press(shown, f"tp:xa:{extension.id}", forged=True)
        alerts = await eventually(lambda n=n: emulator.callback_answers()[n:] or None)
        assert refusal in alerts[0]["text"], alerts
    assert topic_extensions.extension(county.store.db, extension.id).status == "pending"
    # The village's own township decides it.
    staff = chat(STAFF)
    request = await staff.reply_with("延期申请", button="tp:xa:")
    await staff.press(request, f"tp:xa:{extension.id}")
    await staff.shows("已批准", request)


async def test_county_staff_read_every_township_and_act_on_none(county, chat):
    a, b = county.topic_a.receipt, county.topic_b.receipt
    chief = chat(COUNTY)
    (listing,) = await chief.say("/pending")
    assert a in listing["text"] and b in listing["text"]
    (refused,) = await chief.say(f"/answer {a} 账目已经公开")
    assert "不是交给您办理的" in refused["text"]
    (refused,) = await chief.say(f"/urge {b}")
    assert "仅限乡镇工作人员" in refused["text"]
    (compared,) = await chief.say("/compare")
    assert re.search(r"示范镇：收到点题 1.*\n.*0/2", compared["text"]), compared["text"]
    assert re.search(r"南山乡：收到点题 1.*\n.*0/1", compared["text"]), compared["text"]
    stats = await chief.say_for("/stats nanshan", "点题统计")
    assert "桃源村" in stats["text"] and "青山村" not in stats["text"]
    assert county.store.db.execute("SELECT count(*) FROM topic_answers").fetchone()[0] == 0
    await chief.replies()  # the chart
    (refused,) = await chat(STAFF).say("/compare")
    assert "仅限县级工作人员" in refused["text"]


async def test_the_weekly_county_digest_goes_once_a_week_to_county_staff(county, chat):
    ticker = county.services.ticker
    before = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # 08:00 Shanghai: not yet
    assert ticker.run(before)["county.digest"] == 0
    monday = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
    assert ticker.run(monday)["county.digest"] == 1
    assert ticker.run(monday)["county.digest"] == 0
    digest = await chat(COUNTY).reply_with("全县每周简报")
    assert "示范镇" in digest["text"] and "南山乡" in digest["text"]
    tuesday = datetime(2026, 11, 3, 1, 0, tzinfo=UTC)
    assert ticker.run(tuesday)["county.digest"] == 0
    next_monday = datetime(2026, 11, 9, 1, 0, tzinfo=UTC)
    assert ticker.run(next_monday)["county.digest"] == 1


async def test_each_township_gets_its_own_daily_digest(county, chat):
    county.services.ticker.run(datetime(2026, 11, 3, 1, 0, tzinfo=UTC))
    mine = await chat(STAFF).reply_with("点题日报")
    theirs = await chat(CHIEF_B).reply_with("点题日报")
    assert county.topic_a.receipt in mine["text"] and county.topic_b.receipt not in mine["text"]
    assert county.topic_b.receipt in theirs["text"] and county.topic_a.receipt not in theirs["text"]


async def test_the_daily_digest_names_only_the_townships_own_late_villages(county, chat):
    # 16 Oct 2026: every village missed the third quarter's disclosure (SCH-09).
    county.services.clock.set(datetime(2026, 10, 16, 2, 0, tzinfo=UTC))
    county.services.ticker.run(datetime(2026, 10, 16, 1, 0, tzinfo=UTC))
    mine = await chat(STAFF).reply_with("点题日报", "2026Q3")
    theirs = await chat(CHIEF_B).reply_with("点题日报", "2026Q3")
    assert "青山村" in mine["text"] and "桃源村" not in mine["text"]
    assert "桃源村" in theirs["text"] and "青山村" not in theirs["text"]


async def test_county_staff_invite_county_staff_and_township_staff_their_own(county, chat):
    chief = chat(COUNTY)
    created = await chief.say_for("/invite county 县纪委", "start=inv_")
    code = re.search(r"start=inv_([A-Za-z0-9_-]+)", created["text"]).group(1)
    assert "示范县" in created["text"]
    (welcome,) = await chat(1005).say(f"/start inv_{code}")
    assert "county staff" in welcome["text"]
    (joined,) = county.services.membership.person(1005).roles
    assert (joined.role, joined.village_code, joined.township_code) == ("county", None, None)
    await chief.say_for("/invite official qingshan 会计", "仅限乡镇工作人员")
    await chat(STAFF).say_for("/invite county", "仅限县级工作人员")
    made = await chat(CHIEF_B).say_for("/invite township 文书", "start=inv_")
    code = re.search(r"start=inv_([A-Za-z0-9_-]+)", made["text"]).group(1)
    assert "南山乡" in made["text"]
    await chat(1002).say(f"/start inv_{code}")
    staff = county.services.membership.person(1002)
    assert staff.township_code == "nanshan" and staff.villages_in_view() == {"taoyuan"}


async def test_township_staff_browse_their_own_townships_disclosures(county, chat):
    publish(county.services, kind="notice", title="青山村三季度财务公开", body="见附表")
    publish(county.services, kind="notice", title="桃源村三季度财务公开", village="taoyuan")
    staff = chat(STAFF)
    (listing,) = await staff.say("/disclosures")
    assert "青山村三季度财务公开" in listing["text"]
    assert "桃源村三季度财务公开" not in listing["text"]
    (refused,) = await staff.say("/disclosures taoyuan")
    assert "不是您所在乡镇的村" in refused["text"]
    (everything,) = await chat(COUNTY).say("/disclosures")
    assert "桃源村三季度财务公开" in everything["text"]


async def test_township_staff_search_their_own_townships_disclosures(county, chat):
    publish(county.services, kind="notice", title="青山村修路账目公开", body="修路款明细")
    publish(county.services, kind="notice", title="桃源村修路账目公开", village="taoyuan")
    (found,) = await chat(STAFF).say("/search 修路")
    assert "青山村修路账目公开" in found["text"]
    assert "桃源村修路账目公开" not in found["text"]
    (everything,) = await chat(COUNTY).say("/search 修路")
    assert "青山村修路账目公开" in everything["text"]
    assert "桃源村修路账目公开" in everything["text"]
