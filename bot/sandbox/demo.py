"""The sandbox's demo county (issue 13 §1): 示范镇 with three villages and one person in each
role, the resident verified with her household, one published subsidy list that names it
(/mypay), a topic filed for a resident without a phone, a neighbour's topic to follow and a
finance ledger of the last complete quarter (so /score ranks a village); 南山乡 with two villages,
its own staff member and a resident's topic; and a county staff member who reads both
(/compare)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.config import Config, parse_config
from bot.services.bundle import Services
from bot.services.disclosures.form_state import data_at
from bot.services.people import ReplyTo
from bot.services.scores.scoring import Scores
from storage import disclosures, topic_proxies, users

# The demo resident's household: 王秀英 heads it, in 三组 (issue 13 §5, /mypay).
HOUSEHOLD = ("王秀英", "三组")
SUBSIDY_CSV = (
    "村民小组,户主姓名,补贴项目,金额,发放日期\n"
    "三组,王秀英,耕地地力保护补贴,1234.56,2026-06-30\n"
    "三组,王秀兰,耕地地力保护补贴,980.00,2026-06-30\n"
    "五组,王秀英,耕地地力保护补贴,410.00,2026-06-30\n"
).encode()
LEDGER_CSV = (
    "类型,科目,摘要,本期金额,本年累计\n期初余额,,,52000.00,\n"
    "收入,租金,鱼塘承包费,12000.00,36000.00\n支出,办公,办公用品,800.00,2400.00\n"
    "期末余额,,,63200.00,\n"
).encode()
TOKEN = "123456:SANDBOX-village-affairs-bot"
BOT_USERNAME = "village_sandbox_bot"


@dataclass(frozen=True, slots=True)
class DemoUser:
    user_id: int
    first_name: str
    role: str
    village_code: str | None
    title: str | None = None


VILLAGES = (
    ("qingshan", "青山村", -1001000000001),
    ("hexi", "河西村", -1001000000002),
    ("dongling", "东岭村", -1001000000003),
    ("taoyuan", "桃源村", -1001000000004),
    ("lishu", "梨树村", -1001000000005),
)
# The demo county's townships and their villages (the code of each is its page, /z/<code>).
TOWNSHIPS = (
    ("shifan", "示范镇", ("qingshan", "hexi", "dongling")),
    ("nanshan", "南山乡", ("taoyuan", "lishu")),
)
USERS = (
    DemoUser(100001, "王秀英", "resident", "qingshan"),
    DemoUser(100002, "李建国", "official", "qingshan", "会计"),
    DemoUser(100003, "张桂兰", "supervisor", "qingshan", "监督委员会主任"),
    DemoUser(100004, "陈明", "township", None, "镇纪委"),
    DemoUser(100005, "刘大山", "resident", "qingshan"),
    DemoUser(100006, "周海", "township", None, "乡党政办"),  # 南山乡's staff
    DemoUser(100007, "孙立", "county", None, "县农经站"),
    DemoUser(100008, "赵春花", "resident", "taoyuan"),
)
# 南山乡's own business, so its staff and the county see a second township at work.
TAOYUAN_TOPIC = (100008, "村里的土地流转费什么时候发？请公开今年的土地流转合同和金额。")
# 刘大山's open topic: 王秀英 filing much the same (e.g. /topic 请公开修路的费用明细和施工队的
# 合同) is offered to follow it ("a neighbour already asked this").
NEIGHBOUR_TOPIC = (100005, "村里修路的钱是怎么花的？请公开修路费用明细和施工队的合同。")


def demo_config(base: Config | None, base_url: str, storage_path: Path) -> Config:
    """The demo county pointed at the emulator, in a throw-away database."""
    staff = [u.user_id for u in USERS if u.role == "township"]  # one per township, in order
    township_of = {v: code for code, _, held in TOWNSHIPS for v in held}
    data = {
        "telegram": {"token": TOKEN, "base_url": base_url, "poll_timeout": 10},
        "storage": {"path": str(storage_path)},
        "township": {"name": "示范镇"},
        "county": {"name": "示范县", "staff": [u.user_id for u in USERS if u.role == "county"]},
        "townships": [
            {"code": code, "name": name, "staff": [uid]}
            for (code, name, _), uid in zip(TOWNSHIPS, staff, strict=True)
        ],
        "villages": [
            {"code": c, "name": n, "chat_id": chat, "township": township_of[c]}
            for c, n, chat in VILLAGES
        ],
    }
    if base is not None:
        data["web"] = {"host": base.web.host, "port": base.web.port}
    config = parse_config(data, source="<sandbox>", environ={})
    return replace(config, source="<sandbox>")


def seed(services: Services) -> None:
    """Give each demo person their role through the same services real people use."""
    with services.store.transaction() as db:
        for user in USERS:
            users.seen(db, user.user_id, user.first_name, None, None, "zh-hans")
    membership = services.membership
    staff = membership.person(next(u.user_id for u in USERS if u.role == "township"))
    for user in USERS:
        person = membership.person(user.user_id)
        if user.role == "resident" and not person.roles:
            membership.join(person, user.village_code, ReplyTo(user.user_id))
        elif user.role in ("official", "supervisor") and not person.roles:
            issued = membership.create_invite(staff, user.role, user.village_code, user.title)
            membership.accept_invite(person, issued.code, ReplyTo(user.user_id))
    _proxy_topic(services)
    _subsidy_list(services)
    _residents_topic(services, NEIGHBOUR_TOPIC)
    _quarter_ledger(services)
    _residents_topic(services, TAOYUAN_TOPIC)


def _proxy_topic(services: Services) -> None:
    """A topic the accountant filed for a resident without a phone (代办), once."""
    if topic_proxies.count(services.store.db):
        return
    official = services.membership.person(next(u.user_id for u in USERS if u.role == "official"))
    text = "村东头那条路什么时候修？修路的钱从哪里来？"
    data = {"name": "赵大爷", "consent": "in_person", "category": "project", "text": text}
    services.topics.proxy.file(official, data)


def _first_of_each_role(services: Services) -> dict:
    """The demo's first person of each role (the demo county has a second resident)."""
    return {u.role: services.membership.person(u.user_id) for u in reversed(USERS)}


