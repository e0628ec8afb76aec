"""Answer templates (答复模板): reusable answer texts an official keeps for their village, listed,
added and removed with /templates and offered as buttons when answering with the guided form."""

from __future__ import annotations

from bot.core.numbers import parse_number
from bot.services.context import Context
from bot.services.masking import mask_text
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require
from bot.services.topics.answering import check_answer_text
from bot.services.topics.text import excerpt
from bot.services.topics.topic_records import Reply, ack
from storage import answer_templates, audit
from storage.answer_templates import AnswerTemplate

TITLE_MAX = 20
TEMPLATES_MAX = 30


class AnswerTemplates:
    """A village's answer templates: the list, adding one, removing one, picking one."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def village_of(self, person: Person) -> str:
        """The village whose templates the person keeps: theirs, as an official."""
        village = person.village_code
        require(person, "template.manage", village=village)
        return village

    def listing(self, person: Person) -> Reply:
        """`/templates`: every template of the person's village, numbered."""
        village = self.village_of(person)
        kept = answer_templates.of_village(self.ctx.store.db, village)
        lines = "\n".join(f"#{t.id} {t.title}：{excerpt(t.text)}" for t in kept)
        key = "topics.templates.list" if kept else "topics.templates.empty"
        return Reply(key, {"count": len(kept), "lines": lines})

    def add(self, person: Person, spec: str, reply: ReplyTo | None = None) -> int:
        """`/templates add 标题 | 内容`: keep a text, personal numbers masked (SEC-03)."""
        village = self.village_of(person)
        title, bar, body = spec.partition("|")
        title = mask_text(" ".join(title.split()))
        if not bar or not title:
            raise Denied("topics.templates.usage")
        if len(title) > TITLE_MAX:
            raise Denied("topics.templates.title_too_long", maximum=TITLE_MAX)
        text = check_answer_text(body).text
        with self.ctx.store.transaction() as db:
            if len(answer_templates.of_village(db, village)) >= TEMPLATES_MAX:
                raise Denied("topics.templates.full", maximum=TEMPLATES_MAX)
            number = answer_templates.add(db, village, title, text, person.user_id, self.ctx.now())
            event = audit.record(
                db,
                person.user_id,
                "template.added",
                f"template:{number}",
                village_code=village,
                after={"title": title},
            )
            ack(db, event, reply, person, "topics.templates.added", number=number, title=title)
        return number

    def remove(self, person: Person, number: str, reply: ReplyTo | None = None) -> None:
        """`/templates remove <number>`: drop one of the village's templates."""
        village = self.village_of(person)
        found = self.pick(village, number)
        with self.ctx.store.transaction() as db:
            if not answer_templates.remove(db, found.id):
                raise Denied("topics.templates.unknown", number=number)
            event = audit.record(
                db,
                person.user_id,
                "template.removed",
                f"template:{found.id}",
                village_code=village,
                before={"title": found.title},
            )
            ack(db, event, reply, person, "topics.templates.removed", title=found.title)

    def pick(self, village: str, number: str | int) -> AnswerTemplate:
        """One of the village's templates by number, or a refusal naming the number."""
        value = number if isinstance(number, int) else parse_number(number)
        found = answer_templates.get(self.ctx.store.db, value) if value is not None else None
        if found is None or found.village_code != village:
            raise Denied("topics.templates.unknown", number=str(number)[:20])
        return found
