"""Answering and declining a topic (PT-04, PT-10, PT-11): the forms, the checks, the result
notice to the requester and the post on the feedback wall (回音壁)."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.core.village_names import village_name
from bot.delivery.messages import Button, Rows, rows_of
from bot.i18n import Term, t_plain
from bot.services.context import Context
from bot.services.masking import mask_text
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require
from bot.services.redaction import Redacted, redact
from bot.services.topics import notices, topic_lookup
from bot.services.topics.drafts import FormInput, TopicDrafts, submit_row
from bot.services.topics.follows import tell_followers
from bot.services.topics.notices import button, category_term, masked_note
from bot.services.topics.text import (
    ANSWER_MAX,
    ANSWER_MIN,
    DECLINE_REASONS,
    TEXT_MIN,
    find_link,
    parse_receipt,
)
from bot.services.topics.topic_posts import post_of
from bot.services.topics.topic_records import Reply, ack, claim, record
from bot.services.topics.topic_rules import check_handler, checked_length
from storage import answer_templates, forms, search_index, topic_answers, topic_proxies, topics
from storage.forms import Form
from storage.topic_answers import Answer
from storage.topics import Topic

ATTACHMENT_KINDS = ("photo", "voice", "document")
# Buttons offered under the guided answer's first question: the village's newest templates.
TEMPLATES_OFFERED = 8
# Topics one /answer may answer together.
MANY_MAX = 20


def check_answer_text(text: str) -> Redacted:
    """An answer or explanation within its limits (ANSWER_MIN–ANSWER_MAX characters), personal
    numbers masked: it is stored, sent and published (SEC-03)."""
    return redact(checked_length(text, ANSWER_MIN, ANSWER_MAX, "topics.answer_too_short"))


def _requester_notice(answer: Answer) -> str:
    """A refusal because it is already published says where to read it, not a legal formula
    (PT-10): the link is required for that reason."""
    if answer.kind == "answer":
        return "topics.answered_notice"
    if answer.reason == "already_disclosed":
        return "topics.published_notice"
    return "topics.declined_notice"


class TopicAnswering:
    """An official's answer or lawful refusal, and who hears of it."""

    def __init__(self, ctx: Context, drafts: TopicDrafts) -> None:
        self.ctx = ctx
        self.drafts = drafts

    def start_answer(self, person: Person, topic: Topic, reply: ReplyTo | None = None) -> Reply:
        """The guided answer's first question, with the village's templates as buttons."""
        check_handler(person, topic, "topic.answer")
        rows = self._template_buttons(topic)
        key = "topics.form.answer_text_or_template" if rows else "topics.form.answer_text"
        result = Reply(key, {"receipt": topic.receipt, "text": topic.text}, rows)
        return self.drafts.put(person, "answer", topic.id, "text", {}, reply, result)

    def _template_buttons(self, topic: Topic) -> Rows:
        """One button per template of the topic's village (`tp:at:<topic>:<template>`)."""
        kept = answer_templates.of_village(self.ctx.store.db, topic.village_code)
        rows = [[Button(f"📋 {t.title}", f"tp:at:{topic.id}:{t.id}")] for t in kept]
        return rows_of(rows[-TEMPLATES_OFFERED:])

    def answer_input(self, person: Person, draft: Form, given: FormInput) -> Reply:
        text, media = given.text, given.media
        topic = topic_lookup.get(self.ctx.store.db, draft.subject_id)
        check_handler(person, topic, "topic.answer")
        data = dict(draft.data)
        if draft.step == "text":
            if text is None:
                raise Denied("topics.form.need_text")
            typed = check_answer_text(text)
            data["text"], data["masked"] = typed.text, typed.count
            data.setdefault("link", find_link(text))
        else:
            link = find_link(text) if text else None
            if text and link and text.strip() == link:
                data["link"] = link
            elif text:
                typed = check_answer_text(text)
                data["text"], data["masked"] = typed.text, typed.count
                data["link"] = find_link(text) or data.get("link")
            if media is not None:
                if media[0] not in ATTACHMENT_KINDS:
                    raise Denied("topics.form.media_kind")
                data["attachment_kind"], data["attachment_file_id"] = media
        result = Reply(
            "topics.form.answer_confirm",
            {
                "receipt": topic.receipt,
                "text": data["text"],
                "masked": masked_note(person.language, data.get("masked", 0)),
                "link": data.get("link") or "—",
                "media": Term(f"topics.media.{data.get('attachment_kind') or 'none'}"),
            },
            rows_of([submit_row(person.language)]),
        )
        return self.drafts.put(person, "answer", topic.id, "extra", data, given.reply, result)

    def answer(
        self,
        person: Person,
        topic: Topic,
        text: str,
        link: str | None = None,
        attachment: tuple[str, str] | None = None,
        reply: ReplyTo | None = None,
    ) -> Topic:
        """Answer a topic (PT-04, PT-11): requester told with rating buttons, wall post."""
        check_handler(person, topic, "topic.answer")
        text = check_answer_text(text).text
        link = link or find_link(text)
        if topic.joint and not link:
            raise Denied("topics.joint_needs_link", receipt=topic.receipt)  # 联名点题
        return self._respond(person, topic, "answer", None, text, link, attachment, reply)

    def answer_many(
        self, person: Person, receipts: list[str], text: str, reply: ReplyTo | None = None
    ) -> list[Topic]:
        """One text answering several topics, all or none: every receipt is checked alone and
        any refusal answers nothing; each topic gets its own answer record, wall post and
        requester notice, all in one transaction (PT-04, PT-11)."""
        text = check_answer_text(text).text
        link = find_link(text)
        chosen = list(dict.fromkeys(parse_receipt(r) or r for r in receipts))
        if len(chosen) > MANY_MAX:
            raise Denied("topics.many.too_many", maximum=MANY_MAX)
        found, problems = [], []
        for receipt in chosen:
            try:
                found.append(self._answerable(person, receipt, link))
            except Denied as refused:
                problems.append(f"• {t_plain(person.language, refused.key, **refused.params)}")
        if problems:
            raise Denied("topics.many.refused", problems="\n".join(problems))
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            for topic in found:
                event = self._record(db, person, topic, "answer", None, text, link, None, now)
            receipts_done = "、".join(topic.receipt for topic in found)
            ack(
                db,
                event,
                reply,
                person,
                "topics.many.answered",
                count=len(found),
                receipts=receipts_done,
            )
            return [topics.get(db, topic.id) for topic in found]

    def _answerable(self, person: Person, receipt: str, link: str | None) -> Topic:
        """The topic a receipt names, when this person may answer it with this text now."""
        topic = topic_lookup.find(self.ctx.store.db, receipt)
        require(person, "topic.answer_many", village=topic.village_code, receipt=topic.receipt)
        check_handler(person, topic, "topic.answer")
        if topic.joint and not link:
            raise Denied("topics.joint_needs_link", receipt=topic.receipt)  # 联名点题
        return topic

    def start_decline(self, person: Person, topic: Topic) -> Reply:
        check_handler(person, topic, "topic.decline")
        rows = [
            [button(person.language, f"topics.reason.{r}", f"tp:dr:{topic.id}:{r}")]
            for r in DECLINE_REASONS
        ]
        return Reply("topics.form.decline_reason", {"receipt": topic.receipt}, rows_of(rows))

    def choose_reason(
        self, person: Person, topic: Topic, reason: str, reply: ReplyTo | None = None
    ) -> Reply:
        check_handler(person, topic, "topic.decline")
        if reason not in DECLINE_REASONS:
            raise Denied("topics.stale")
        key = (
            "topics.form.decline_link"
            if reason == "already_disclosed"
            else "topics.form.decline_text"
        )
        result = Reply(key, {"reason": Term(f"topics.reason.{reason}")})
        data = {"reason": reason}
        return self.drafts.put(person, "decline", topic.id, "text", data, reply, result)

    def decline_input(self, person: Person, draft: Form, given: FormInput) -> Reply:
        topic = topic_lookup.get(self.ctx.store.db, draft.subject_id)
        topic = self.decline(person, topic, draft.data["reason"], given.text, given.reply)
        return Reply("topics.declined_ack", {"receipt": topic.receipt})

    def decline(
        self,
        person: Person,
        topic: Topic,
        reason: str,
        explanation: str,
        reply: ReplyTo | None = None,
    ) -> Topic:
        """Refuse with a lawful reason and an explanation (PT-10, SEC-01..03, SEC-07, FCR-02).
        Refusals are public on the wall like answers."""
        check_handler(person, topic, "topic.decline")
        if reason not in DECLINE_REASONS:
            raise Denied("topics.bad_reason")
        explanation = check_answer_text(explanation).text
        if len(explanation) < TEXT_MIN:
            raise Denied("topics.answer_too_short", minimum=TEXT_MIN)
        link = find_link(explanation)
        if reason == "already_disclosed" and not link:
            raise Denied("topics.decline_needs_link")
        return self._respond(person, topic, "decline", reason, explanation, link, None, reply)

    def _respond(
        self,
        person: Person,
        topic: Topic,
        kind: str,
        reason: str | None,
        text: str,
        link: str | None,
        attachment: tuple[str, str] | None,
        reply: ReplyTo | None,
    ) -> Topic:
        now = self.ctx.now()
        with self.ctx.store.transaction() as db:
            event = self._record(db, person, topic, kind, reason, text, link, attachment, now)
            ack_key = "topics.answered_ack" if kind == "answer" else "topics.declined_ack"
            ack(db, event, reply, person, ack_key, receipt=topic.receipt)
            return topics.get(db, topic.id)

    def _record(
        self,
        db: Database,
        person: Person,
        topic: Topic,
        kind: str,
        reason: str | None,
        text: str,
        link: str | None,
        attachment: tuple[str, str] | None,
        now: datetime,
    ) -> int:
        """One topic's answer or refusal inside the caller's transaction: the record, the
        status, the audit event, the requester's notice and the wall post."""
        link = mask_text(link) if link else None  # a link is stored and published too (SEC-03)
        on_time = self.ctx.local_date(now) <= topic.due_date
        status = "answered" if kind == "answer" else "declined"
        post = post_of(self.ctx, db, person.user_id, topic.village_code)
        claim(self.ctx, db, person, topic, now)
        answer_id = topic_answers.add_answer(
            db,
            topic_id=topic.id,
            kind=kind,
            reason=reason,
            text=text,
            link=link,
            attachment_kind=attachment[0] if attachment else None,
            attachment_file_id=attachment[1] if attachment else None,
            by_user_id=person.user_id,
            by_post=post,
            at=now,
            due_date=topic.due_date,
            on_time=on_time,
        )
        if not topics.respond(db, topic.id, answer_id, status, now):
            raise Denied("topics.not_open", receipt=topic.receipt)
        forms.delete(db, person.user_id, "topics")
        after = {"post": post, "on_time": on_time, "reason": reason, "link": link}
        event = record(db, person.user_id, f"topic.{status}", topic, after)
        answer = topic_answers.answer(db, answer_id)
        search_index.index_wall_post(db, topic.id, topic.text, answer.text)
        self._tell_requester(db, event, topic, answer)
        tell_followers(self.ctx, db, event, topic, answer)
        self._post_to_wall(db, event, topic, answer)
        return event

    def _answer_params(self, db: Database, topic: Topic, answer: Answer) -> dict:
        return {
            "receipt": topic.receipt,
            "village": village_name(db, topic.village_code),
            "category": category_term(topic.category),
            "answer": answer.text,
            "link": answer.link or "—",
            "reason": Term(f"topics.reason.{answer.reason or 'none'}"),
            "post": answer.by_post,
            "filed": self.ctx.local_date(topic.filed_at).isoformat(),
            "answered": self.ctx.local_date(answer.at).isoformat(),
            "timely": Term("topics.wall.on_time" if answer.on_time else "topics.wall.late"),
        }

    def _tell_requester(self, db: Database, event: int, topic: Topic, answer: Answer) -> None:
        """The result notice (PT-05, PT-11) with the rating prompt (SAT-01); for a topic filed
        on a resident's behalf (代办) it goes to the filer, naming the resident to tell, and
        asks for no rating: only the resident could give it (SAT-01)."""
        proxy = topic_proxies.of(db, topic.id)
        if proxy is not None:
            kind = "answered" if answer.kind == "answer" else "declined"
            key, buttons = f"topics.proxy.{kind}_notice", notices.no_buttons
            extra = {"resident": proxy.resident_name}
        else:
            key, buttons = _requester_notice(answer), notices.rating_buttons(topic.id, answer.id)
            extra = {}
        notices.to_person(
            db,
            f"a{event}:requester",
            topic.requester_id,
            self.ctx.default_language,
            key,
            buttons=buttons,
            **extra,
            question=topic.text,
            days=self.ctx.config.topics.auto_close_days,
            **self._answer_params(db, topic, answer),
        )

    def _post_to_wall(self, db: Database, event: int, topic: Topic, answer: Answer) -> None:
        """回音壁 (PT-01, PT-04, cn-practice §4.4): question masked, never the requester."""
        chat_id = self.ctx.config.topics.wall_chat_id
        if chat_id is None:
            return
        key = "topics.wall.answer" if answer.kind == "answer" else "topics.wall.decline"
        params = self._answer_params(db, topic, answer)
        params["answer"] = mask_text(answer.text)
        notices.to_chat(
            db,
            f"a{event}:wall",
            chat_id,
            self.ctx.default_language,
            key,
            buttons=notices.support_buttons(topic.id),
            question=mask_text(topic.text),
            **params,
        )