def _publish(
    services: Services, kind: str, period: str, file: tuple[str, bytes], category: str = ""
) -> None:
    """An item published through the steps people take: draft, import, major, sign-off."""
    wing, by_role = services.disclosures, _first_of_each_role(services)
    official = by_role["official"]
    wing.drafting.start(official, kind)
    if category:
        wing.drafting.choose_category(official, wing.categories.index(category))
    form = data_at(services.store.db, official, "period", "disc.form_expired")
    wing.drafting.fill_in(official, "period", form, period, None)
    sheet = wing.importing.read(kind, *file)
    draft = wing.importing.import_sheet(official, file[0], sheet).disclosure
    wing.drafting.toggle_major(official, draft.id)
    wing.submission.submit(official, draft.id)
    wing.signoff.approve(by_role["supervisor"], draft.id, 1)


def _subsidy_list(services: Services) -> None:
    """The official verifies the resident with her household and publishes a subsidy list
    naming it."""
    if disclosures.of_village(services.store.db, "qingshan", ("published",)):
        return
    by_role = _first_of_each_role(services)
    member = next(m for m in by_role["resident"].roles if m.role == "resident")
    services.disclosures.verification.verify(
        by_role["official"], str(member.id), True, None, HOUSEHOLD
    )
    _publish(services, "subsidy", "2026Q2", ("补贴名单.csv", SUBSIDY_CSV), "惠农补贴")


def _residents_topic(services: Services, topic: tuple[int, str]) -> None:
    """A resident's topic, filed once: 刘大山's on road money (for 王秀英 to be offered to
    follow), and a 桃源村 resident's, waiting in 南山乡's pool (the village has no official)."""
    resident = services.membership.person(topic[0])
    if not services.topics.reading.mine(resident):
        services.topics.filing.file(resident, topic[1])


def _quarter_ledger(services: Services) -> None:
    """青山村's finance ledger of the last complete quarter, signed off and published at once
    (on time or late by the day the sandbox starts), so /score ranks it with its inputs."""
    period = Scores(services.ctx).default_period().text
    if disclosures.of_village(services.store.db, "qingshan", ("published",), period=period):
        return
    _publish(services, "finance", period, ("财务公开.csv", LEDGER_CSV))
