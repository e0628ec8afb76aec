"""One answer for several topics picked from a list (issue 13 §4): a toggle button per open
topic (☐/☑, the list edited in place), then 用同一答复回答所选 (N), then the text, which the
answer-many service records for each topic: each still posted to the wall and reported to its
requester (PT-11). The choice is kept in the form, server side."""

from __future__ import annotations

from bot.delivery.messages import Button, Rows, rows_of
from bot.i18n import t_plain
from bot.services.context import Context
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import allowed, require, role_grants
from bot.services.topics import topic_lookup
from bot.services.topics.answering import MANY_MAX, TopicAnswering
from bot.services.topics.drafts import FormInput, TopicDrafts
from bot.services.topics.text import excerpt
from bot.services.topics.topic_records import Reply
from bot.services.topics.topic_rules import check_handler, holder
from storage import topics
from storage.forms import Form
from storage.topics import Topic

KIND = "answer_select"
# Characters of a topic's text on its toggle button.
LABEL_TEXT = 16


def _rows(language: str, offered: list[Topic], chosen: list[int]) -> Rows:
    """A toggle per topic, then the button going on to the text with the count chosen."""
    rows = [
        [
            Button(
                f"{'☑' if t.id in chosen else '☐'} {t.receipt} {excerpt(t.text)[:LABEL_TEXT]}",
                f"tp:ms:{t.id}",
            )
        ]
        for t in offered
    ]
    go = t_plain(language, "topics.select.go", count=len(chosen))
    return rows_of([*rows, [Button(go, "tp:mg")]])


class AnswerSelection:
    """The official's list of open topics to answer together, and its steps."""

    def __init__(self, ctx: Context, drafts: TopicDrafts, answering: TopicAnswering) -> None:
        self.ctx = ctx
        self.drafts = drafts
        self.answering = answering

    def _answerable(self, person: Person) -> list[Topic]:
        """Open topics of the official's villages they may answer now, oldest due first."""
        db = self.ctx.store.db
        found = {
            t.id: t
            for m in person.roles
            if role_grants(m, "topic.answer_select", m.village_code)
            for t in topics.open_for_official(db, person.user_id, m.village_code)
            if allowed(person, "topic.answer", village=t.village_code, owner=holder(t))
        }
        return sorted(found.values(), key=lambda t: (t.due_date, t.id))[:MANY_MAX]

    def start(self, person: Person, reply: ReplyTo | None = None) -> Reply:
        """`/answer` alone: the list, nothing chosen yet."""
        require(person, "topic.answer_select")
        offered = self._answerable(person)
        if not offered:
            raise Denied("topics.select.none")
        data = {"offered": [t.id for t in offered], "chosen": []}
        result = Reply("topics.select.list", {"count": 0}, _rows(person.language, offered, []))
        return self.drafts.put(person, KIND, None, "choose", data, reply, result)

    def _draft(self, person: Person, step: str) -> Form:
        draft = self.drafts.current(person, KIND)
        if draft.step != step:
            raise Denied("topics.stale")
        return draft

    def toggle(self, person: Person, topic_id: int, reply: ReplyTo | None = None) -> Reply:
        """☐ ↔ ☑ on one topic of the list, checked as answerable by this person now."""
        draft = self._draft(person, "choose")
        offered, chosen = draft.data["offered"], list(draft.data["chosen"])
        if topic_id not in offered:
            raise Denied("topics.stale")  # forged: a topic the list never offered
        db = self.ctx.store.db
        topic = topic_lookup.get(db, topic_id)
        require(person, "topic.answer_many", village=topic.village_code, receipt=topic.receipt)
        check_handler(person, topic, "topic.answer")
        chosen = [i for i in chosen if i != topic_id] if topic_id in chosen else [*chosen, topic_id]
        shown = [topic_lookup.get(db, i) for i in offered]
        data = {"offered": offered, "chosen": chosen}
        rows = _rows(person.language, shown, chosen)
        result = Reply("topics.select.list", {"count": len(chosen)}, rows)
        return self.drafts.put(person, KIND, None, "choose", data, reply, result)

    def go(self, person: Person, reply: ReplyTo | None = None) -> Reply:
        """用同一答复回答所选: ask for the one text."""
        draft = self._draft(person, "choose")
        chosen = draft.data["chosen"]
        if not chosen:
            raise Denied("topics.select.empty")
        db = self.ctx.store.db
        receipts = "、".join(topic_lookup.get(db, i).receipt for i in chosen)
        result = Reply("topics.select.text", {"count": len(chosen), "receipts": receipts})
        return self.drafts.put(person, KIND, None, "text", draft.data, reply, result)

    def select_input(self, person: Person, draft: Form, given: FormInput) -> Reply:
        """The text answering every chosen topic: each checked again, all or none."""
        if draft.step != "text":
            raise Denied("topics.select.use_buttons")
        db = self.ctx.store.db
        receipts = [topic_lookup.get(db, i).receipt for i in draft.data["chosen"]]
        done = self.answering.answer_many(person, receipts, given.text, given.reply)
        return Reply("topics.many.answered", {"count": len(done)})
