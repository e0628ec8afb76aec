"""Updates read from their JSON without rebuilding them: who an update came from, named as
python-telegram-bot's effective_user names them; a polled update stored as received, and its
objects built once."""

from __future__ import annotations

import pytest
from telegram import Update

from bot.delivery import update_inbox
from bot.delivery.update_json import Sender, blocked_change, sender_of

PERSON = {"id": 1001, "is_bot": False, "first_name": "王", "language_code": "zh-hans"}
CHAT = {"id": 1001, "type": "private", "first_name": "王"}

UPDATES = [
    {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": CHAT, "from": PERSON}},
    {"update_id": 2, "callback_query": {"id": "7", "from": PERSON, "chat_instance": "1"}},
    {
        "update_id": 3,
        "message_reaction": {
            "chat": CHAT,
            "message_id": 1,
            "user": PERSON,
            "date": 0,
            "old_reaction": [],
            "new_reaction": [],
        },
    },
    {
        "update_id": 4,
        "channel_post": {"message_id": 1, "date": 0, "chat": {"id": -5, "type": "channel"}},
    },
]


@pytest.mark.parametrize("raw", UPDATES, ids=lambda raw: next(k for k in raw if k != "update_id"))
def test_the_sender_is_whom_the_library_names(raw):
    user = Update.de_json(raw, None).effective_user
    expected = user and Sender(
        user.id, user.first_name, user.last_name, user.username, user.language_code
    )
    assert sender_of(raw) == expected


def test_a_bot_or_a_malformed_sender_is_nobody():
    bot = PERSON | {"is_bot": True}
    nameless = {"id": 1001, "is_bot": False}
    for user in (bot, nameless, PERSON | {"id": "1001"}, PERSON | {"username": 5}):
        raw = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": CHAT, "from": user}}
        assert sender_of(raw) is None


def test_blocking_and_unblocking_in_a_private_chat():
    def change(status: str, chat: dict = CHAT) -> dict:
        member = {"user": {"id": 9, "is_bot": True, "first_name": "bot"}, "status": status}
        return {"update_id": 1, "my_chat_member": {"chat": chat, "new_chat_member": member}}

    assert blocked_change(change("kicked")) is True
    assert blocked_change(change("member")) is False
    assert blocked_change(change("kicked", {"id": -5, "type": "group"})) is None
    assert blocked_change(UPDATES[0]) is None


async def test_a_polled_update_is_stored_as_received(runtime, emulator, monkeypatch):
    # Writing the library's objects back to JSON cost a quarter of a millisecond per update.
    def written_back(self, recursive=True):
        raise AssertionError("an update was written back from the library's objects")

    monkeypatch.setattr(Update, "to_dict", written_back)
    await emulator.send_text(1001, "/help")
    await emulator.wait_for_messages(1001, 1)
    stored = runtime.store.db.query("SELECT status FROM inbox")
    assert [row["status"] for row in stored] == ["done"]


async def test_a_polled_update_is_built_once(runtime, emulator, monkeypatch):
    # Built on receipt, again by the library's get_updates and again from the stored row, each
    # update cost three times what it needs.
    built: list[int] = []
    de_json = Update.de_json.__func__

    def counted(cls, data, bot=None):
        built.append(data["update_id"])
        return de_json(cls, data, bot)

    monkeypatch.setattr(Update, "de_json", classmethod(counted))
    await emulator.send_text(1001, "/help")
    await emulator.wait_for_messages(1001, 1)
    assert len(built) == 1


async def test_an_update_not_kept_as_built_is_built_from_its_row(runtime, emulator, monkeypatch):
    monkeypatch.setattr(update_inbox, "KEEP_BUILT", 0)  # as after a restart, or in a flood
    await emulator.send_text(1001, "/help")
    assert await emulator.wait_for_messages(1001, 1)
    stored = runtime.store.db.query("SELECT status FROM inbox")
    assert [row["status"] for row in stored] == ["done"]
