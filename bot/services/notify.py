"""Queue what the bot owes people: messages and command menus, in the recipient's language."""

from __future__ import annotations

from sqlite_utils import Database

from bot.i18n import LANGUAGES, pick_language, t
from bot.menus import menu
from bot.services.people import ReplyTo
from storage import members, outbox, users


def language_of(db: Database, user_id: int, default: str) -> str:
    """The language a person reads, as stored."""
    user = users.get(db, user_id)
    if user is None:
        return default
    return pick_language(user.language, user.telegram_language, default)


def message(
    db: Database,
    key: str,
    user_id: int,
    default_language: str,
    text_key: str,
    /,
    *,
    priority: int = outbox.NORMAL,
    **params: object,
) -> None:
    """Queue a catalogue message for one person, rendered in their language."""
    language = language_of(db, user_id, default_language)
    payload = {"chat_id": user_id, "text": t(language, text_key, **params), "parse_mode": "HTML"}
    outbox.enqueue(db, key, user_id, "sendMessage", payload, priority=priority)


def answer(
    db: Database,
    key: str,
    reply: ReplyTo,
    language: str,
    text_key: str,
    /,
    *,
    reply_markup: dict | None = None,
    **params: object,
) -> None:
    """Queue the answer to a change ahead of everything else: a new message or an edit."""
    answer_text(db, key, reply, t(language, text_key, **params), reply_markup=reply_markup)


def answer_text(
    db: Database, key: str, reply: ReplyTo, text: str, /, *, reply_markup: dict | None = None
) -> None:
    """Like answer(), for text already rendered through the catalogue (one message's worth)."""
    payload: dict = {"chat_id": reply.chat_id, "text": text, "parse_mode": "HTML"}
    method = "sendMessage"
    if reply.edit_message_id is not None:
        method = "editMessageText"
        payload["message_id"] = reply.edit_message_id
    if reply_markup:
        payload["reply_markup"] = reply_markup
    outbox.enqueue(db, key, reply.chat_id, method, payload, priority=outbox.INTERACTIVE)


def refresh_menu(db: Database, key: str, user_id: int, default_language: str) -> None:
    """Queue the person's command menu so it shows exactly the commands their roles allow."""
    language = language_of(db, user_id, default_language)
    roles = [m.role for m in members.roles_of(db, user_id)]
    payload = {
        "commands": menu(roles, language),
        "scope": {"type": "chat", "chat_id": user_id},
    }
    outbox.enqueue(db, key, user_id, "setMyCommands", payload, priority=outbox.NORMAL)


def default_menus(db: Database, key_prefix: str, default_language: str) -> None:
    """Queue the menu of people the bot does not know yet, in each language."""
    for language in LANGUAGES:
        payload = {
            "commands": menu([], language),
            "scope": {"type": "all_private_chats"},
            # Telegram shows the menu without a language code to everyone else.
            "language_code": "" if language == default_language else language[:2],
        }
        outbox.enqueue(db, f"{key_prefix}:menu:{language}", 0, "setMyCommands", payload)
