"""What people do on the Telegram side: register, write, upload, press buttons, block the bot."""

from __future__ import annotations

import copy
import hashlib
import re

from bot.sandbox.emulator.formatting import find_bot_commands, sort_entities, utf16_len
from bot.sandbox.emulator.media import image_size, store_document, store_photo, store_voice
from bot.sandbox.emulator.state import (
    JSON,
    ApiError,
    BotAccount,
    CallbackRecord,
    EmulatorState,
    Upload,
)

_MENTION_RE = re.compile(r"(?<![\w@])@[a-zA-Z0-9_]{5,32}")
_CHAT_TYPES = ("group", "supergroup", "channel")


def register_user(
    state: EmulatorState,
    user_id: int,
    first_name: str,
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "zh-hans",
) -> JSON:
    """Add a person and their private chat; return the User object."""
    if user_id <= 0:
        raise ValueError("user ids are positive")
    user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
    chat: JSON = {"id": user_id, "type": "private", "first_name": first_name}
    for key, value in (("last_name", last_name), ("username", username)):
        if value:
            user[key] = chat[key] = value
    if language_code:
        user["language_code"] = language_code
    state.users[user_id] = user
    state.chats[user_id] = chat
    return copy.deepcopy(user)


def register_chat(
    state: EmulatorState, chat_id: int, title: str, chat_type: str, username: str | None = None
) -> JSON:
    """Add a group, supergroup or channel; return the Chat object."""
    if chat_type not in _CHAT_TYPES:
        raise ValueError(f"chat type must be one of {_CHAT_TYPES}")
    if chat_id >= 0:
        raise ValueError("group and channel ids are negative")
    chat: JSON = {"id": chat_id, "type": chat_type, "title": title}
    if username:
        chat["username"] = username
    state.chats[chat_id] = chat
    return copy.deepcopy(chat)


def _author(state: EmulatorState, bot: BotAccount, user_id: int) -> JSON:
    user = state.users.get(user_id)
    if user is None:
        raise KeyError(f"unknown user {user_id}; add_user() first")
    if user_id in state.blocked:
        # Writing to a blocked bot means pressing "Restart", which unblocks it.
        set_blocked(state, user_id, blocked=False)
    return user


def _chat_for(state: EmulatorState, user_id: int, chat_id: int | None) -> JSON:
    chat = state.chats.get(user_id if chat_id is None else chat_id)
    if chat is None:
        raise KeyError(f"unknown chat {chat_id}; add_chat() first")
    return chat


def _addressed_to(bot: BotAccount, chat: JSON, message: JSON) -> bool:
    """Whether a bot in privacy mode would receive this group message."""
    if chat["type"] == "private" or bot.user.get("can_read_all_group_messages"):
        return True
    text = str(message.get("text") or message.get("caption") or "")
    username = str(bot.user["username"]).lower()
    for entity in message.get("entities", []):
        if entity["type"] == "bot_command":
            command = text[entity["offset"] : entity["offset"] + entity["length"]]
            _, at, target = command.partition("@")
            if not at or target.lower() == username:
                return True
    if f"@{username}" in text.lower():
        return True
    replied = message.get("reply_to_message", {})
    return replied.get("from", {}).get("id") == bot.id


def _post(
    state: EmulatorState, bot: BotAccount, user_id: int, chat_id: int | None, fields: JSON
) -> JSON | None:
    """Store a user's message and deliver it; None when privacy mode hides it from the bot."""
    user = _author(state, bot, user_id)
    chat = _chat_for(state, user_id, chat_id)
    head: JSON = {"chat": copy.deepcopy(chat), "date": state.now()}
    if chat["type"] == "channel":
        head["sender_chat"] = copy.deepcopy(chat)
    else:
        head["from"] = copy.deepcopy(user)
    reply_to = fields.pop("reply_to_message_id", None)
    if reply_to is not None:
        replied = state.find_message(chat["id"], reply_to)
        if replied is None:
            raise ValueError(f"message {reply_to} not found in chat {chat['id']}")
        head["reply_to_message"] = copy.deepcopy(replied.message)
        head["reply_to_message"].pop("reply_to_message", None)
    message = state.store_message(chat["id"], {**head, **fields}, None)
    if not _addressed_to(bot, chat, message):
        return None
    kind = "channel_post" if chat["type"] == "channel" else "message"
    return state.enqueue(bot, kind, message)


