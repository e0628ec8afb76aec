"""The guided form's state: the step a person is at, saving the next step with its question,
and dropping the form (/cancel)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.villages import village_name
from bot.services import notify
from bot.services.disclosures import answers
from bot.services.disclosures.base import DisclosureBase
from bot.services.people import Denied, Person, ReplyTo
from storage import disclosure_rows, forms
from storage import disclosures as store_d
from storage.disclosures import Disclosure

WING = "disclosures"


@dataclass(frozen=True, slots=True)
class Step:
    """What a form step did, for the handler to answer: ``kind`` and the item concerned."""

    kind: str
    disclosure: Disclosure | None = None
    info: dict = field(default_factory=dict)


class DisclosureForm(DisclosureBase):
    """Which input a person's open disclosure form waits for, and the question it asks next."""

    def form(self, user_id: int) -> tuple[str, dict] | None:
        """A person's form in progress."""
        form = forms.get(self.store.db, user_id, WING)
        return None if form is None else (form.step, form.data)

    def _form_at(self, user_id: int, *steps: str) -> bool:
        current = self.form(user_id)
        return current is not None and current[0] in steps

    def _form_data_at(self, person: Person, step: str, refusal: str) -> dict:
        """The form's data when it is at `step`; otherwise refused with `refusal`."""
        current = self.form(person.user_id)
        if current is None or current[0] != step:
            raise Denied(refusal)
        return current[1]

    def expects_text(self, user_id: int) -> bool:
        """Whether the person's next plain text belongs to a disclosure form step."""
        return self._form_at(user_id, "period", "title", "body", "reason")

    def expects_file(self, user_id: int) -> bool:
        """Whether the person's next document is an import for a disclosure form."""
        return self._form_at(user_id, "file")

    def expects_attachment(self, user_id: int) -> bool:
        """Whether the person's next photo or document is an attachment to a notice draft."""
        return self._form_at(user_id, "attach")

    @staticmethod
    def _form_data(d: Disclosure) -> dict:
        """Form progress that works on an existing draft (edit, correction)."""
        return {
            "kind": d.kind,
            "village": d.village_code,
            "category": d.category,
            "period": d.period,
            "title": d.title,
            "id": d.id,
        }

    @staticmethod
    def _new_content_step(d: Disclosure) -> Step:
        """The step that takes a draft's new content: a text for a notice, a file otherwise."""
        return Step(
            "body" if d.kind == "notice" else "file", d, {"kind": d.kind, "period": d.period}
        )

    def _save_form(self, db, person: Person, step: str, data: dict) -> None:
        """Save the step a person's form is at, with what it has gathered so far."""
        forms.put(db, person.user_id, WING, "disclosure", step, data, self.now())

    def _step(self, person: Person, step: Step, data: dict, reply: ReplyTo | None) -> Step:
        """Save the form's next step and queue its question, in one transaction."""
        with self.store.transaction() as db:
            self._save_form(db, person, step.kind, data)
            self._tell(db, self._form_key(person), reply, person, step)
        return step

    def _tell(self, db, key: str, reply: ReplyTo | None, person: Person, step: Step) -> None:
        """Queue the answer to a form step: its next question, or the saved draft."""
        if reply is None:
            return
        language = person.language
        if step.kind == "draft_ready":
            d = store_d.get(db, step.disclosure.id)
            lines, buttons = answers.draft(
                language,
                d,
                disclosure_rows.rows_of(db, d.id),
                village=village_name(self.store.db, d.village_code),
                tz=self.tz,
                info=step.info,
            )
        else:
            lines, buttons = answers.question(language, step.kind, step.info, self.categories)
        answers.queue(db, key, reply, lines, buttons)

    def cancel_draft(self, person: Person, reply: ReplyTo | None = None) -> bool:
        """Drop the person's disclosure form in progress (drafts already saved stay); /cancel."""
        if self.form(person.user_id) is None:
            return False
        with self.store.transaction() as db:
            if not forms.delete(db, person.user_id, WING):
                return False
            if reply is not None:
                notify.answer(
                    db, self._form_key(person), reply, person.language, "common.cancelled"
                )
        return True
