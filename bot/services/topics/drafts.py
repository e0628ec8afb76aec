"""Guided forms (drafts): one step saved per message, with its next question in the same
transaction; the steps themselves live with the change they lead to."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from bot.delivery.messages import Button
from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics.base import Reply, TopicBase
from bot.services.topics.notices import button
from storage import audit, forms
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


class TopicDrafts(TopicBase):
    """Saving, reading and cancelling the form in progress."""

    def has_draft(self, user_id: int) -> bool:
        return forms.exists(self.store.db, user_id, "topics")

    def cancel_draft(self, person: Person, reply: ReplyTo | None = None) -> bool:
        """/cancel: drop the form in progress; False when there was none."""
        if not self.has_draft(person.user_id):
            return False
        with self.store.transaction() as db:
            forms.delete(db, person.user_id, "topics")
            event = audit.record(
                db, person.user_id, "topic.form_cancelled", f"user:{person.user_id}"
            )
            self._ack(db, event, reply, person, "common.cancelled")
        return True

    def _put_draft(
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
        now = self.now()
        with self.store.transaction() as db:
            forms.put(db, person.user_id, "topics", kind, step, data, now, subject_id=topic_id)
            # No audit event for a form step; the step and its question commit together with
            # the update's "done" mark, so a fresh unique key is enough (DESIGN §7).
            self._tell(db, f"form:{person.user_id}:{uuid.uuid4().hex}", reply, person, result)
        return result

    def _draft(self, person: Person, kind: str | None = None) -> Form:
        draft = forms.get(self.store.db, person.user_id, "topics")
        if draft is None or (kind is not None and draft.kind != kind):
            raise Denied("topics.stale")
        return draft
