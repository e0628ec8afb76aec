"""Guided forms (drafts): one step saved per message, with its next question in the same
transaction; the steps themselves live with the change they lead to."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from bot.delivery.messages import Button
from bot.services.context import Context
from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics.notices import button
from bot.services.topics.topic_records import Reply, tell
from storage import forms
from storage.forms import Form


def submit_row(language: str) -> tuple[Button, Button]:
    """A form's Submit and Cancel buttons."""
    return button(language, "topics.button.submit", "tp:ok"), button(
        language, "common.cancel", "tp:no"
    )


@dataclass(frozen=True, slots=True)
class FormInput:
    """One message typed (or a photo/voice/file sent) into an open form."""

    text: str | None
    media: tuple[str, str] | None
    reply: ReplyTo | None


def stored_pair(data: dict, kind_key: str, file_key: str) -> tuple[str, str] | None:
    """A (kind, file_id) the form stored, or None when nothing was added."""
    return (data[kind_key], data[file_key]) if data.get(kind_key) else None


class TopicDrafts:
    """Saving and reading the form in progress, for the concerns whose steps it holds."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def put(
        self,
        person: Person,
        kind: str,
        topic_id: int | None,
        step: str,
        data: dict,
        reply: ReplyTo | None,
        result: Reply,
    ) -> Reply:
        """Save one step of a form and queue its next question in the same transaction."""
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            forms.put(db, person.user_id, "topics", kind, step, data, now, subject_id=topic_id)
            # No audit event for a form step; the step and its question commit together with
            # the update's "done" mark, so a fresh unique key is enough (DESIGN §7).
            tell(db, f"form:{person.user_id}:{uuid.uuid4().hex}", reply, person, result)
        return result

    def current(self, person: Person, kind: str | None = None) -> Form:
        """The person's open form (of `kind`, when given), or the stale refusal."""
        draft = forms.get(self.ctx.store.db, person.user_id, "topics")
        if draft is None or (kind is not None and draft.kind != kind):
            raise Denied("topics.stale")
        return draft
