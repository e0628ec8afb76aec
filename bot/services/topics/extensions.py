"""Extensions (TL-04, PT-09): an official asks once for more working days with a reason, and
township staff approve (within the hard cap, TL-02) or refuse."""

from __future__ import annotations

from bot.core.numbers import parse_number
from bot.core.typed_text import clean
from bot.core.village_names import village_name
from bot.services.context import Context
from bot.services.masking import mask_text
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require
from bot.services.topics import notices, topic_lookup
from bot.services.topics.drafts import FormInput, TopicDrafts
from bot.services.topics.text import NOTE_MAX, TEXT_MIN
from bot.services.topics.topic_posts import post_of
from bot.services.topics.topic_records import Reply, ack, record, tell
from bot.services.topics.topic_rules import check_handler, deadline, require_open
from bot.services.township_scope import require_village
from storage import forms, members, topic_extensions, topics
from storage.forms import Form
from storage.topics import Topic


class TopicExtensions:
    """Asking for, and deciding on, a later due date."""

    def __init__(self, ctx: Context, drafts: TopicDrafts) -> None:
        self.ctx = ctx
        self.drafts = drafts

    def start_extension(self, person: Person, topic: Topic, reply: ReplyTo | None = None) -> Reply:
        self._check_extension_allowed(person, topic)
        result = Reply(
            "topics.form.extend",
            {
                "receipt": topic.receipt,
                "maximum": self.ctx.config.topics.extension_max_working_days,
            },
        )
        return self.drafts.put(person, "extend", topic.id, "text", {}, reply, result)

    def _check_extension_allowed(self, person: Person, topic: Topic) -> None:
        check_handler(person, topic, "topic.extend")
        if topic.extended:
            raise Denied("topics.already_extended", receipt=topic.receipt)
        if any(
            e.status == "pending"
            for e in topic_extensions.extensions_of(self.ctx.store.db, topic.id)
        ):
            raise Denied("topics.extension_pending", receipt=topic.receipt)

    def extend_input(self, person: Person, draft: Form, given: FormInput) -> Reply:
        parts = (given.text or "").split(maxsplit=1)
        days = parse_number(parts[0], largest=10_000) if len(parts) == 2 else None
        if days is None:
            raise Denied(
                "topics.extend_usage", maximum=self.ctx.config.topics.extension_max_working_days
            )
        topic = topic_lookup.get(self.ctx.store.db, draft.subject_id)
        self.request_extension(person, topic, days, parts[1], given.reply)
        return Reply("topics.extension_requested_ack", {"days": days})

    def request_extension(
        self, person: Person, topic: Topic, days: int, reason: str, reply: ReplyTo | None = None
    ) -> Topic:
        """One extension of at most N more working days, with a reason (TL-04, PT-09)."""
        self._check_extension_allowed(person, topic)
        maximum = self.ctx.config.topics.extension_max_working_days
        if not 1 <= days <= maximum:
            raise Denied("topics.extend_days", maximum=maximum)
        reason = mask_text(clean(reason))  # stored and sent to the requester (SEC-03)
        if len(reason) < TEXT_MIN or len(reason) > NOTE_MAX:
            raise Denied("topics.extend_reason", minimum=TEXT_MIN, maximum=NOTE_MAX)
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            extension_id = topic_extensions.request_extension(
                db, topic.id, person.user_id, days, reason, now
            )
            forms.delete(db, person.user_id, "topics")
            after = {"days": days, "reason": reason}
            event = record(db, person.user_id, "topic.extension_requested", topic, after)
            for staff in members.township_staff(db, topic.village_code):
                notices.to_person(
                    db,
                    f"a{event}:ask:{staff.user_id}",
                    staff.user_id,
                    self.ctx.default_language,
                    "topics.extension_request",
                    buttons=notices.extension_buttons(extension_id),
                    receipt=topic.receipt,
                    village=village_name(db, topic.village_code),
                    post=post_of(self.ctx, db, person.user_id, topic.village_code),
                    days=days,
                    reason=reason,
                    due=topic.due_date.isoformat(),
                    text=topic.text,
                )
            ack(db, event, reply, person, "topics.extension_requested_ack", days=days)
            return topics.get(db, topic.id)

    def decide_extension(
        self, person: Person, extension_id: int, approve: bool, reply: ReplyTo | None = None
    ) -> Reply:
        """Township staff approve (new due date, hard cap TL-02) or refuse an extension."""
        require(person, "topic.extension.decide")
        extension = topic_extensions.extension(self.ctx.store.db, extension_id)
        if extension is None or extension.status != "pending":
            raise Denied("topics.extension_decided")
        topic = topic_lookup.get(self.ctx.store.db, extension.topic_id)
        require_village(person, "topic.extension.decide", topic.village_code)  # issue 13 §1
        require_open(topic)
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            new_due = None
            if approve:
                cycle_start = self.ctx.local_date(topic.cycle_start)
                due = deadline(self.ctx, db, topic.due_date, extension.days, now, cycle_start)
                new_due = max(due.due, topic.due_date)
                provisional = topic.due_provisional or due.provisional
            status = "approved" if approve else "refused"
            if not topic_extensions.decide_extension(
                db, extension_id, status, person.user_id, now, new_due
            ):
                raise Denied("topics.extension_decided")
            if new_due is not None:
                topics.set_due(db, topic.id, new_due, provisional, now, extended=True)
            due = (new_due or topic.due_date).isoformat()
            event = record(
                db,
                person.user_id,
                "topic.extended" if approve else "topic.extension_refused",
                topic,
                {"due": due, "reason": extension.reason},
            )
            notices.to_person(
                db,
                f"a{event}:official",
                extension.requested_by,
                self.ctx.default_language,
                "topics.extension_approved" if approve else "topics.extension_refused",
                receipt=topic.receipt,
                due=due,
            )
            if approve:  # cn-practice §4.5: the reason is shown to the requester
                notices.to_person(
                    db,
                    f"a{event}:requester",
                    topic.requester_id,
                    self.ctx.default_language,
                    "topics.extension_requester",
                    receipt=topic.receipt,
                    due=new_due.isoformat(),
                    reason=extension.reason,
                )
            key = "topics.extension_approved_ack" if approve else "topics.extension_refused_ack"
            result = Reply(key, {"receipt": topic.receipt, "due": due})
            tell(db, f"a{event}:answer", reply, person, result)
        return result
