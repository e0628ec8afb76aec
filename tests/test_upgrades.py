"""An old database upgrades to today's schema with its rows intact: for every migration, a
database built by the ones before it, with rows in every table it has, is opened by today's
`Store` (which applies the rest) and read back through today's storage (README "Operations")."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.services.disclosures.tamper_check import content_checksum, first_break
from storage import (
    disclosure_filings,
    disclosure_rows,
    forms,
    members,
    outbox,
    search_index,
    topics,
)
from storage import disclosures as store_d
from storage.db import Store
from storage.migrations import migrations

STEPS = [m.name for m in migrations.pending(Database(memory=True))]
AT = "2026-03-02T01:00:00Z"
QUESTION = "请公开光伏电站分红的账目"
ANSWER = "光伏电站分红已在三月公开栏公布"
ROWS = {
    "villages": [{"code": "qingshan", "name": "青山村"}],
    "users": [
        {"user_id": uid, "first_name": name, "created_at": AT, "updated_at": AT}
        for uid, name in ((1001, "王秀英"), (2001, "孙主任"), (3001, "李监督"))
    ],
    "members": [
        {"id": 3, "user_id": 1001, "role": "resident", "village_code": "qingshan", "joined_at": AT},
        {
            "id": 5,
            "user_id": 2001,
            "role": "official",
            "village_code": "qingshan",
            "title": "村委会主任",
            "joined_at": AT,
        },
        {
            "id": 6,
            "user_id": 3001,
            "role": "supervisor",
            "village_code": "qingshan",
            "joined_at": AT,
        },
    ],
    "audit_events": [
        {"id": 1, "at": AT, "actor_id": 9001, "action": "member.revoked", "subject": "member:7"},
    ],
    "inbox": [
        {"update_id": 41, "payload": '{"update_id": 41}', "received_at": AT, "status": "done"}
    ],
    "topics": [
        {
            "id": 1,
            "receipt": "QS-2026-001",
            "village_code": "qingshan",
            "requester_id": 1001,
            "category": "finance",
            "text": QUESTION,
            "status": "answered",
            "routed_to": "head",
            "assignee_id": 2001,
            "filed_at": AT,
            "cycle_start": "2026-03-02",
            "due_date": "2026-03-16",
            "answer_id": 1,
            "updated_at": AT,
        },
    ],
    "topic_answers": [
        {
            "id": 1,
            "topic_id": 1,
            "kind": "answer",
            "text": ANSWER,
            "by_user_id": 2001,
            "by_post": "青山村 村委会主任",
            "at": AT,
            "due_date": "2026-03-16",
            "on_time": 1,
        },
    ],
    "topic_supports": [{"topic_id": 1, "user_id": 2001, "at": AT}],
    "disclosures": [
        {
            "id": 1,
            "village_code": "qingshan",
            "kind": "finance",
            "category": "财务收支",
            "period": "2026Q1",
            "title": "光伏电站分红公开",
            "body": "分红到户",
            "status": "published",
            "root_id": 1,
            "opening_fen": 100_000,
            "closing_fen": 150_000,
            "created_by": 2001,
            "created_at": AT,
            "updated_at": AT,
            "published_at": AT,
        },
    ],
    "disclosure_rows": [
        {
            "id": 1,
            "disclosure_id": 1,
            "position": 1,
            "section": "income",
            "data": json.dumps(
                {"account": "光伏收入", "description": "三月分红"}, ensure_ascii=False
            ),
            "amount_fen": 50_000,
            "ytd_fen": 50_000,
        },
    ],
    "disclosure_signoffs": [
        {
            "disclosure_id": 1,
            "round": 1,
            "user_id": 3001,
            "name": "李监督",
            "decision": "approve",
            "at": AT,
        },
    ],
}


def build_old(path: Path, step: str) -> None:
    """The database as the migrations before `step` left it, with rows in each table it has."""
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before=step)
    present = set(db.table_names())
    # A published item's rows go in before the item (m013's triggers refuse them after).
    for table in sorted(ROWS, key=lambda name: name != "disclosure_rows"):
        if table in present:
            db[table].insert_all(ROWS[table])
    # Member 7 left before the upgrade: its number must never be given again (m008).
    db["members"].insert(
        {"id": 7, "user_id": 3001, "role": "resident", "village_code": "qingshan", "joined_at": AT}
    )
    db.execute("DELETE FROM members WHERE id = 7")
    if "disclosure_filings" in present:
        d = store_d.get(db, 1)
        checksum = content_checksum(d, disclosure_rows.rows_of(db, 1))
        filed = {
            "disclosure_id": 1,
            "village_code": "qingshan",
            "drafted_by": 2001,
            "drafted_by_name": "孙主任",
            "signed_by": json.dumps(["李监督"], ensure_ascii=False),
            "published_at": AT,
            "checksum": checksum,
        }
        if "hash" in db["disclosure_filings"].columns_dict:  # m013 on: filed in the chain
            filed["prev_hash"] = disclosure_filings.GENESIS
            filed["hash"] = disclosure_filings.chain_hash(disclosure_filings.GENESIS, filed)
        db["disclosure_filings"].insert(filed)
    if "disclosure_search" in present:  # what publishing indexed, as that version stored it
        words = ("光伏电站分红公开", "分红到户", "光伏收入 三月分红")
        if "m007_search_words" in STEPS[: STEPS.index(step)]:
            search_index.index_disclosure(db, 1, *words)
        else:
            db.execute(
                "INSERT INTO disclosure_search (rowid, title, body, rows) VALUES (1, ?, ?, ?)",
                list(words),
            )
    if "topic_drafts" in present:  # a form half filled when the bot stopped (m005)
        db["topic_drafts"].insert(
            {"user_id": 1001, "kind": "topic", "step": "text", "data": "{}", "updated_at": AT}
        )
    if "outbox" in present:
        method = "method" if "method" in db["outbox"].columns_dict else "kind"
        payload = {"chat_id": 1001, "text": "已收到"} if method == "method" else {"text": "已收到"}
        db["outbox"].insert(
            {
                "idempotency_key": "old:1",
                "chat_id": 1001,
                method: "sendMessage" if method == "method" else "text",
                "payload": json.dumps(payload, ensure_ascii=False),
                "next_attempt_at": AT,
                "created_at": AT,
            }
        )
    db.conn.commit()
    db.conn.close()


@pytest.mark.parametrize("step", STEPS[1:])
def test_a_database_from_before_each_migration_upgrades_with_its_rows(tmp_path, step):
    path = tmp_path / "old.db"
    build_old(path, step)
    store = Store(str(path))
    try:
        db = store.db
        assert not [m.name for m in migrations.pending(db)]
        assert members.get(db, 5).title == "村委会主任"
        assert {m.role for m in members.of_village(db, "qingshan")} == {
            "resident",
            "official",
            "supervisor",
        }
        with store.transaction() as tx:  # numbers handed out before are never given again
            assert members.add(tx, 1001, "official", "qingshan") > 7
        before = STEPS[: STEPS.index(step)]
        if "m003_topics" in before:
            topic = topics.get(db, 1)
            assert (topic.text, topic.status, topic.answer_id) == (QUESTION, "answered", 1)
        if "m002_disclosures" in before:
            _disclosure_intact(db)
        if "m003_topics" in before and "m005_forms" not in before:
            assert forms.get(db, 1001, "topics") is not None
        assert [m.idempotency_key for m in outbox.for_chat(db, 1001)] == ["old:1"]
    finally:
        store.close()


def _disclosure_intact(db: Database) -> None:
    d = store_d.get(db, 1)
    assert (d.title, d.status, d.opening_fen, d.closing_fen) == (
        "光伏电站分红公开",
        "published",
        100_000,
        150_000,
    )
    (row,) = disclosure_rows.rows_of(db, 1)
    assert (row.amount_fen, row.data["account"]) == (50_000, "光伏收入")
    assert first_break(db) is None
    assert [h.id for h in search_index.find_disclosures(db, ["分红"], None, 10)] == [1]
