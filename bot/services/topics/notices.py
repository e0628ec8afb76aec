"""What the topic workflow owes people, queued in the outbox in each recipient's language.

Every function here runs inside the caller's transaction (DESIGN §7): the notice is stored with
the state change that caused it, under an idempotency key derived from the audit event id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from bot.i18n import Term, t, t_plain
from bot.services import notify
from bot.services.people import ReplyTo
from storage import outbox

Rows = Sequence[Sequence[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: a catalogue key (or a literal label) and its callback data."""

    label: str
    data: str
    literal: bool = False

    def text(self, language: str) -> str:
        return self.label if self.literal else t_plain(language, self.label)


def keyboard(language: str, rows: Sequence[Sequence[Button]]) -> dict:
    """The reply_markup of an outbox message."""
    return {
        "inline_keyboard": [
            [{"text": b.text(language), "callback_data": b.data} for b in row] for row in rows
        ]
    }


def to_chat(
    db: Database,
    key: str,
    chat_id: int,
    language: str,
    text_key: str,
    *,
    rows: Sequence[Sequence[Button]] = (),
    priority: int = outbox.NORMAL,
    **params: object,
) -> None:
    """Queue one catalogue message (with optional buttons) to a chat in a given language."""
    text = t(language, text_key, **params)
    to_chat_text(db, key, chat_id, language, text, rows=rows, priority=priority)


def to_chat_text(
    db: Database,
    key: str,
    chat_id: int,
    language: str,
    text: str,
    *,
    rows: Sequence[Sequence[Button]] = (),
    priority: int = outbox.NORMAL,
) -> None:
    """Queue text already rendered by the catalogue (every parameter in it escaped by t())."""
    payload: dict = {"chat_id": chat_id, "text": text, "parse_mode": "HTML"}
    if rows:
        payload["reply_markup"] = keyboard(language, rows)
    outbox.enqueue(db, key, chat_id, "sendMessage", payload, priority=priority)


def to_person(
    db: Database,
    key: str,
    user_id: int,
    default_language: str,
    text_key: str,
    *,
    rows: Sequence[Sequence[Button]] = (),
    priority: int = outbox.NORMAL,
    **params: object,
) -> None:
    """Queue one catalogue message to a person, in the language they read."""
    language = notify.language_of(db, user_id, default_language)
    to_chat(db, key, user_id, language, text_key, rows=rows, priority=priority, **params)


def handling_buttons(topic_id: int) -> list[list[Button]]:
    """The feedback notice's buttons (限时反馈通知书, PT-03): answer, decline, extend, transfer."""
    return [
        [
            Button("topics.button.answer", f"tp:a:{topic_id}"),
            Button("topics.button.decline", f"tp:d:{topic_id}"),
        ],
        [
            Button("topics.button.extend", f"tp:x:{topic_id}"),
            Button("topics.button.transfer", f"tp:t:{topic_id}"),
        ],
    ]


def rating_buttons(topic_id: int, answer_id: int) -> list[list[Button]]:
    """满意 / 基本满意 / 不满意 (SAT-01, SAT-03); the answer id makes old buttons stale."""
    return [
        [
            Button("topics.rating.satisfied", f"tp:r:{topic_id}:{answer_id}:s"),
            Button("topics.rating.basic", f"tp:r:{topic_id}:{answer_id}:b"),
            Button("topics.rating.unsatisfied", f"tp:r:{topic_id}:{answer_id}:u"),
        ]
    ]


def support_buttons(topic_id: int) -> list[list[Button]]:
    return [[Button("topics.button.support", f"tp:s:{topic_id}")]]


def extension_buttons(extension_id: int) -> list[list[Button]]:
    return [
        [
            Button("topics.button.approve", f"tp:xa:{extension_id}"),
            Button("topics.button.refuse", f"tp:xr:{extension_id}"),
        ]
    ]


def category_term(category: str) -> Term:
    return Term(f"topics.category.{category}")


def answer(
    db: Database,
    key: str,
    reply: ReplyTo | None,
    language: str,
    text_key: str,
    *,
    rows: Sequence[Sequence[Button]] = (),
    **params: object,
) -> None:
    """Queue the answer to a change in its own transaction, ahead of everything else (DESIGN §7):
    a new message in the person's chat, or an edit of the button message they pressed."""
    if reply is None:
        return
    payload: dict = {"chat_id": reply.chat_id, "text": t(language, text_key, **params)}
    payload["parse_mode"] = "HTML"
    method = "sendMessage"
    if reply.edit_message_id is not None:
        method = "editMessageText"
        payload["message_id"] = reply.edit_message_id
    if rows:
        payload["reply_markup"] = keyboard(language, rows)
    outbox.enqueue(db, key, reply.chat_id, method, payload, priority=outbox.INTERACTIVE)
