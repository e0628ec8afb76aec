"""Bot API methods that send and edit messages."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

from bot.sandbox.emulator.formatting import EntityParseError, FormattedText, format_text, utf16_len
from bot.sandbox.emulator.media import reuse_file, store_document, store_photo, store_voice
from bot.sandbox.emulator.reference import conform
from bot.sandbox.emulator.state import (
    JSON,
    ApiError,
    BotAccount,
    Call,
    EmulatorState,
    Handler,
    StoredMessage,
    registrar,
)

MESSAGE_METHODS: dict[str, Handler] = {}
_method = registrar(MESSAGE_METHODS)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_BLOCKED = "Forbidden: bot was blocked by the user"


def target_chat(state: EmulatorState, chat_id: object) -> JSON:
    """The chat a bot writes to; 403 when it is the private chat of a user who blocked it."""
    chat = state.resolve_chat(chat_id)
    if chat["type"] == "private" and chat["id"] in state.blocked:
        raise ApiError(403, _BLOCKED)
    return chat


def formatted(text: Any, parse_mode: Any, entities: Any) -> FormattedText:
    """Apply Telegram's formatting rules, mapping parser failures to its 400 answers."""
    try:
        return format_text(str(text), parse_mode, entities if isinstance(entities, list) else None)
    except EntityParseError as exc:
        raise ApiError.bad_request(f"can't parse entities: {exc}") from None
    except ValueError:
        raise ApiError.bad_request("unsupported parse_mode") from None


