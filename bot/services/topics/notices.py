"""What the topic workflow owes people, queued in the outbox in each recipient's language.

Every function here runs inside the caller's transaction (DESIGN §7): the notice is stored with
the state change that caused it, under an idempotency key derived from the audit event id.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from bot.core.village_names import village_name
from bot.delivery.messages import Button, Rows, Text, queue
from bot.i18n import Term, t, t_plain
from bot.services import notify
from storage import outbox
from storage.topics import Topic

# The buttons of a notice, rendered in the language its reader reads.
ButtonsFor = Callable[[str], Rows]


def button(language: str, label_key: str, data: str) -> Button:
    """A button whose label is a catalogue key, rendered in the reader's language."""
    return Button(t_plain(language, label_key), data)


def no_buttons(language: str) -> Rows:
    return ()


def masked_note(language: str, count: int) -> str:
    """The note that `count` personal numbers were masked in what someone typed (SEC-03)."""
    return t_plain(language, "topics.masked_note", count=count) if count else ""


def masked_note_for(db: Database, user_id: int, default_language: str, count: int) -> str:
    """The masking note in the language one person reads."""
    return masked_note(notify.language_of(db, user_id, default_language), count)


def to_chat(
    db: Database,
    key: str,
    chat_id: int,
    language: str,
    text_key: str,
    *,
    buttons: ButtonsFor = no_buttons,
    priority: int = outbox.NORMAL,
    **params: object,
) -> None:
    """Queue one catalogue message (with optional buttons) to a chat in a given language."""
    owed = Text(t(language, text_key, **params), buttons(language))
    queue(db, key, chat_id, owed, priority=priority)


def to_person(
    db: Database,
    key: str,
    user_id: int,
    default_language: str,
    text_key: str,
    *,
    buttons: ButtonsFor = no_buttons,
    priority: int = outbox.NORMAL,
    **params: object,
) -> None:
    """Queue one catalogue message to a person, in the language they read."""
    language = notify.language_of(db, user_id, default_language)
    to_chat(db, key, user_id, language, text_key, buttons=buttons, priority=priority, **params)


def handling_buttons(topic_id: int) -> ButtonsFor:
    """The feedback notice's buttons (限时反馈通知书, PT-03): answer, decline, extend, transfer."""
    return lambda language: (
        (
            button(language, "topics.button.answer", f"tp:a:{topic_id}"),
            button(language, "topics.button.decline", f"tp:d:{topic_id}"),
        ),
        (
            button(language, "topics.button.extend", f"tp:x:{topic_id}"),
            button(language, "topics.button.transfer", f"tp:t:{topic_id}"),
        ),
    )


def rating_buttons(topic_id: int, answer_id: int) -> ButtonsFor:
    """满意 / 基本满意 / 不满意 (SAT-01, SAT-03); the answer id makes old buttons stale."""
    return lambda language: (
        (
            button(language, "topics.rating.satisfied", f"tp:r:{topic_id}:{answer_id}:s"),
            button(language, "topics.rating.basic", f"tp:r:{topic_id}:{answer_id}:b"),
            button(language, "topics.rating.unsatisfied", f"tp:r:{topic_id}:{answer_id}:u"),
        ),
    )


def support_buttons(topic_id: int) -> ButtonsFor:
    return lambda language: ((button(language, "topics.button.support", f"tp:s:{topic_id}"),),)


def extension_buttons(extension_id: int) -> ButtonsFor:
    return lambda language: (
        (
            button(language, "topics.button.approve", f"tp:xa:{extension_id}"),
            button(language, "topics.button.refuse", f"tp:xr:{extension_id}"),
        ),
    )


def due_mark(provisional: bool) -> Term:
    """What follows a due date: a note when it is provisional (no official schedule yet)."""
    return Term("topics.due_mark.provisional" if provisional else "topics.due_mark.firm")


def category_term(category: str) -> Term:
    return Term(f"topics.category.{category}")


def handler_notice(
    db: Database,
    key: str,
    user_id: int,
    default_language: str,
    topic: Topic,
    text_key: str,
    **params: object,
) -> None:
    """A notice to someone who must act on a topic: its receipt, its text, the handling buttons."""
    to_person(
        db,
        key,
        user_id,
        default_language,
        text_key,
        buttons=handling_buttons(topic.id),
        receipt=topic.receipt,
        text=topic.text,
        **params,
    )


def feedback_notice(
    db: Database,
    key: str,
    user_id: int,
    default_language: str,
    topic: Topic,
    text_key: str,
    masked: int = 0,
) -> None:
    """限时反馈通知书 (PT-03): the topic, its due date and the handling buttons; `masked` numbers
    were removed from the text the resident typed (SEC-03)."""
    handler_notice(
        db,
        key,
        user_id,
        default_language,
        topic,
        text_key,
        village=village_name(db, topic.village_code),
        category=category_term(topic.category),
        due=topic.due_date.isoformat(),
        provisional=due_mark(topic.due_provisional),
        media=Term(f"topics.media.{topic.media_kind or 'none'}"),
        masked=masked_note_for(db, user_id, default_language, masked),
    )
