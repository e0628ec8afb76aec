"""The guided forms as one conversation: what a typed message (or a photo, voice or file) or
the 提交 button means depends on the form open, and goes to the concern whose steps it holds."""

from __future__ import annotations

from bot.core.typed_text import clean
from bot.services.context import Context
from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics import answer_selection, topic_lookup
from bot.services.topics.answer_selection import AnswerSelection
from bot.services.topics.answering import TopicAnswering
from bot.services.topics.drafts import FormInput, TopicDrafts, stored_pair
from bot.services.topics.extensions import TopicExtensions
from bot.services.topics.follows import TopicFollows
from bot.services.topics.proxy_filing import ProxyFiling
from bot.services.topics.rating import TopicRating
from bot.services.topics.reusable_answers import AnswerTemplates
from bot.services.topics.topic_records import Reply, ack
from storage import audit, forms

# Forms whose every step needs typed text; the others check per step.
TEXT_ONLY_FORMS = ("decline", "unsatisfied", answer_selection.KIND)


class TopicForms:
    """Whether a form is open, its input, its submission and its cancelling."""

    def __init__(
        self,
        ctx: Context,
        drafts: TopicDrafts,
        follows: TopicFollows,
        answering: TopicAnswering,
        extensions: TopicExtensions,
        rating: TopicRating,
        templates: AnswerTemplates,
        proxy: ProxyFiling,
        selection: AnswerSelection,
    ) -> None:
        self.ctx = ctx
        self.drafts = drafts
        self.follows = follows
        self.filing = follows.filing
        self.answering = answering
        self.extensions = extensions
        self.rating = rating
        self.templates = templates
        self.proxy = proxy
        self.selection = selection

    def has_draft(self, user_id: int) -> bool:
        return forms.exists(self.ctx.store.db, user_id, "topics")

    def cancel_draft(self, person: Person, reply: ReplyTo | None = None) -> bool:
        """/cancel: drop the form in progress; False when there was none."""
        if not self.has_draft(person.user_id):
            return False
        with self.ctx.store.transaction() as db:
            forms.delete(db, person.user_id, "topics")
            event = audit.record(
                db, person.user_id, "topic.form_cancelled", f"user:{person.user_id}"
            )
            ack(db, event, reply, person, "common.cancelled")
        return True

    def draft_input(
        self,
        person: Person,
        text: str | None,
        media: tuple[str, str] | None = None,
        reply: ReplyTo | None = None,
    ) -> Reply:
        """A message typed (or a photo/voice/file sent) while a guided form is open."""
        draft = self.drafts.current(person)
        text = clean(text) or None
        if draft.kind in TEXT_ONLY_FORMS and text is None:
            raise Denied("topics.form.need_text")
        step = {
            "topic": self.filing.topic_input,
            "answer": self.answering.answer_input,
            "decline": self.answering.decline_input,
            "extend": self.extensions.extend_input,
            "unsatisfied": self.rating.unsatisfied_input,
            "proxy": self.proxy.proxy_input,
            answer_selection.KIND: self.selection.select_input,
        }[draft.kind]
        return step(person, draft, FormInput(text, media, reply))

    def pick_template(
        self, person: Person, topic_id: int, number: int, reply: ReplyTo | None = None
    ) -> Reply:
        """A template button under the guided answer: its text becomes the answer to confirm,
        which the official may still replace by sending their edited text."""
        draft = self.drafts.current(person, "answer")
        if draft.subject_id != topic_id:
            raise Denied("topics.stale")
        topic = topic_lookup.get(self.ctx.store.db, topic_id)
        chosen = self.templates.pick(topic.village_code, number)
        return self.answering.answer_input(person, draft, FormInput(chosen.text, None, reply))

    def confirm_draft(self, person: Person, reply: ReplyTo | None = None) -> Reply:
        """The 提交 button of a form."""
        draft = self.drafts.current(person)
        if draft.kind == "topic" and draft.step in ("media", "confirm"):
            media = stored_pair(draft.data, "media_kind", "media_file_id")
            data = draft.data
            if data.get("line"):  # a question on one line: filed with its link, no offer
                topic = self.filing.file(
                    person,
                    data["text"],
                    data["category"],
                    media,
                    reply,
                    data.get("masked", 0),
                    line=data["line"],
                )
                return Reply("topics.form.submitted", {"receipt": topic.receipt})
            filed = self.follows.file_or_offer(
                person,
                data["text"],
                reply=reply,
                filed_reply=reply,
                category=data["category"],
                media=media,
                masked=data.get("masked", 0),
            )
            if isinstance(filed, Reply):
                return filed  # a neighbour already asked this: follow it or file anyway
            return Reply("topics.form.submitted", {"receipt": filed.receipt})
        if draft.kind == "proxy" and draft.step == "confirm":
            topic = self.proxy.file(person, draft.data, reply)
            return Reply("topics.proxy.submitted", {"receipt": topic.receipt})
        if draft.kind == "answer" and draft.step == "extra":
            attachment = stored_pair(draft.data, "attachment_kind", "attachment_file_id")
            data = draft.data
            target = topic_lookup.get(self.ctx.store.db, draft.subject_id)
            topic = self.answering.answer(
                person, target, data["text"], data.get("link"), attachment, reply
            )
            return Reply("topics.answered_ack", {"receipt": topic.receipt})
        raise Denied("topics.stale")