def inline_markup(value: Any, *, inline_only: bool) -> JSON | None:
    """Validate reply_markup; return the InlineKeyboardMarkup a Message would carry, if any."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        rows = value["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError.bad_request("can't parse inline keyboard markup JSON object")
        for row in rows:
            for button in row:
                _check_inline_button(button)
        markup = conform("InlineKeyboardMarkup", value)
        # An empty keyboard is how bots remove one; Telegram then omits reply_markup.
        return markup if any(markup["inline_keyboard"]) else None
    if inline_only:
        raise ApiError.bad_request("inline keyboard expected")
    if "keyboard" in value:
        rows = value["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else (button or {}).get("text")
                if not isinstance(text, str) or not text:
                    raise ApiError.bad_request("can't parse keyboard button: text is empty")
        return None
    if value.get("remove_keyboard") is True or value.get("force_reply") is True:
        return None
    raise ApiError.bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError.bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not any(key in button for key in _BUTTON_ACTIONS):
        raise ApiError.bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
            raise ApiError.bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https", "tg") or not parts.netloc:
            raise ApiError.bad_request(f"inline keyboard button URL '{url}' is invalid")


def _message_head(state: EmulatorState, bot: BotAccount, chat: JSON, params: JSON) -> JSON:
    head: JSON = {}
    if chat["type"] == "channel":
        # Channel posts are signed by the channel itself, not by the bot.
        head["sender_chat"] = copy.deepcopy(chat)
    else:
        head["from"] = bot.sender
    head["chat"] = copy.deepcopy(chat)
    head["date"] = state.now()
    reply = _replied_message(state, chat, params)
    if reply is not None:
        head["reply_to_message"] = reply
    if params.get("protect_content") is True:
        head["has_protected_content"] = True
    return head


def _replied_message(state: EmulatorState, chat: JSON, params: JSON) -> JSON | None:
    reply = params.get("reply_parameters")
    if not isinstance(reply, dict):
        return None
    chat_id = reply.get("chat_id", chat["id"])
    stored = None
    if chat_id in (chat["id"], chat.get("username") and f"@{chat['username']}"):
        stored = state.find_message(chat["id"], reply.get("message_id"))
    if stored is None:
        if reply.get("allow_sending_without_reply") is True:
            return None
        raise ApiError.bad_request("message to be replied not found")
    replied = copy.deepcopy(stored.message)
    replied.pop("reply_to_message", None)
    return replied


def _finish(
    state: EmulatorState, bot: BotAccount, chat: JSON, fields: JSON, markup: JSON | None
) -> JSON:
    if markup is not None:
        fields["reply_markup"] = markup
    return copy.deepcopy(state.store_message(chat["id"], fields, bot.token))


def _caption_fields(params: JSON) -> JSON:
    if params.get("caption") is None:
        return {}
    caption = formatted(params["caption"], params.get("parse_mode"), params.get("caption_entities"))
    if utf16_len(caption.text) > CAPTION_LIMIT:
        raise ApiError.bad_request("message caption is too long")
    fields: JSON = {}
    if caption.text:
        fields["caption"] = caption.text
    if caption.entities:
        fields["caption_entities"] = caption.entities
    return fields


@_method("sendMessage")
async def send_message(state: EmulatorState, bot: BotAccount, call: Call) -> JSON:
    params = call.params
    chat = target_chat(state, params["chat_id"])
    text = formatted(params["text"], params.get("parse_mode"), params.get("entities"))
    if not text.text:
        raise ApiError.bad_request("message text is empty")
    if utf16_len(text.text) > TEXT_LIMIT:
        raise ApiError.bad_request("message is too long")
    markup = inline_markup(params.get("reply_markup"), inline_only=False)
    fields = _message_head(state, bot, chat, params)
    fields["text"] = text.text
    if text.entities:
        fields["entities"] = text.entities
    preview = params.get("link_preview_options")
    if isinstance(preview, dict) and preview:
        fields["link_preview_options"] = conform("LinkPreviewOptions", preview)
    return _finish(state, bot, chat, fields, markup)


async def _send_media(state: EmulatorState, bot: BotAccount, call: Call, kind: str) -> JSON:
    params = call.params
    chat = target_chat(state, params["chat_id"])
    value = params.get(kind)
    upload = call.uploads.get(kind)
    if isinstance(value, str) and value.startswith("attach://"):
        upload = call.uploads.get(value.removeprefix("attach://"))
        if upload is None:
            raise ApiError.bad_request(f"there is no {kind} in the request")
    caption = _caption_fields(params)
    markup = inline_markup(params.get("reply_markup"), inline_only=False)
    media: JSON | list[JSON]
    if upload is None:
        media = reuse_file(state, str(value), kind)
    elif kind == "photo":
        media = store_photo(state, upload.content)
    elif kind == "voice":
        duration = params.get("duration")
        media = store_voice(
            state, upload.content, duration if isinstance(duration, int) else 1, "audio/ogg"
        )
    else:
        media = store_document(state, upload)
    fields = _message_head(state, bot, chat, params)
    fields[kind] = media
    fields.update(caption)
    return _finish(state, bot, chat, fields, markup)


@_method("sendDocument")
async def send_document(state: EmulatorState, bot: BotAccount, call: Call) -> JSON:
    return await _send_media(state, bot, call, "document")


@_method("sendPhoto")
async def send_photo(state: EmulatorState, bot: BotAccount, call: Call) -> JSON:
    return await _send_media(state, bot, call, "photo")


@_method("sendVoice")
async def send_voice(state: EmulatorState, bot: BotAccount, call: Call) -> JSON:
    return await _send_media(state, bot, call, "voice")


def _message_to_edit(state: EmulatorState, bot: BotAccount, params: JSON) -> StoredMessage:
    if params.get("inline_message_id"):
        raise ApiError.bad_request("MESSAGE_ID_INVALID")
    if params.get("chat_id") in (None, ""):
        raise ApiError.bad_request("chat_id is empty")
    if params.get("message_id") is None:
        raise ApiError.bad_request("message identifier is not specified")
    chat = target_chat(state, params["chat_id"])
    stored = state.find_message(chat["id"], params["message_id"])
    if stored is None:
        raise ApiError.bad_request("message to edit not found")
    if stored.bot_token != bot.token:
        raise ApiError.bad_request("message can't be edited")
    return stored


def _apply_edit(state: EmulatorState, stored: StoredMessage, changes: JSON) -> JSON:
    """Replace fields (None removes them), refusing edits that change nothing."""
    message = stored.message
    if all(message.get(key) == value for key, value in changes.items()):
        raise ApiError.bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    message["edit_date"] = state.now()
    state.signal.fire()
    return copy.deepcopy(message)


@_method("editMessageText")
async def edit_message_text(state: EmulatorState, bot: BotAccount, call: Call) -> JSON:
    params = call.params
    stored = _message_to_edit(state, bot, params)
    if "text" not in stored.message:
        raise ApiError.bad_request("there is no text in the message to edit")
    text = formatted(params.get("text") or "", params.get("parse_mode"), params.get("entities"))
    if not text.text:
        raise ApiError.bad_request("message text is empty")
    if utf16_len(text.text) > TEXT_LIMIT:
        raise ApiError.bad_request("message is too long")
    changes: JSON = {
        "text": text.text,
        "entities": text.entities or None,
        # Editing without reply_markup removes the inline keyboard, as in Telegram.
        "reply_markup": inline_markup(params.get("reply_markup"), inline_only=True),
    }
    preview = params.get("link_preview_options")
    if isinstance(preview, dict) and preview:
        changes["link_preview_options"] = conform("LinkPreviewOptions", preview)
    return _apply_edit(state, stored, changes)
