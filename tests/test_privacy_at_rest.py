"""Personal numbers a resident or an official types are masked before anything is stored: the
topic, its draft, its answer, the notes around it and the outbox copies; handled updates and sent
messages are deleted after the retention; the database and its backups are owner-only (SEC-03)."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import timedelta

import pytest

from bot.config import parse_config
from bot.services.bundle import Services
from bot.services.disclosures.finance_ledger import parse_finance
from bot.services.disclosures.sheet_reading import read_table
from bot.services.disclosures.subsidy_list import parse_subsidy
from bot.services.redaction import redact
from storage import inbox, outbox, topics
from storage.db import Store
from storage.times import utcnow
from tests.conftest import eventually
from tests.test_topics import ACCOUNTANT, RES1, STAFF, texts, who, world  # noqa: F401
from tests.test_topics_e2e import town  # noqa: F401 - the fixture

PHONE, ID, CARD = "13812341234", "350102199001011123", "6222020200001234567"
VILLAGES = [{"code": "qingshan", "name": "青山村"}]
TYPED = f"我家电话{PHONE}，身份证{ID}，卡号{CARD}，请公开低保名单"


def dump(store: Store) -> str:
    """Every value in every table, as one text to search."""
    db = store.db
    return "\n".join(
        str(row) for table in db.table_names() for row in db.execute(f"SELECT * FROM [{table}]")
    )


def assert_nothing_unmasked(store: Store) -> None:
    everything = dump(store)
    for number in (PHONE, ID, CARD):
        assert number not in everything


def test_redact_counts_every_number_it_masks():
    assert redact(TYPED).count == 3
    assert redact(f"{PHONE}、{PHONE[:-1]}5 两个电话").count == 2
    assert redact("没有号码，金额 1,200.00 元，日期 2026-09-15").count == 0
    assert redact(f"已遮盖的 **** 1234 和新的 {PHONE}").count == 1


def test_a_filed_topic_is_masked_before_it_is_stored_and_the_official_is_told(world):  # noqa: F811
    topic = world.topics.filing.file(who(world, RES1), TYPED, category="lowincome")
    assert "138****1234" in topic.text and "35*************123" in topic.text
    assert_nothing_unmasked(world.store)
    (notice,) = texts(world, topic.assignee_id)
    assert "138****1234" in notice and "已自动遮盖 3 处" in notice
    (receipt,) = texts(world, RES1)
    assert "已自动遮盖 3 处" in receipt


def test_a_topic_without_numbers_has_no_note(world):  # noqa: F811
    world.topics.filing.file(who(world, RES1), "请公开今年村集体的财务收支明细")
    assert not any("遮盖" in t for t in texts(world, RES1) + texts(world, ACCOUNTANT))


def test_the_guided_form_masks_the_draft_and_counts_it_through_to_the_notice(world):  # noqa: F811
    resident, forms = who(world, RES1), world.topics.forms
    world.topics.filing.start_filing(resident)
    world.topics.filing.choose_category(resident, "finance")
    forms.draft_input(resident, f"请公开财务，我的电话{PHONE}，另一个{PHONE[:-1]}9")
    assert_nothing_unmasked(world.store)  # the draft in the forms table too
    confirm = forms.draft_input(resident, None, ("photo", "FILE-1"))
    assert "138****1234" in confirm.params["text"] and "已自动遮盖 2 处" in confirm.params["masked"]
    forms.confirm_draft(resident)
    assert any("已自动遮盖 2 处" in t for t in texts(world, ACCOUNTANT))
    assert_nothing_unmasked(world.store)


def test_answers_and_the_notes_around_a_topic_are_masked(world):  # noqa: F811
    svc, db = world.topics, world.store.db
    topic = svc.filing.file(who(world, RES1), "请公开今年村集体的财务收支明细")
    svc.tracking.urge(who(world, STAFF), topic, f"请联系{PHONE}")
    svc.extensions.request_extension(who(world, ACCOUNTANT), topic, 3, f"需要核对卡号{CARD}")
    answer = f"已公开，联系人身份证{ID}，电话{PHONE}"
    answered = svc.answering.answer(who(world, ACCOUNTANT), topics.get(db, topic.id), answer)
    svc.rating.rate(who(world, RES1), answered, answered.answer_id, "u")
    svc.forms.draft_input(who(world, RES1), f"答复没有写清楚，请打{PHONE}回电")
    assert_nothing_unmasked(world.store)
    assert any("138****1234" in t for t in texts(world, RES1))


def test_an_answer_drafted_in_the_form_is_masked_with_a_note(world):  # noqa: F811
    svc, official = world.topics, who(world, ACCOUNTANT)
    topic = svc.filing.file(who(world, RES1), "请公开今年村集体的财务收支明细")
    svc.answering.start_answer(official, topic)
    confirm = svc.forms.draft_input(official, f"请致电{PHONE}查询明细")
    assert "已自动遮盖 1 处" in confirm.params["masked"]
    assert_nothing_unmasked(world.store)
    svc.forms.confirm_draft(official)
    assert_nothing_unmasked(world.store)


def test_handled_updates_and_sent_messages_are_deleted_after_the_retention(tmp_path):
    config = parse_config(
        {
            "villages": [{"code": "qingshan", "name": "青山村"}],
            "storage": {"keep_delivered_days": 3},
        },
        environ={},
    )
    store = Store(tmp_path / "v.db")
    services = Services.build(config, store)
    with store.transaction() as db:
        inbox.store(db, [{"update_id": 1, "message": {"text": PHONE}}, {"update_id": 2}])
        inbox.mark_done(db, 1)
        outbox.enqueue(db, "sent", 5, "text", {"text": "138****1234"})
        outbox.enqueue(db, "owed", 5, "text", {"text": "still owed"})
        outbox.mark_sent(db, outbox.get(db, "sent").id, 1)
    assert PHONE not in dump(store)  # handled: only its id is kept
    results = services.ticker.run(utcnow() + timedelta(days=2))
    assert results["delivery.prune"] == {"inbox": 0, "outbox": 0}
    results = services.ticker.run(utcnow() + timedelta(days=4))
    assert results["delivery.prune"] == {"inbox": 1, "outbox": 1}
    assert inbox.status(store.db, 2) == "pending" and outbox.get(store.db, "owed") is not None
    store.close()


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_database_its_journal_and_backups_are_owner_only(tmp_path):
    old = os.umask(0o022)  # the usual umask: files would be world-readable (0644)
    try:
        store = Store(tmp_path / "v.db")
        with store.transaction() as db:
            inbox.store(db, [{"update_id": 1}])
        store.backup(tmp_path / "copy.db")
        files = [tmp_path / n for n in ("v.db", "v.db-wal", "v.db-shm", "copy.db")]
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        store.close()
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_made_owner_only(tmp_path):
    Store(tmp_path / "v.db").close()
    os.chmod(tmp_path / "v.db", 0o644)
    Store(tmp_path / "v.db").close()
    assert mode(tmp_path / "v.db") == 0o600


@pytest.mark.parametrize("days", [0, 366])
def test_the_retention_is_checked(days):
    from bot.config import ConfigError

    with pytest.raises(ConfigError):
        parse_config(
            {
                "villages": [{"code": "q", "name": "青山村"}],
                "storage": {"keep_delivered_days": days},
            },
            environ={},
        )


def test_import_counts_numbers_not_cells_and_a_cut_never_leaves_half_a_number():
    limits = {"max_rows": 100, "max_bytes": 10**6}
    long_note = "备" * 490 + PHONE
    subsidy = (
        "户主姓名,补贴项目,金额,备注\n"
        f"张三,补贴,10,电话{PHONE}/{PHONE[:-1]}9 卡{CARD}\n"
        f"李四,补贴,10,{long_note}\n"
    ).encode()
    sheet = parse_subsidy(read_table("a.csv", subsidy, **limits))
    assert sheet.masked == 4
    assert PHONE[:7] not in sheet.rows[1].data["note"]  # cut after masking, not before
    ledger = (
        "类型,科目,摘要,本期金额,本年累计\n期初余额,,,100.00,\n"
        f"收入,租金 {PHONE},押金退还 卡{CARD}、身份证{ID},10.00,10.00\n期末余额,,,110.00,\n"
    ).encode()
    assert parse_finance(read_table("b.csv", ledger, **limits)).masked == 3


async def test_a_topic_typed_through_telegram_leaves_no_number_in_the_database(
    town,  # noqa: F811
    emulator,
    chat,
):
    """The whole path: the stored update, the topic, the notices queued and sent."""
    (receipt,) = await chat(RES1).say(f"/topic 请公开低保名单，我家电话{PHONE}")
    assert "138****1234" in receipt["text"] and "已自动遮盖 1 处" in receipt["text"]
    await eventually(lambda: inbox.counts(town.store.db) == {"done": 1})
    conn = sqlite3.connect(town.store.path)
    try:
        everything = "\n".join(conn.iterdump())
    finally:
        conn.close()
    assert "138****1234" in everything and PHONE not in everything
