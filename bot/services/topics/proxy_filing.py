"""Filing a topic for a resident without a phone (代办, issue 13 §3): an official of the village
files it in the resident's name, records how the resident consented, and is told the answer.

The resident's name is private: it is stored apart from what any page, feed or export reads
(`storage.topic_proxies`) and shown only to the filer. The topic is otherwise a resident's topic:
routed, due and counted like any other (STAT-01). Nobody rates it: the evaluation card is the
resident's own (SAT-01, SAT-07), and the filer answering for them would count the office's
opinion of itself, so it is left out of the satisfaction rate and counted in on-time answering.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.core.typed_text import clean
from bot.core.vocabulary import CATEGORIES
from bot.delivery.messages import rows_of
from bot.i18n import Term
from bot.services.context import Context
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require, role_grants
from bot.services.redaction import redact
from bot.services.topics import notices
from bot.services.topics.drafts import FormInput, TopicDrafts, submit_row
from bot.services.topics.filing import check_text
from bot.services.topics.new_topics import create_topic
from bot.services.topics.notices import ButtonsFor, button, category_term, masked_note
from bot.services.topics.routing import TopicRouting
from bot.services.topics.text import classify
from bot.services.topics.topic_posts import assignee_post
from bot.services.topics.topic_records import Reply, ack, record
from storage import forms, topic_proxies
from storage.forms import Form
from storage.topics import Topic

# How the resident gave their consent, as the office records it.
CONSENTS = ("in_person", "signed", "phone")
NAME_MIN, NAME_MAX = 2, 20


def check_name(text: str | None) -> str:
    """A resident's name: 2–20 characters, and no ID, phone or card number in it (SEC-03)."""
    name = " ".join(clean(text).split())
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise Denied("topics.proxy.bad_name", minimum=NAME_MIN, maximum=NAME_MAX)
    if redact(name).count or any(c.isdigit() for c in name):
        raise Denied("topics.proxy.name_number")
    return name


def office_village(person: Person) -> str:
    """The village whose office the person works in, or the refusal."""
    code = next(
        (m.village_code for m in person.roles if role_grants(m, "topic.file_for", m.village_code)),
        None,
    )
    require(person, "topic.file_for", village=code)
    return code


def print_button(topic_id: int) -> ButtonsFor:
    return lambda language: ((button(language, "topics.proxy.print", f"tp:pr:{topic_id}"),),)


