"""The sandbox's demo township: three villages, one person in each role, and a neighbour's
topic to follow."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.config import Config, parse_config
from bot.services.bundle import Services
from bot.services.people import ReplyTo
from storage import users

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
)
USERS = (
    DemoUser(100001, "王秀英", "resident", "qingshan"),
    DemoUser(100002, "李建国", "official", "qingshan", "会计"),
    DemoUser(100003, "张桂兰", "supervisor", "qingshan", "监督委员会主任"),
    DemoUser(100004, "陈明", "township", None, "镇纪委"),
    DemoUser(100005, "刘大山", "resident", "qingshan"),
)
# 刘大山's open topic: 王秀英 filing much the same (e.g. /topic 请公开修路的费用明细和施工队的
# 合同) is offered to follow it ("a neighbour already asked this").
NEIGHBOUR_TOPIC = (100005, "村里修路的钱是怎么花的？请公开修路费用明细和施工队的合同。")


def demo_config(base: Config | None, base_url: str, storage_path: Path) -> Config:
    """The demo township pointed at the emulator, in a throw-away database."""
    staff = [u.user_id for u in USERS if u.role == "township"]
    data = {
        "telegram": {"token": TOKEN, "base_url": base_url, "poll_timeout": 10},
        "storage": {"path": str(storage_path)},
        "township": {"name": "示范镇", "staff": staff},
        "villages": [{"code": c, "name": n, "chat_id": chat} for c, n, chat in VILLAGES],
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
    neighbour = membership.person(NEIGHBOUR_TOPIC[0])
    if not services.topics.reading.mine(neighbour):
        services.topics.filing.file(neighbour, NEIGHBOUR_TOPIC[1])
