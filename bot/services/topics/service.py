"""Point-topic requests (点题) and the feedback wall (回音壁): DESIGN §3 (Topic request), §4.

`TopicService` is the one facade the handlers and the schedule use; each concern lives in its
own module of this package (filing, routing, answering, rating, extensions, transfers,
categories, supports, tracking, reading, reporting) as a mixin over `base.TopicBase`. Every
change is one transaction holding the state change, its audit event and the notices it causes
(DESIGN §7), so a handler makes at most one changing call per update. Rule IDs from
`reference/domain-requirements.md` are cited where they decide behaviour.
"""

from __future__ import annotations

from bot.services.people import Denied, Person, ReplyTo
from bot.services.topics.answering import TopicAnswering
from bot.services.topics.base import Reply
from bot.services.topics.categories import TopicCategories
from bot.services.topics.drafts import FormInput, stored_pair
from bot.services.topics.extensions import TopicExtensions
from bot.services.topics.filing import TopicFiling
from bot.services.topics.rating import TopicRating
from bot.services.topics.reading import TopicReading
from bot.services.topics.reporting import TopicReporting
from bot.services.topics.routing import Route
from bot.services.topics.supports import TopicSupports
from bot.services.topics.tracking import TopicTracking
from bot.services.topics.transfers import TopicTransfers

__all__ = ["Reply", "Route", "TopicService"]

# Forms whose every step needs typed text; the others check per step.
TEXT_ONLY_FORMS = ("decline", "unsatisfied")


class TopicService(
    TopicFiling,
    TopicAnswering,
    TopicRating,
    TopicSupports,
    TopicExtensions,
    TopicTransfers,
    TopicCategories,
    TopicTracking,
    TopicReading,
    TopicReporting,
):
    """Filing, routing, answering, rating, supporting, extending, transferring and urging."""

    def draft_input(
        self,
        person: Person,
        text: str | None,
        media: tuple[str, str] | None = None,
        reply: ReplyTo | None = None,
    ) -> Reply:
        """A message typed (or a photo/voice/file sent) while a guided form is open."""
        draft = self._draft(person)
        text = (text or "").strip() or None
        if draft.kind in TEXT_ONLY_FORMS and text is None:
            raise Denied("topics.form.need_text")
        handler = {
            "topic": self._topic_input,
            "answer": self._answer_input,
            "decline": self._decline_input,
            "extend": self._extend_input,
            "unsatisfied": self._unsatisfied_input,
        }[draft.kind]
        return handler(person, draft, FormInput(text, media, reply))

    def confirm_draft(self, person: Person, reply: ReplyTo | None = None) -> Reply:
        """The 提交 button of a form."""
        draft = self._draft(person)
        if draft.kind == "topic" and draft.step in ("media", "confirm"):
            media = stored_pair(draft.data, "media_kind", "media_file_id")
            topic = self.file(person, draft.data["text"], draft.data["category"], media, reply)
            return Reply("topics.form.submitted", {"receipt": topic.receipt})
        if draft.kind == "answer" and draft.step == "extra":
            attachment = stored_pair(draft.data, "attachment_kind", "attachment_file_id")
            data, target = draft.data, self.get(draft.subject_id)
            topic = self.answer(person, target, data["text"], data.get("link"), attachment, reply)
            return Reply("topics.answered_ack", {"receipt": topic.receipt})
        raise Denied("topics.stale")
