"""Roles that end when they end, and separation of duties (DESIGN §2; issue "Trust" §1)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.config import parse_config
from bot.services.bundle import Services
from bot.services.people import Denied, ReplyTo
from storage import disclosure_subscriptions, members, outbox, topic_answers, topics, users
from storage.db import Store

STAFF, STAFF2 = 9001, 9002
RES1, RES2, NEWCOMER = 1001, 1002, 1005
ACCOUNTANT, HEAD, SUPERVISOR = 2001, 2002, 2003
HERE = ReplyTo(chat_id=77)
START = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Shanghai


@pytest.fixture
def world(tmp_path):
    config = parse_config(
        {
            "township": {"staff": [STAFF]},
            "villages": [
                {"code": "qingshan", "name": "青山村"},
                {"code": "hexi", "name": "河西村"},
            ],
            "topics": {
                "routes": [{"village": "qingshan", "category": "finance", "user_id": ACCOUNTANT}]
            },
        },
        environ={},
    )
    store = Store(tmp_path / "r.db")
    services = Services.build(config, store)
    services.clock.set(START)
    services.membership.sync_config()
    with store.transaction() as db:
        for uid in (STAFF2, RES1, RES2, NEWCOMER, ACCOUNTANT, HEAD, SUPERVISOR):
            users.seen(db, uid, f"用户{uid}", None, None, "zh-hans")
        for uid in (RES1, RES2):
            members.add(db, uid, "resident", "qingshan")
        members.add(db, ACCOUNTANT, "official", "qingshan", "会计")
        members.add(db, HEAD, "official", "qingshan", "村委会主任")
        members.add(db, SUPERVISOR, "supervisor", "qingshan")
    yield SimpleNamespace(s=services, store=store)
    store.close()


def who(world, user_id):
    return world.s.membership.person(user_id)


def member_id(world, user_id, role):
    return next(m.id for m in members.roles_of(world.store.db, user_id) if m.role == role)


def texts(world, chat_id):
    return [m.payload.get("text", "") for m in outbox.for_chat(world.store.db, chat_id)]


def denied(call, *args, **kwargs) -> str:
    with pytest.raises(Denied) as refusal:
        call(*args, **kwargs)
    return refusal.value.key


def invite_code(world, maker, role, village="qingshan"):
    return world.s.membership.create_invite(who(world, maker), role, village, None).code


def test_an_invite_made_by_someone_since_revoked_is_void(world):
    ms = world.s.membership
    ms.accept_invite(who(world, STAFF2), invite_code(world, STAFF, "township", None), HERE)
    code = invite_code(world, STAFF2, "official")
    ms.revoke(who(world, STAFF), str(member_id(world, STAFF2, "township")), HERE)
    assert denied(ms.accept_invite, who(world, NEWCOMER), code, HERE) == "invite.void"
    assert not who(world, NEWCOMER).roles


def test_nobody_accepts_an_invite_they_made(world):
    code = invite_code(world, STAFF, "official")
    key = denied(world.s.membership.accept_invite, who(world, STAFF), code, HERE)
    assert key == "invite.own"


def test_township_lists_and_cancels_open_invites(world):
    ms = world.s.membership
    invite_code(world, STAFF, "official")
    cancelled = invite_code(world, STAFF, "supervisor", "hexi")
    first, second = ms.open_invites(who(world, STAFF))
    assert (first.role, second.role) == ("official", "supervisor")
    assert denied(ms.open_invites, who(world, ACCOUNTANT)) == "denied.role"
    assert denied(ms.cancel_invite, who(world, ACCOUNTANT), str(second.id), HERE) == "denied.role"
    ms.cancel_invite(who(world, STAFF), f"#{second.id}", HERE)
    assert [i.id for i in ms.open_invites(who(world, STAFF))] == [first.id]
    assert denied(ms.accept_invite, who(world, NEWCOMER), cancelled, HERE) == "invite.cancelled"
    assert denied(ms.cancel_invite, who(world, STAFF), str(second.id), HERE) == "invite.not_open"
    assert denied(ms.cancel_invite, who(world, STAFF), "999", HERE) == "invite.unknown"


def test_a_revoked_official_can_no_longer_act_on_their_topics(world):
    t = world.s.topics
    topic = t.filing.file(who(world, RES1), "请公开今年的财务收支明细", category="finance")
    assert topic.assignee_id == ACCOUNTANT
    world.s.membership.revoke(
        who(world, STAFF), str(member_id(world, ACCOUNTANT, "official")), HERE
    )
    gone = who(world, ACCOUNTANT)
    for call, args in (
        (t.answering.answer, ("收支明细已上墙公开",)),
        (t.answering.decline, ("state_secret", "涉及国家秘密，依法不予公开")),
        (t.extensions.request_extension, (3, "需要到镇里调取凭证")),
        (t.transfers.transfer, (HEAD,)),
        (t.categories.recategorize, ("其他",)),
    ):
        assert denied(call, gone, topic, *args) == "topics.not_yours"
    # The topic went back to the village's routing: the head takes it (FCR-01).
    moved = topics.get(world.store.db, topic.id)
    assert moved.assignee_id == HEAD and moved.first_owner_id == ACCOUNTANT
    assert any(topic.receipt in text and "已退回" in text for text in texts(world, STAFF))
    assert any(topic.receipt in text for text in texts(world, HEAD))
    done = t.answering.answer(who(world, HEAD), moved, "收支明细已上墙公开，欢迎查看")
    assert topic_answers.answer(world.store.db, done.answer_id).by_post == "青山村 村委会主任"


def test_an_official_who_leaves_hands_their_topics_back_and_answers_keep_their_post(world):
    t = world.s.topics
    answered = t.answering.answer(
        who(world, ACCOUNTANT),
        t.filing.file(who(world, RES1), "请公开村里的账目明细", category="finance"),
        "账目明细已在公开栏公布",
    )
    open_one = t.filing.file(who(world, RES2), "请公开修路的财务支出", category="finance")
    world.s.membership.leave(who(world, ACCOUNTANT), HERE)
    assert topics.get(world.store.db, open_one.id).assignee_id == HEAD
    # Answers stay attributed to the office the person held when they answered.
    assert topic_answers.answer(world.store.db, answered.answer_id).by_post == "青山村 会计"


def test_subscriptions_end_with_leave_and_revoke(world):
    subs = world.s.disclosures.subscriptions
    for uid in (RES1, RES2):
        subs.toggle_subscription(who(world, uid), "*")
        assert disclosure_subscriptions.subscriptions_of(world.store.db, uid) == ["*"]
    world.s.membership.leave(who(world, RES1), HERE)
    world.s.membership.revoke(who(world, STAFF), str(member_id(world, RES2, "resident")), HERE)
    for uid in (RES1, RES2):
        assert disclosure_subscriptions.subscriptions_of(world.store.db, uid) == []


def test_member_numbers_are_never_reused(world):
    newest = member_id(world, SUPERVISOR, "supervisor")
    world.s.membership.revoke(who(world, STAFF), str(newest), HERE)
    world.s.membership.join(who(world, NEWCOMER), "qingshan", HERE)
    assert member_id(world, NEWCOMER, "resident") > newest
    assert denied(world.s.membership.revoke, who(world, STAFF), str(newest), HERE) == (
        "revoke.unknown"
    )


def test_nobody_is_official_and_supervisor_of_one_village(world):
    ms = world.s.membership
    code = invite_code(world, STAFF, "supervisor")
    key = denied(ms.accept_invite, who(world, ACCOUNTANT), code, HERE)
    assert key == "invite.conflict"
    code = invite_code(world, STAFF, "official")
    assert denied(ms.accept_invite, who(world, SUPERVISOR), code, HERE) == "invite.conflict"
    ms.accept_invite(who(world, NEWCOMER), code, HERE)  # the invite itself still works


def test_nobody_signs_off_a_draft_they_wrote(world):
    with world.store.transaction() as db:  # both roles, from before the rule existed
        members.add(db, SUPERVISOR, "official", "qingshan", "文书")
    d = world.s.disclosures
    writer = who(world, SUPERVISOR)
    d.drafting.start(writer, "notice")
    d.drafting.choose_category(writer, 6)
    d.form.handle_text(writer, "2026Q4")
    d.form.handle_text(writer, "第四季度政策公告")
    step = d.form.handle_text(writer, "本季度修路补助政策说明。")
    item = d.submission.submit(writer, step.disclosure.id)
    assert denied(d.signoff.approve, who(world, SUPERVISOR), item.id, 1) == "disc.signoff_own"


def test_nobody_rates_or_supports_an_answer_they_gave(world):
    t = world.s.topics
    with world.store.transaction() as db:
        members.add(db, ACCOUNTANT, "resident", "qingshan")
    own = t.filing.file(who(world, ACCOUNTANT), "请公开村里的财务支出", category="finance")
    own = t.answering.answer(who(world, ACCOUNTANT), own, "财务支出已在公开栏公布")
    key = denied(t.rating.rate, who(world, ACCOUNTANT), own, own.answer_id, "s")
    assert key == "topics.rate_own"
    assert topics.get(world.store.db, own.id).rating is None  # never counted as satisfied
    other = t.filing.file(who(world, RES1), "请公开村里的工程账目", category="finance")
    other = t.answering.answer(who(world, ACCOUNTANT), other, "工程账目已在公开栏公布")
    key = denied(t.supports.support, who(world, ACCOUNTANT), other)
    assert key == "topics.support_answered"
    t.supports.support(who(world, RES2), other)


def test_when_the_last_official_goes_the_villages_pool_goes_to_the_township(world):
    with world.store.transaction() as db:
        users.seen(db, 2004, "吴干部", None, None, "zh-hans")
        users.seen(db, 1004, "赵大海", None, None, "zh-hans")
        only = members.add(db, 2004, "official", "hexi", "文书")
        members.add(db, 1004, "resident", "hexi")
    topic = world.s.topics.filing.file(who(world, 1004), "河西村的修路款用在哪里了")
    assert topic.routed_to == "officials" and topic.assignee_id is None
    world.s.membership.revoke(who(world, STAFF), str(only), HERE)
    moved = topics.get(world.store.db, topic.id)
    assert moved.routed_to == "township"
    assert any(topic.receipt in text for text in texts(world, STAFF))
    world.s.topics.answering.answer(who(world, STAFF), moved, "修路款明细已在公开栏公布")


def test_a_revoked_township_staff_member_hands_back_what_they_claimed(world):
    ms = world.s.membership
    ms.accept_invite(who(world, STAFF2), invite_code(world, STAFF, "township", None), HERE)
    with world.store.transaction() as db:
        users.seen(db, 1004, "赵大海", None, None, "zh-hans")
        members.add(db, 1004, "resident", "hexi")
    topic = world.s.topics.filing.file(who(world, 1004), "河西村的修路款用在哪里了")
    assert topic.routed_to == "township" and topic.assignee_id is None  # hexi has no official
    world.s.topics.categories.recategorize(who(world, STAFF2), topic, "其他")
    assert topics.get(world.store.db, topic.id).assignee_id == STAFF2  # claimed (FCR-01)
    ms.revoke(who(world, STAFF), str(member_id(world, STAFF2, "township")), HERE)
    moved = topics.get(world.store.db, topic.id)
    assert moved.routed_to == "township" and moved.assignee_id is None  # the pool again
    assert any(topic.receipt in text and "已退回" in text for text in texts(world, STAFF))
    world.s.topics.answering.answer(who(world, STAFF), moved, "修路款明细已在公开栏公布")
