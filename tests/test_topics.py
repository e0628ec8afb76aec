"""Point-topic rules, driven through the service with a controlled clock (issue 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.config import parse_config
from bot.services.bundle import Services
from bot.services.people import Denied, ReplyTo
from handlers.topics.topic_replies import tracking_list
from storage import audit, forms, members, outbox, topic_extensions, topics, users
from storage.db import Store

STAFF = 9001
RES1, RES2, RES3, RES_HEXI = 1001, 1002, 1003, 1004
ACCOUNTANT, HEAD, CLERK, HEXI_OFFICIAL = 2001, 2002, 2003, 2004
WALL = -1009999
# Tue 29 Sep 2026, 10:00 in Shanghai.
START = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)


@pytest.fixture
def world(tmp_path):
    config = parse_config(
        {
            "township": {"staff": [STAFF]},
            "villages": [
                {"code": "qingshan", "name": "青山村"},
                {"code": "hexi", "name": "河西村"},
                {"code": "dongling", "name": "东岭村"},
            ],
            "topics": {
                "wall_chat_id": WALL,
                "routes": [{"village": "qingshan", "category": "finance", "user_id": ACCOUNTANT}],
            },
        },
        environ={},
    )
    store = Store(tmp_path / "t.db")
    services = Services.build(config, store)
    clock = services.clock
    clock.set(START)
    services.membership.sync_config()
    with store.transaction() as db:
        for uid, name in (
            (RES1, "王秀英"), (RES2, "李建国"), (RES3, "张桂兰"), (RES_HEXI, "赵大海"),
            (ACCOUNTANT, "钱会计"), (HEAD, "孙主任"), (CLERK, "周文书"), (HEXI_OFFICIAL, "吴干部"),
        ):  # fmt: skip
            users.seen(db, uid, name, None, None, "zh-hans")
        for uid in (RES1, RES2, RES3):
            members.add(db, uid, "resident", "qingshan")
        members.add(db, RES_HEXI, "resident", "hexi")
        members.add(db, ACCOUNTANT, "official", "qingshan", "会计")
        members.add(db, HEAD, "official", "qingshan", "村委会主任")
        members.add(db, CLERK, "official", "qingshan", "文书")
        members.add(db, HEXI_OFFICIAL, "official", "hexi", "文书")
    yield SimpleNamespace(
        topics=services.topics,
        ticker=services.ticker,
        store=store,
        config=config,
        membership=services.membership,
        clock=clock,
    )
    store.close()


def who(services, user_id):
    return services.membership.person(user_id)


def sent(services, chat_id):
    return [m.payload for m in outbox.for_chat(services.store.db, chat_id)]


def texts(services, chat_id):
    return [p["text"] for p in sent(services, chat_id) if "text" in p]


def snapshot(services):
    db = services.store.db
    return tuple(
        db.execute(f"SELECT count(*), coalesce(max(rowid), 0) FROM {t}").fetchone()
        for t in ("topics", "topic_answers", "topic_supports", "audit_events", "outbox")
    )


def test_filing_issues_a_receipt_and_routes_by_category(world):
    svc = world.topics
    topic = svc.filing.file(who(world, RES1), "请公开今年村集体的财务收支明细")
    assert topic.receipt == "DT-2026-0001"
    assert (topic.category, topic.assignee_id, topic.routed_to) == ("finance", ACCOUNTANT, "route")
    assert topic.due_date == date(2026, 10, 19)  # 10 working days across National Day
    (receipt,) = texts(world, RES1)
    assert "DT-2026-0001" in receipt and "财务" in receipt and "2026-10-19" in receipt
    assert "青山村 会计" in receipt and "钱会计" not in receipt  # the post, not the account
    (notice,) = sent(world, ACCOUNTANT)
    assert "限时反馈通知书" in notice["text"]
    buttons = [b["data"] for row in notice["buttons"] for b in row]
    assert buttons == [
        f"tp:a:{topic.id}",
        f"tp:d:{topic.id}",
        f"tp:x:{topic.id}",
        f"tp:t:{topic.id}",
    ]
    second = svc.filing.file(who(world, RES2), "宅基地审批的名单在哪里能看到？")
    assert second.receipt == "DT-2026-0002"
    assert (second.routed_to, second.assignee_id) == ("head", HEAD)  # FCR-01 fallback to head
    assert [e.action for e in audit.for_subject(world.store.db, f"topic:{topic.id}")] == [
        "topic.filed",
        "topic.routed",
    ]


def test_routing_never_goes_to_nobody(world):
    svc = world.topics
    db = world.store.db
    assert svc.routing.route(db, "hexi", "land").recipients == (HEXI_OFFICIAL,)
    pool = svc.routing.route(db, "hexi", "land")
    assert pool.kind == "officials" and pool.assignee_id is None
    township = svc.routing.route(db, "dongling", "finance")
    assert township.kind == "township" and township.recipients == (STAFF,)
    # Route set by township staff wins over the config file.
    member_id = next(m.id for m in members.of_village(db, "qingshan") if m.user_id == CLERK)
    svc.routing.set_route(who(world, STAFF), "qingshan", "finance", f"#{member_id}")
    assert svc.routing.route(db, "qingshan", "finance").assignee_id == CLERK
    with pytest.raises(Denied):
        svc.routing.set_route(who(world, RES1), "qingshan", "finance", f"#{member_id}")


def test_unowned_topic_goes_to_the_first_official_who_acts(world):
    svc = world.topics
    topic = svc.filing.file(who(world, RES_HEXI), "河西村的修路款用在哪里了")
    assert topic.routed_to == "officials"
    with pytest.raises(Denied) as denied:
        svc.answering.answer(
            who(world, ACCOUNTANT), topic, "不是本村的"
        )  # another village's official
    assert denied.value.key == "topics.not_yours"
    done = svc.answering.answer(who(world, HEXI_OFFICIAL), topic, "修路款 12 万元，明细已公开。")
    assert done.assignee_id == HEXI_OFFICIAL and done.first_owner_id == HEXI_OFFICIAL


def test_limits_refuse_clearly_and_change_nothing(world):
    svc = world.topics
    before = snapshot(world)
    for text, key in (("短", "topics.too_short"), ("字" * 10_000, "topics.too_long")):
        with pytest.raises(Denied) as denied:
            svc.filing.file(who(world, RES1), text)
        assert denied.value.key == key
    with pytest.raises(Denied) as denied:
        svc.filing.file(who(world, ACCOUNTANT), "干部不能点题，只有村民可以")
    assert denied.value.key == "topics.not_resident"
    assert snapshot(world) == before
    for i in range(5):
        svc.filing.file(who(world, RES1), f"第{i + 1}个问题：请公开村务")
    before = snapshot(world)
    with pytest.raises(Denied) as denied:
        svc.filing.file(who(world, RES1), "第六个问题：请公开村务")
    assert denied.value.key == "topics.daily_limit" and denied.value.params == {"limit": 5}
    with pytest.raises(Denied):
        svc.filing.start_filing(who(world, RES1))
    assert snapshot(world) == before
    world.clock.set(START + timedelta(days=1))  # a new local day
    svc.filing.file(who(world, RES1), "第二天的问题：请公开村务")


def test_markup_in_text_is_shown_literally(world):
    svc = world.topics
    evil = "<b>粗体</b> <a href='x'>链接</a> & *星号* _下划线_"
    topic = svc.filing.file(who(world, RES1), evil)
    assert topic.text == evil
    for text in texts(world, RES1) + texts(world, HEAD):
        assert "<b>粗体</b>" not in text and "&lt;b&gt;粗体&lt;/b&gt;" in text
    svc.answering.answer(who(world, HEAD), topic, "<i>答复</i> 见公开栏")
    (wall,) = texts(world, WALL)
    assert "&lt;i&gt;答复&lt;/i&gt;" in wall and "&lt;b&gt;粗体&lt;/b&gt;" in wall


def test_answer_posts_to_the_wall_without_the_requester(world):
    svc = world.topics
    topic = svc.filing.file(
        who(world, RES1), "请公开财务，联系我 13812341234，身份证 350102199001011123"
    )
    done = svc.answering.answer(
        who(world, ACCOUNTANT), topic, "已在公开栏公布 https://example.org/d/1"
    )
    assert done.status == "answered"
    (wall,) = sent(world, WALL)
    assert "138****1234" in wall["text"] and "13812341234" not in wall["text"]
    assert "35*************123" in wall["text"]
    assert "王秀英" not in wall["text"] and "✅ 按时" in wall["text"]
    assert wall["buttons"][0][0]["data"] == f"tp:s:{topic.id}"
    notice = sent(world, RES1)[-1]
    assert "您的点题有答复了" in notice["text"]
    rating = [b["data"] for b in notice["buttons"][0]]
    assert rating == [f"tp:r:{topic.id}:{done.answer_id}:{c}" for c in "sbu"]
    with pytest.raises(Denied) as denied:
        svc.answering.answer(who(world, ACCOUNTANT), done, "再答一次")
    assert denied.value.key == "topics.not_open"


def test_rating_rules(world):
    svc = world.topics
    topic = svc.answering.answer(
        who(world, ACCOUNTANT),
        svc.filing.file(who(world, RES1), "请公开财务支出"),
        "支出明细见公开栏第三期",
    )
    before = snapshot(world)
    with pytest.raises(Denied) as denied:
        svc.rating.rate(who(world, RES2), topic, topic.answer_id, "s")  # someone else's topic
    assert denied.value.key == "topics.not_requester"
    assert snapshot(world) == before
    svc.rating.rate(who(world, RES1), topic, topic.answer_id, "s")
    closed = topics.get(world.store.db, topic.id)
    assert (closed.status, closed.rating, closed.close_reason) == ("closed", "satisfied", "rated")
    before = snapshot(world)
    with pytest.raises(Denied) as denied:  # the stale button after closing
        svc.rating.rate(who(world, RES1), closed, topic.answer_id, "u")
    assert denied.value.key == "topics.stale"
    assert snapshot(world) == before


def test_unsatisfied_reopens_once_then_escalates(world):
    svc = world.topics
    topic = svc.answering.answer(
        who(world, ACCOUNTANT), svc.filing.file(who(world, RES1), "请公开财务支出"), "见公开栏"
    )
    world.clock.set(START + timedelta(days=2))
    ask = svc.rating.rate(who(world, RES1), topic, topic.answer_id, "u")
    assert ask.key == "topics.form.unsatisfied"
    assert topics.get(world.store.db, topic.id).status == "answered"  # nothing changed yet
    done = svc.forms.draft_input(who(world, RES1), "没有写清楚每一笔的用途")
    assert done.key == "topics.reopened_ack"
    reopened = topics.get(world.store.db, topic.id)
    assert (reopened.status, reopened.reopened, reopened.due_date) == (
        "assigned",
        1,
        date(2026, 10, 20),  # 10 working days from Thu 1 Oct
    )
    assert "没有写清楚每一笔的用途" in texts(world, ACCOUNTANT)[-1]
    again = svc.answering.answer(who(world, ACCOUNTANT), reopened, "每一笔用途见附表")
    svc.rating.rate(who(world, RES1), again, again.answer_id, "u")
    final = topics.get(world.store.db, topic.id)
    assert (final.status, final.close_reason, final.rating) == (
        "closed",
        "escalated",
        "unsatisfied",
    )
    assert "二次不满意" in texts(world, STAFF)[-1]


def test_decline_needs_a_lawful_reason(world):
    svc = world.topics
    topic = svc.filing.file(who(world, RES1), "请公开张三家的低保申请材料")
    with pytest.raises(Denied):
        svc.answering.decline(who(world, HEAD), topic, "不想说", "没有理由")
    with pytest.raises(Denied) as denied:
        svc.answering.decline(who(world, HEAD), topic, "already_disclosed", "早就公开过了")
    assert denied.value.key == "topics.decline_needs_link"
    done = svc.answering.decline(who(world, HEAD), topic, "privacy", "涉及个人隐私，依法不予公开。")
    assert done.status == "declined"
    (wall,) = texts(world, WALL)
    assert "不予公开：涉及个人隐私" in wall


def test_extension_approval_and_hard_cap(world):
    svc = world.topics
    topic = svc.filing.file(who(world, RES1), "请公开财务支出")
    svc.extensions.request_extension(who(world, ACCOUNTANT), topic, 10, "需要查阅往年账目")
    with pytest.raises(Denied) as denied:
        svc.extensions.request_extension(who(world, ACCOUNTANT), topic, 3, "再延期几天吧")
    assert denied.value.key == "topics.extension_pending"
    (ext,) = topic_extensions.extensions_of(world.store.db, topic.id)
    with pytest.raises(Denied):
        svc.extensions.decide_extension(who(world, RES1), ext.id, True)
    svc.extensions.decide_extension(who(world, STAFF), ext.id, True)
    extended = topics.get(world.store.db, topic.id)
    # 10 more working days after 19 Oct would be 2 Nov; the 30-day cap from 29 Sep is 29 Oct.
    assert extended.due_date == date(2026, 10, 29) and extended.extended
    assert "需要查阅往年账目" in texts(world, RES1)[-1]
    with pytest.raises(Denied) as denied:
        svc.extensions.decide_extension(who(world, STAFF), ext.id, False)
    assert denied.value.key == "topics.extension_decided"
    with pytest.raises(Denied) as denied:
        svc.extensions.request_extension(who(world, ACCOUNTANT), extended, 3, "还要再延期几天")
    assert denied.value.key == "topics.already_extended"


def test_supports_and_the_joint_request_threshold(world):
    svc = world.topics
    # Default ratio 0.1: 3 residents registered → 1 support makes it a joint request.
    topic = svc.filing.file(who(world, RES1), "请公开修路工程的招标情况")
    with pytest.raises(Denied) as denied:
        svc.supports.support(who(world, RES1), topic)
    assert denied.value.key == "topics.support_own"
    with pytest.raises(Denied) as denied:
        svc.supports.support(who(world, RES_HEXI), topic)
    assert denied.value.key == "topics.support_other_village"
    svc.supports.support(who(world, RES2), topic)
    before = snapshot(world)
    with pytest.raises(Denied) as denied:
        svc.supports.support(who(world, RES2), topic)
    assert denied.value.key == "topics.support_twice"
    assert snapshot(world) == before
    joint = topics.get(world.store.db, topic.id)
    assert joint.joint and topics.supports(world.store.db, topic.id) == 1
    assert "联名点题" in texts(world, HEAD)[-1] and "联名点题" in texts(world, STAFF)[-1]
    with pytest.raises(Denied) as denied:
        svc.answering.answer(who(world, HEAD), joint, "口头说明一下")
    assert denied.value.key == "topics.joint_needs_link"
    svc.answering.answer(who(world, HEAD), joint, "已发布公开事项 https://example.org/d/9")


def test_transfer_keeps_the_first_owner(world):
    svc = world.topics
    topic = svc.filing.file(who(world, RES1), "请公开财务支出")
    with pytest.raises(Denied):
        svc.transfers.transfer(who(world, ACCOUNTANT), topic, HEXI_OFFICIAL)
    moved = svc.transfers.transfer(who(world, ACCOUNTANT), topic, CLERK)
    assert (moved.assignee_id, moved.first_owner_id) == (CLERK, ACCOUNTANT)
    assert "限时反馈通知书" in texts(world, CLERK)[-1]
    with pytest.raises(Denied):
        svc.answering.answer(who(world, ACCOUNTANT), moved, "我已经转走了")


def test_schedule_urges_closes_and_digests_once(world):
    svc = world.topics
    late = svc.filing.file(who(world, RES1), "请公开财务支出")
    answered = svc.answering.answer(
        who(world, HEAD), svc.filing.file(who(world, RES2), "宅基地怎么分"), "按规定分配"
    )
    ticker = world.ticker
    # Unrated answers close after 7 days as "not rated" (not counted as satisfied).
    week = answered.responded_at + timedelta(days=7)
    assert ticker.run(week - timedelta(minutes=1))["topics.auto_close"] == []
    assert ticker.run(week)["topics.auto_close"] == [answered.receipt]
    closed = topics.get(world.store.db, answered.id)
    assert (closed.status, closed.close_reason, closed.rating) == ("closed", "not_rated", None)
    assert ticker.run(week)["topics.auto_close"] == []
    # 20 Oct 2026, 08:00 Shanghai: overdue, but before the digest time.
    morning = datetime(2026, 10, 20, 0, 0, tzinfo=UTC)
    assert ticker.run(morning)["topics.auto_urge"] == []
    at_830 = datetime(2026, 10, 20, 0, 30, tzinfo=UTC)
    for _ in range(3):
        results = ticker.run(at_830)
    assert results["topics.auto_urge"] == [] and results["topics.digest"] == 0
    assert [e.action for e in audit.for_subject(world.store.db, f"topic:{late.id}")].count(
        "topic.urged"
    ) == 1
    assert "督办通知" in texts(world, ACCOUNTANT)[-1]
    digest = [t for t in texts(world, STAFF) if "点题日报</b> 2026-10-20" in t]
    assert len(digest) == 1 and late.receipt in digest[0] and "超期 1 天" in digest[0]
    assert ticker.run(datetime(2026, 10, 21, 1, 0, tzinfo=UTC))["topics.auto_urge"] == [
        late.receipt
    ]


def test_guided_filing_keeps_progress_in_the_database(world):
    svc = world.topics
    resident = who(world, RES1)
    svc.filing.start_filing(resident)
    svc.filing.choose_category(resident, "subsidy")
    svc.forms.draft_input(resident, "今年的种粮补贴发了多少")
    assert forms.get(world.store.db, RES1, "topics").step == "media"
    svc.forms.draft_input(resident, None, ("photo", "FILE-1"))
    done = svc.forms.confirm_draft(resident)
    topic = topics.by_receipt(world.store.db, done.params["receipt"])
    assert (topic.category, topic.media_kind, topic.media_file_id) == ("subsidy", "photo", "FILE-1")
    assert forms.get(world.store.db, RES1, "topics") is None
    svc.filing.start_filing(resident)
    assert svc.forms.cancel_draft(resident) and not svc.forms.cancel_draft(resident)


def test_inbox_pending_and_overdue_lists(world):
    svc = world.topics
    finance = svc.filing.file(who(world, RES1), "请公开财务支出")
    land = svc.filing.file(who(world, RES2), "宅基地怎么分")
    hexi = svc.filing.file(who(world, RES_HEXI), "河西村的账目")
    assert [t.receipt for t in svc.reading.inbox(who(world, ACCOUNTANT))] == [finance.receipt]
    assert [t.receipt for t in svc.reading.inbox(who(world, HEAD))] == [land.receipt]
    assert [t.receipt for t in svc.reading.inbox(who(world, HEXI_OFFICIAL))] == [hexi.receipt]
    with pytest.raises(Denied):
        svc.reading.inbox(who(world, RES1))
    staff = who(world, STAFF)
    assert (
        svc.tracking.pending(staff, None).count == 3
        and svc.tracking.pending(staff, "hexi").count == 1
    )
    assert svc.tracking.overdue(staff, None).topics == []
    world.clock.set(datetime(2026, 10, 20, 2, 0, tzinfo=UTC))
    assert svc.tracking.overdue(staff, "qingshan").count == 2
    with pytest.raises(Denied):
        svc.tracking.pending(who(world, ACCOUNTANT), None)
    with pytest.raises(Denied):
        svc.tracking.overdue(staff, "nowhere")
    seen, history = svc.reading.view(who(world, HEAD), svc.reading.find(finance.receipt.lower()))
    assert seen.id == finance.id
    assert [h.action for h in history] == ["topic.filed", "topic.routed"]
    with pytest.raises(Denied):
        svc.reading.view(who(world, RES2), finance)  # another resident's topic
    with pytest.raises(Denied) as denied:
        svc.reading.find("DT-2026-9999")
    assert denied.value.key == "topics.unknown_receipt"


def test_the_assignee_corrects_the_category(world):
    """Issue 4: a one-shot topic lands in 其他 unless its text names a category; the assignee
    (and only the assignee) puts it where it belongs, with the owner and due date kept."""
    svc = world.topics
    topic = svc.filing.file(who(world, RES1), "村委会的会议记录能不能公开一下？")
    assert topic.category == "other"
    owner = topic.assignee_id
    with pytest.raises(Denied) as refused:
        svc.categories.recategorize(who(world, RES1), topic, "工程")
    assert refused.value.key == "topics.not_yours"
    with pytest.raises(Denied) as refused:
        svc.categories.recategorize(who(world, owner), topic, "天气")
    assert refused.value.key == "topics.bad_category"
    before = snapshot(world)
    with pytest.raises(Denied):
        svc.categories.recategorize(who(world, owner), topic, "其他")
    assert snapshot(world) == before
    moved = svc.categories.recategorize(who(world, owner), topic, "工程", ReplyTo(owner))
    assert (moved.category, moved.assignee_id, moved.due_date) == (
        "project", owner, topic.due_date,
    )  # fmt: skip
    assert "工程" in texts(world, owner)[-1]
    actions = [e.action for e in audit.for_subject(world.store.db, f"topic:{topic.id}")]
    assert actions[-1] == "topic.recategorized"


def test_a_long_tracking_list_counts_all_and_lists_the_oldest_due(world, monkeypatch):
    monkeypatch.setattr("bot.services.topics.tracking.LISTED", 2)
    svc = world.topics
    for n, uid in enumerate((RES1, RES2, RES1)):
        svc.filing.file(who(world, uid), f"请公开第{n}号工程的账目明细")
    listing = svc.tracking.pending(who(world, STAFF), "qingshan")
    assert listing.count == 3 and len(listing.topics) == 2
    assert listing.topics[0].due_date <= listing.topics[1].due_date
    text = tracking_list(who(world, STAFF), world.topics.tracking.ctx, listing, "topics.pending")
    assert "共 3 条" in text and "只列出最早到期的 2 条" in text


def test_a_topic_answered_or_rated_between_the_schedulers_steps_is_left_alone(world):
    svc = world.topics
    first = svc.filing.file(who(world, RES1), "请公开财务支出")
    second = svc.filing.file(who(world, RES2), "请公开修路的账目")
    late_morning = datetime(2026, 10, 21, 1, 0, tzinfo=UTC)  # both overdue (URG-01)
    steps = svc.tracking.auto_urge(late_morning)
    assert next(steps) == first.receipt
    svc.answering.answer(who(world, second.assignee_id or HEAD), second, "修路账目已上墙")
    assert list(steps) == []
    actions = [e.action for e in audit.for_subject(world.store.db, f"topic:{second.id}")]
    assert "topic.urged" not in actions
    # Likewise a rating given while the unrated answers are being closed wins.
    done = svc.answering.answer(who(world, first.assignee_id or HEAD), first, "已公开")
    closing = svc.rating.auto_close(done.responded_at + timedelta(days=8))
    assert next(closing) == first.receipt
    answer = topics.get(world.store.db, second.id)
    svc.rating.rate(who(world, RES2), answer, answer.answer_id, "s")
    assert list(closing) == []
    assert topics.get(world.store.db, second.id).close_reason == "rated"