def _text_entities(text: str) -> list[JSON]:
    mentions = [
        {"type": "mention", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _MENTION_RE.finditer(text)
    ]
    return sort_entities(find_bot_commands(text) + mentions)


def send_text(
    state: EmulatorState,
    bot: BotAccount,
    user_id: int,
    text: str,
    *,
    chat_id: int | None = None,
    reply_to: int | None = None,
) -> JSON | None:
    """A user writes text; commands and mentions get entities as Telegram detects them."""
    text = text.strip()
    if not text or utf16_len(text) > 4096:
        raise ValueError("Telegram clients send 1-4096 characters")
    fields: JSON = {"text": text, "reply_to_message_id": reply_to}
    entities = _text_entities(text)
    if entities:
        fields["entities"] = entities
    return _post(state, bot, user_id, chat_id, fields)


def _caption(caption: str | None) -> JSON:
    if not caption:
        return {}
    if utf16_len(caption) > 1024:
        raise ValueError("captions are at most 1024 characters")
    fields: JSON = {"caption": caption}
    entities = _text_entities(caption)
    if entities:
        fields["caption_entities"] = entities
    return fields


def send_document(
    state: EmulatorState,
    bot: BotAccount,
    user_id: int,
    filename: str,
    content: bytes,
    *,
    mime_type: str = "application/octet-stream",
    caption: str | None = None,
    chat_id: int | None = None,
) -> JSON | None:
    """A user sends a file as a document."""
    document = store_document(state, Upload(filename, mime_type, content))
    if mime_type != "application/octet-stream":
        document["mime_type"] = mime_type
        state.files[document["file_id"]].meta["mime_type"] = mime_type
    return _post(state, bot, user_id, chat_id, {"document": document, **_caption(caption)})


def send_photo(
    state: EmulatorState,
    bot: BotAccount,
    user_id: int,
    content: bytes,
    *,
    caption: str | None = None,
    chat_id: int | None = None,
) -> JSON | None:
    """A user sends a compressed photo (PNG, GIF or JPEG bytes)."""
    if image_size(content) is None:
        raise ValueError("photo content must be a PNG, GIF or JPEG image")
    try:
        photo = store_photo(state, content)
    except ApiError as error:
        raise ValueError(error.description) from None
    return _post(state, bot, user_id, chat_id, {"photo": photo, **_caption(caption)})


def send_voice(
    state: EmulatorState,
    bot: BotAccount,
    user_id: int,
    content: bytes,
    *,
    duration: int = 1,
    caption: str | None = None,
    chat_id: int | None = None,
) -> JSON | None:
    """A user records a voice note."""
    voice = store_voice(state, content, duration, "audio/ogg")
    return _post(state, bot, user_id, chat_id, {"voice": voice, **_caption(caption)})


def buttons_of(message: JSON) -> list[str]:
    """The callback_data of every inline button of a message."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


def press_button(
    state: EmulatorState,
    bot: BotAccount,
    user_id: int,
    chat_id: int,
    message_id: int,
    data: str,
    *,
    forged: bool = False,
) -> JSON | None:
    """A user presses an inline button; forged presses skip the check that the button exists."""
    user = _author(state, bot, user_id)
    stored = state.messages.get(chat_id, {}).get(message_id)
    if stored is None or stored.bot_token != bot.token:
        raise ValueError(f"the bot sent no message {message_id} to chat {chat_id}")
    if not forged and data not in buttons_of(stored.message):
        raise ValueError(
            f"message {message_id} has no button with callback_data {data!r}; "
            "use press_forged_button() to send arbitrary data"
        )
    message = copy.deepcopy(stored.message)
    query_id = str((user_id << 24) + state.serial())
    digest = hashlib.sha256(f"{bot.id}:{chat_id}".encode()).digest()
    chat_instance = str(int.from_bytes(digest[:8], "big", signed=True))
    query = {
        "id": query_id,
        "from": copy.deepcopy(user),
        "message": message,
        "chat_instance": chat_instance,
        "data": data,
    }
    bot.callback_queries[query_id] = CallbackRecord(query_id, user_id, chat_id, message_id, data)
    return state.enqueue(bot, "callback_query", query)


def set_blocked(state: EmulatorState, user_id: int, *, blocked: bool) -> None:
    """A user blocks or unblocks every bot; bots get my_chat_member updates like in Telegram."""
    if (user_id in state.blocked) == blocked or user_id not in state.users:
        return
    if blocked:
        state.blocked.add(user_id)
    else:
        state.blocked.discard(user_id)
    member = {"status": "member"}
    kicked = {"status": "kicked", "until_date": 0}
    old, new = (member, kicked) if blocked else (kicked, member)
    for bot in state.bots.values():
        change = {
            "chat": copy.deepcopy(state.chats[user_id]),
            "from": copy.deepcopy(state.users[user_id]),
            "date": state.now(),
            "old_chat_member": {**old, "user": bot.sender},
            "new_chat_member": {**new, "user": bot.sender},
        }
        state.enqueue(bot, "my_chat_member", change)