class ProxyFiling:
    """The /proxy form (name, consent, category, text, confirm) and the filing it ends in."""

    def __init__(self, ctx: Context, drafts: TopicDrafts, routing: TopicRouting) -> None:
        self.ctx = ctx
        self.drafts = drafts
        self.routing = routing

    def start(self, person: Person, reply: ReplyTo | None = None) -> Reply:
        """/proxy alone: ask for the resident's name."""
        office_village(person)
        result = Reply("topics.proxy.ask_name", {"minimum": NAME_MIN, "maximum": NAME_MAX})
        return self.drafts.put(person, "proxy", None, "name", {}, reply, result)

    def one_line(self, person: Person, line: str, reply: ReplyTo | None = None) -> Reply:
        """`/proxy 姓名 | 内容`: name and text at once; only the consent is asked."""
        office_village(person)
        name, bar, text = line.partition("|") if "|" in line else line.partition("｜")
        if not bar:
            raise Denied("topics.proxy.usage")
        typed = redact(check_text(text))
        data = {
            "name": check_name(name),
            "text": typed.text,
            "masked": typed.count,
            "category": classify(typed.text),
        }
        return self._ask_consent(person, data, reply)

    def _ask_consent(self, person: Person, data: dict, reply: ReplyTo | None) -> Reply:
        rows = [
            [button(person.language, f"topics.proxy.consent.{c}", f"tp:pc:{c}")] for c in CONSENTS
        ]
        result = Reply("topics.proxy.ask_consent", {"name": data["name"]}, rows_of(rows))
        return self.drafts.put(person, "proxy", None, "consent", data, reply, result)

    def proxy_input(self, person: Person, draft: Form, given: FormInput) -> Reply:
        """A message typed into the form: the name, then (after the buttons) the text."""
        data = dict(draft.data)
        if given.text is None:
            raise Denied("topics.form.need_text")
        if draft.step == "name":
            data["name"] = check_name(given.text)
            return self._ask_consent(person, data, given.reply)
        if draft.step not in ("text", "confirm"):
            raise Denied("topics.proxy.use_buttons")
        typed = redact(check_text(given.text))  # stored in the draft: masked first (SEC-03)
        data["text"], data["masked"] = typed.text, typed.count
        return self._confirm(person, data, given.reply)

    def choose_consent(self, person: Person, code: str, reply: ReplyTo | None = None) -> Reply:
        draft = self.drafts.current(person, "proxy")
        if code not in CONSENTS or draft.step != "consent":
            raise Denied("topics.stale")
        data = dict(draft.data) | {"consent": code}
        if "text" in data:
            return self._confirm(person, data, reply)
        rows = [
            [
                button(person.language, f"topics.category.{c}", f"tp:pk:{c}")
                for c in CATEGORIES[i : i + 3]
            ]
            for i in range(0, len(CATEGORIES), 3)
        ]
        result = Reply("topics.form.category", rows=rows_of(rows))
        return self.drafts.put(person, "proxy", None, "category", data, reply, result)

    def choose_category(self, person: Person, category: str, reply: ReplyTo | None = None) -> Reply:
        draft = self.drafts.current(person, "proxy")
        if category not in CATEGORIES or draft.step != "category":
            raise Denied("topics.stale")
        data = dict(draft.data) | {"category": category}
        result = Reply("topics.proxy.ask_text", {"name": data["name"]})
        return self.drafts.put(person, "proxy", None, "text", data, reply, result)

    def _confirm(self, person: Person, data: dict, reply: ReplyTo | None) -> Reply:
        result = Reply(
            "topics.proxy.confirm",
            {
                "name": data["name"],
                "consent": Term(f"topics.proxy.consent.{data['consent']}"),
                "category": category_term(data["category"]),
                "text": data["text"],
                "masked": masked_note(person.language, data.get("masked", 0)),
            },
            rows_of([submit_row(person.language)]),
        )
        return self.drafts.put(person, "proxy", None, "confirm", data, reply, result)

    def file(self, person: Person, data: dict, reply: ReplyTo | None = None) -> Topic:
        """The confirmed form filed in the resident's name: receipt (PT-05), routing (PT-03),
        deadline (TL-01) and the handlers' notices, as for any topic; the filer is told."""
        village_code = office_village(person)
        name, consent = check_name(data.get("name")), data.get("consent")
        if consent not in CONSENTS:
            raise Denied("topics.stale")
        typed = redact(check_text(data.get("text") or ""))
        category = data["category"] if data.get("category") in CATEGORIES else classify(typed.text)
        with self.ctx.store.transaction() as db:
            topic, route = create_topic(
                self.ctx,
                self.routing,
                db,
                requester_id=person.user_id,
                village_code=village_code,
                category=category,
                text=typed.text,
                media=None,
                now=self.ctx.now(),
            )
            topic_proxies.mark(db, topic.id, name, consent, person.user_id)
            forms.delete(db, person.user_id, "topics")
            receipt = topic.receipt
            # The audit trail keeps the consent; the name stays in the topic's private columns.
            after = {"receipt": receipt, "category": category, "due": topic.due_date.isoformat()}
            event = record(db, person.user_id, "topic.filed", topic, after | {"proxy": consent})
            masked = data.get("masked", 0) + typed.count
            self._tell_filed(db, event, person, topic, name, route.recipients, masked)
            ack(db, event, reply, person, "topics.proxy.submitted", receipt=receipt, name=name)
        return topic

    def _tell_filed(
        self,
        db: Database,
        event: int,
        person: Person,
        topic: Topic,
        name: str,
        recipients: tuple[int, ...] | list[int],
        masked: int,
    ) -> None:
        """The filer's receipt (with the print button) and each handler's notice (PT-03)."""
        post = assignee_post(self.ctx, db, topic)
        record(db, None, "topic.routed", topic, {"post": post, "rule": topic.routed_to})
        notices.to_person(
            db,
            f"a{event}:receipt",
            person.user_id,
            self.ctx.default_language,
            "topics.proxy.receipt",
            buttons=print_button(topic.id),
            receipt=topic.receipt,
            name=name,
            category=category_term(topic.category),
            post=post,
            due=topic.due_date.isoformat(),
            provisional=notices.due_mark(topic.due_provisional),
            text=topic.text,
        )
        for uid in recipients:
            key = f"a{event}:notice:{uid}"
            notices.feedback_notice(
                db, key, uid, self.ctx.default_language, topic, "topics.notice", masked
            )
