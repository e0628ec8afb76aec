"""Words people actually use (issue "Real village data" §6): no office jargon in the messages,
category names as people type them, a refusal that says where to read what is published, and
free text a resident writes offered as a point-topic."""

from __future__ import annotations

import pytest

from bot.core.vocabulary import CATEGORIES, category_named
from bot.i18n import catalogue
from bot.services.people import Denied
from storage import forms, members, topic_routes, users
from tests.test_topics import CLERK, HEAD, RES1, STAFF, texts, who, world

__all__ = ["world"]  # the fixture, imported for pytest

# Office jargon a villager would not say, and the plain words the messages use instead.
JARGON = {
    "首位处理人负责": "谁先接手谁负责到底",
    "依法不予公开": "不能公开（说明原因）；已经公开过的，说在哪里能看到",
    "兜底": "没有专人管的都交给村主任",
    "承办": "负责人",
    "受理": "收到",
    "脱敏": "身份证号、电话等已遮住",
    "分办": "交给谁办",
    "逾期": "过了期限",
    "法定理由": "原因",
    "系统自动": "自动",
}


def test_no_message_uses_office_jargon():
    found = [
        (key, word, plain)
        for key, text in catalogue("zh-CN").items()
        for word, plain in JARGON.items()
        if word in text
    ]
    assert not found, "\n".join(f"{key}: “{word}” → “{plain}”" for key, word, plain in found)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("finance", "finance"),
        ("FINANCE", "finance"),
        ("财务", "finance"),
        ("财务收支", "finance"),
        (" 惠农补贴 ", "subsidy"),
        ("低保", "lowincome"),
        ("救灾救助/低保", "lowincome"),
        ("工程项目", "project"),
        ("宅基地", "land"),
        ("其它", "other"),
    ],
)
def test_a_category_is_named_by_its_code_or_its_chinese_name(typed, code):
    assert category_named(typed) == code
    assert category_named(typed, head=True) == code


def test_the_village_head_is_a_category_of_routing_rules_only():
    assert category_named("村主任") is None and category_named("head") is None
    assert category_named("村主任", head=True) == category_named("head", head=True) == "head"
    assert category_named("天气") is None and category_named("") is None
    assert all(category_named(code) == code for code in CATEGORIES)


def test_route_and_category_take_chinese_names(world):
    svc = world.topics
    db = world.store.db
    clerk = next(m.id for m in members.of_village(db, "qingshan") if m.user_id == CLERK)
    svc.routing.set_route(who(world, STAFF), "qingshan", "财务收支", f"#{clerk}")
    svc.routing.set_route(who(world, STAFF), "qingshan", "村主任", f"#{clerk}")
    assert topic_routes.routes(db, "qingshan") == {"finance": CLERK, "head": CLERK}
    with pytest.raises(Denied) as refused:
        svc.routing.set_route(who(world, STAFF), "qingshan", "天气", f"#{clerk}")
    assert refused.value.key == "topics.route_usage"
    topic = svc.filing.file(who(world, RES1), "村委会的会议记录能不能公开一下？")
    moved = svc.categories.recategorize(who(world, topic.assignee_id), topic, "工程项目")
    assert moved.category == "project"


def test_a_refusal_because_it_is_published_says_where_to_read_it(world):
    svc = world.topics
    topic = svc.filing.file(who(world, RES1), "今年的低保名单公布了吗？")
    link = "https://cun.example/d/12"
    svc.answering.decline(who(world, HEAD), topic, "already_disclosed", f"名单已公开 {link}")
    notice = texts(world, RES1)[-1]
    assert "您问的事已经公开过了" in notice and f"在这里可以看到：{link}" in notice
    assert "不予公开" not in notice


def test_free_text_from_a_resident_is_kept_as_a_topic_ready_to_file(world):
    svc = world.topics
    resident = who(world, RES1)
    assert svc.filing.offer(resident, "我想问问今年低保是怎么评的，电话13812345678")
    draft = forms.get(world.store.db, RES1, "topics")
    assert (draft.kind, draft.step, draft.data["category"]) == ("topic", "confirm", "lowincome")
    assert "13812345678" not in draft.data["text"]  # masked before it is stored (SEC-03)
    svc.forms.confirm_draft(resident)  # the one button, 提交
    (filed,) = svc.reading.mine(resident)
    assert filed.text.startswith("我想问问今年低保是怎么评的")
    assert forms.get(world.store.db, RES1, "topics") is None


def test_free_text_is_no_topic_when_short_or_not_from_a_resident(world):
    svc = world.topics
    assert not svc.filing.offer(who(world, RES1), "你好")
    assert not svc.filing.offer(who(world, HEAD), "今年的财务收支什么时候公开")
    assert forms.get(world.store.db, RES1, "topics") is None
    assert forms.get(world.store.db, HEAD, "topics") is None


def test_pending_and_overdue_lists_narrow_to_a_category(world):
    svc = world.topics
    money = svc.filing.file(who(world, RES1), "请公开今年村集体的财务收支明细")
    svc.filing.file(who(world, RES1), "村东头的路什么时候修？工程谁在管")
    staff = who(world, STAFF)
    assert {t.id for t in svc.tracking.pending(staff, None).topics} > {money.id}
    assert [t.id for t in svc.tracking.pending(staff, "qingshan", "finance").topics] == [money.id]
    assert svc.tracking.overdue(staff, None, "finance").topics == []


async def test_pending_takes_a_chinese_category_name_after_the_command(runtime, chat):
    with runtime.store.transaction() as db:
        users.ensure(db, 1001)
        members.add(db, 1001, "resident", "qingshan")
    resident = runtime.services.membership.person(1001)
    filing = runtime.services.topics.filing
    money = filing.file(resident, "请公开今年村集体的财务收支明细")
    road = filing.file(resident, "村东头的路什么时候修？工程谁在管")
    staff = chat(STAFF)
    (listed,) = await staff.say("/pending 财务收支")
    assert money.receipt in listed["text"] and road.receipt not in listed["text"]
    (listed,) = await staff.say("/pending qingshan 工程")
    assert road.receipt in listed["text"] and money.receipt not in listed["text"]


async def test_free_text_gets_the_offer_the_join_hint_or_help(runtime, chat):
    with runtime.store.transaction() as db:
        for user_id, role in ((1001, "resident"), (1002, "official")):
            users.ensure(db, user_id)
            members.add(db, user_id, role, "qingshan")
    (offer,) = await chat(1001).say("我想问问今年低保是怎么评的")
    assert "要把这句话作为点题提交吗" in offer["text"] and "/help" not in offer["text"]
    buttons = [b["callback_data"] for row in offer["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["tp:ok", "tp:no"]  # the text waits in the form, not in the button
    (hint,) = await chat(1003).say("我想问问今年低保是怎么评的")
    assert "二维码" in hint["text"] and "/start" in hint["text"]
    (office,) = await chat(1002).say("今天开会吗")
    assert "/help" in office["text"]
