"""The message model: queueing (keys, splitting, priority), storage round trips, old rows."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.delivery.messages import (
    MESSAGE_LIMIT,
    Button,
    Command,
    Document,
    Menu,
    Photo,
    Text,
    Voice,
    decode,
    queue,
)
from storage import outbox
from storage.db import Store
from storage.migrations import m001_core, m002_disclosures, m003_topics, migrations
from storage.times import utcnow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "bot.db")
    yield s
    s.close()


def stored(store: Store, key: str):
    row = outbox.get(store.db, key)
    return row, decode(row.kind, row.payload, row.file)


def test_a_short_text_is_one_row_with_its_buttons_and_priority(store):
    message = Text("<b>你好</b>", ((Button("是", "y"), Button("网站", url="https://e.org")),))
    with store.transaction() as db:
        queue(db, "k", 7, message, priority=outbox.INTERACTIVE)
    row, back = stored(store, "k")
    assert (row.chat_id, row.kind, row.priority, row.file) == (7, "text", outbox.INTERACTIVE, None)
    assert back == message


def test_a_long_text_is_split_buttons_last_edit_first(store):
    line = "字" * 100
    lines = [f"{i} {line}" for i in range(100)]
    message = Text("\n".join(lines), ((Button("下一页", "n"),),), edit_message_id=42)
    with store.transaction() as db:
        queue(db, "long", 7, message, priority=outbox.NORMAL)
    rows = outbox.for_chat(store.db, 7)
    assert [r.idempotency_key for r in rows] == ["long", "long:1", "long:2"]
    parts = [decode(r.kind, r.payload, r.file) for r in rows]
    assert "\n".join(p.text for p in parts) == message.text  # no line lost or cut
    assert all(len(p.text.encode("utf-16-le")) // 2 <= MESSAGE_LIMIT for p in parts)
    assert [p.edit_message_id for p in parts] == [42, None, None]
    assert [p.buttons for p in parts] == [(), (), message.buttons]


def test_queue_is_idempotent_per_key(store):
    with store.transaction() as db:
        queue(db, "once", 7, Text("一"), priority=outbox.NORMAL)
        queue(db, "once", 7, Text("二"), priority=outbox.NORMAL)
    assert [stored(store, "once")[1]] == [Text("一")]


def test_files_are_blobs_not_hex_in_json(store):
    content = bytes(range(256)) * 4
    document = Document("账.xlsx", content, caption="#1")
    with store.transaction() as db:
        queue(db, "doc", -100, document, priority=outbox.BULK)
        queue(db, "photo", -100, Photo(content=b"\x89PNG"), priority=outbox.BULK)
        queue(db, "by-id", -100, Document(file_id="BQAD"), priority=outbox.BULK)
        queue(db, "voice", -100, Voice("AwAC", caption="语音"), priority=outbox.BULK)
    row, back = stored(store, "doc")
    assert back == document and row.file == content
    assert content.hex() not in json.dumps(row.payload) and "content" not in row.payload
    assert store.db.execute(
        "SELECT typeof(file) FROM outbox WHERE idempotency_key = 'doc'"
    ).fetchone() == ("blob",)
    assert stored(store, "photo")[1] == Photo(content=b"\x89PNG")
    assert stored(store, "by-id")[1] == Document(file_id="BQAD")
    assert stored(store, "voice")[1] == Voice("AwAC", caption="语音")


def test_menus_round_trip(store):
    mine = Menu((Command("help", "帮助"),))
    everyone = Menu((Command("start", "Start"),), everyone=True, language_code="en")
    with store.transaction() as db:
        queue(db, "menu:1", 1, mine, priority=outbox.NORMAL)
        queue(db, "menu:all", 0, everyone, priority=outbox.NORMAL)
    assert stored(store, "menu:1")[1] == mine
    assert stored(store, "menu:all")[1] == everyone


OLD_CALLS = [
    ("send", 5, "sendMessage", {"chat_id": 5, "text": "hi", "parse_mode": "HTML"}),
    (
        "edit",
        5,
        "editMessageText",
        {
            "chat_id": 5,
            "message_id": 9,
            "text": "ok",
            "parse_mode": "HTML",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        },
    ),
    (
        "file",
        -1,
        "sendDocument",
        {
            "chat_id": -1,
            "document": {"filename": "x.xlsx", "content_hex": b"PK\x03".hex()},
            "caption": "c",
            "parse_mode": "HTML",
        },
    ),
    ("att", -1, "sendPhoto", {"chat_id": -1, "photo": "AgAD", "caption": "p"}),
    ("doc", -1, "sendDocument", {"chat_id": -1, "document": "BQAD"}),
    (
        "menu",
        0,
        "setMyCommands",
        {
            "commands": [{"command": "start", "description": "Start"}],
            "scope": {"type": "all_private_chats"},
            "language_code": "en",
        },
    ),
    (
        "mine",
        3,
        "setMyCommands",
        {
            "commands": [{"command": "help", "description": "帮助"}],
            "scope": {"type": "chat", "chat_id": 3},
        },
    ),
]


def test_rows_queued_before_the_upgrade_are_converted(tmp_path):
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    before = Migrations(migrations.name)
    for step in (m001_core, m003_topics, m002_disclosures):
        before()(step)
    before.apply(db)
    for key, chat_id, method, payload in OLD_CALLS:
        db.execute(
            "INSERT INTO outbox (idempotency_key, chat_id, method, payload, next_attempt_at, "
            "created_at) VALUES (?, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            [key, chat_id, method, json.dumps(payload)],
        )
    db.conn.commit()
    db.conn.close()

    store = Store(path)
    try:
        messages = {key: stored(store, key)[1] for key, *_ in OLD_CALLS}
        assert outbox.counts(store.db) == {"pending": len(OLD_CALLS)}
        assert outbox.next_due(store.db, utcnow()) is not None
    finally:
        store.close()
    assert messages == {
        "send": Text("hi"),
        "edit": Text("ok", ((Button("A", "a"),),), edit_message_id=9),
        "file": Document("x.xlsx", b"PK\x03", caption="c"),
        "att": Photo("AgAD", caption="p"),
        "doc": Document(file_id="BQAD"),
        "menu": Menu((Command("start", "Start"),), everyone=True, language_code="en"),
        "mine": Menu((Command("help", "帮助"),)),
    }


WIRE_KEYS = re.compile(r"""["']chat_id["']\s*:|parse_mode|inline_keyboard|callback_data""")


def test_services_build_no_bot_api_payloads():
    """Only the delivery layer knows the Bot API's wire format (bot/delivery/wire.py)."""
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "bot" / "services").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WIRE_KEYS.search(line)
    ]
    assert found == []
