"""The guided disclosure form as the handlers see it: which input a person's form waits for, the
typed answer to its current step, and dropping it (/cancel)."""

from __future__ import annotations

from bot.core.typed_text import clean
from bot.services import notify
from bot.services.context import Context
from bot.services.disclosures import form_state
from bot.services.disclosures.drafting import Drafting
from bot.services.disclosures.form_replies import form_key
from bot.services.disclosures.form_state import WING, Step
from bot.services.disclosures.signoff import Signoff
from bot.services.people import Denied, Person, ReplyTo
from storage import forms


class Form:
    """A person's open disclosure form: a draft being filled in, or a rejection's reason."""

    def __init__(self, ctx: Context, drafting: Drafting, signoff: Signoff) -> None:
        self.ctx = ctx
        self.drafting = drafting
        self.signoff = signoff

    def form(self, user_id: int) -> tuple[str, dict] | None:
        """A person's form in progress: (step, data gathered)."""
        return form_state.current(self.ctx.store.db, user_id)

    def expects_text(self, user_id: int) -> bool:
        """Whether the person's next plain text belongs to a disclosure form step."""
        return form_state.is_at(self.ctx.store.db, user_id, "period", "title", "body", "reason")

    def expects_file(self, user_id: int) -> bool:
        """Whether the person's next document is an import for a disclosure form."""
        return form_state.is_at(self.ctx.store.db, user_id, "file")

    def expects_attachment(self, user_id: int) -> bool:
        """Whether the person's next photo or document is an attachment to a notice draft."""
        return form_state.is_at(self.ctx.store.db, user_id, "attach")

    def handle_text(self, person: Person, text: str, reply: ReplyTo | None = None) -> Step:
        """The typed answer to the current step: a period, a title, a body, a rejection reason."""
        current = self.form(person.user_id)
        if current is None:
            raise Denied("disc.form_expired")
        step, data = current
        text = clean(text)
        if step == "reason":
            return self.signoff.reject(person, int(data["id"]), int(data["round"]), text, reply)
        return self.drafting.fill_in(person, step, data, text, reply)

    def cancel_draft(self, person: Person, reply: ReplyTo | None = None) -> bool:
        """Drop the person's disclosure form in progress (drafts already saved stay); /cancel."""
        if self.form(person.user_id) is None:
            return False
        with self.ctx.store.transaction() as db:
            if not forms.delete(db, person.user_id, WING):
                return False
            if reply is not None:
                notify.answer(db, form_key(person), reply, person.language, "common.cancelled")
        return True
