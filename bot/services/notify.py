"""Queue what the bot owes people: messages and command menus, in the recipient's language."""

from __future__ import annotations

from sqlite_utils import Database

from bot.delivery.messages import Command, Menu, Rows, Text, queue
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
    queue(db, key, user_id, Text(t(language, text_key, **params)), priority=priority)


def answer(
    db: Database,
    key: str,
    reply: ReplyTo | None,
    language: str,
    text_key: str,
    /,
    *,
    buttons: Rows = (),
    **params: object,
) -> None:
    """Queue the answer to a change ahead of everything else: a new message or an edit."""
    answer_text(db, key, reply, t(language, text_key, **params), buttons=buttons)


def answer_text(
    db: Database, key: str, reply: ReplyTo | None, text: str, /, *, buttons: Rows = ()
) -> None:
    """Like answer(), for text already rendered through the catalogue; long text is split.
    Nothing is queued without a ReplyTo."""
    if reply is None:
        return
    owed = Text(text, buttons, reply.edit_message_id)
    queue(db, key, reply.chat_id, owed, priority=outbox.INTERACTIVE)


def _commands(roles: list[str], language: str) -> tuple[Command, ...]:
    return tuple(Command(c["command"], c["description"]) for c in menu(roles, language))


def refresh_menu(db: Database, key: str, user_id: int, default_language: str) -> None:
    """Queue the person's command menu so it shows exactly the commands their roles allow."""
    language = language_of(db, user_id, default_language)
    roles = [m.role for m in members.roles_of(db, user_id)]
    queue(db, key, user_id, Menu(_commands(roles, language)), priority=outbox.NORMAL)


def default_menus(db: Database, key_prefix: str, default_language: str) -> None:
    """Queue the menus due at start: those of people the bot does not know yet, in each
    language, and those of township staff, who come from the configuration, not a join."""
    for language in LANGUAGES:
        # Telegram shows the menu without a language code to everyone else.
        code = "" if language == default_language else language[:2]
        owed = Menu(_commands([], language), everyone=True, language_code=code)
        queue(db, f"{key_prefix}:menu:{language}", 0, owed, priority=outbox.NORMAL)
    staff = [*members.township_staff(db), *members.county_staff(db)]
    for user_id in sorted({m.user_id for m in staff}):
        refresh_menu(db, f"{key_prefix}:menu:staff:{user_id}", user_id, default_language)
