"""Drafting a disclosure by hand: kind, category and period, a notice's title and text (or the
one-line quick notice), its attachments, reopening a draft and marking it major (SCH-02)."""

from __future__ import annotations

from bot.core.periods import previous_quarter
from bot.core.typed_text import clean
from bot.i18n import t_plain
from bot.services.context import Context
from bot.services.disclosures import form_replies, form_state, item_access
from bot.services.disclosures.form_replies import answer_change
from bot.services.disclosures.form_state import Step
from bot.services.disclosures.publication_calendar import disclosure_period
from bot.services.people import Denied, Person, ReplyTo
from storage import audit, disclosure_rows
from storage import disclosures as store_d
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure

KINDS = ("finance", "subsidy", "notice")
TITLE_MAX = 60
BODY_MAX = 3000
ATTACHMENTS_MAX = form_replies.ATTACHMENTS_MAX


class Drafting:
    """A draft started, filled in step by step, reopened or marked major by its official."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.categories = ctx.config.disclosure.categories

    def start(self, person: Person, kind: str, reply: ReplyTo | None = None) -> Step:
        """Begin a new draft of one kind: the next step asks for its category."""
        village = item_access.official_village(person)
        if kind not in KINDS:
            raise Denied("disc.bad_kind")
        data = {"kind": kind, "village": village}
        return form_state.ask(self.ctx, person, Step("category", info={"kind": kind}), data, reply)

    def choose_category(self, person: Person, index: int, reply: ReplyTo | None = None) -> Step:
        """Record the category picked with a button; the next step asks for the period."""
        item_access.official_village(person)
        data = form_state.data_at(self.ctx.store.db, person, "category", "disc.form_expired")
        if not 0 <= index < len(self.categories):
            raise Denied("disc.form_expired")
        data = {**data, "category": self.categories[index]}
        suggested = previous_quarter(self.ctx.local_date(self.ctx.now())).text
        step = Step("period", info={"suggested": suggested})
        return form_state.ask(self.ctx, person, step, data, reply)

    def fill_in(
        self, person: Person, step: str, data: dict, text: str, reply: ReplyTo | None
    ) -> Step:
        """A period, a title or a notice's body typed at the form's current step."""
        item_access.official_village(person)
        if step == "period":
            period = disclosure_period(text)
            if period is None:
                raise Denied("disc.bad_period", text=text[:40])
            data = {**data, "period": period.text}
            next_step = "title" if data["kind"] == "notice" else "file"
            info = {"kind": data["kind"], "period": period.text}
            return form_state.ask(self.ctx, person, Step(next_step, info=info), data, reply)
        if step == "title":
            if not text or len(text) > TITLE_MAX:
                raise Denied("disc.bad_title", limit=TITLE_MAX)
            return form_state.ask(self.ctx, person, Step("body"), {**data, "title": text}, reply)
        if step == "body":
            return self._save_notice(person, data, text, reply)
        raise Denied("disc.form_expired")

    def quick_notice(self, person: Person, text: str, reply: ReplyTo | None = None) -> Step:
        """`/draft notice [类别] 标题 | 正文`: a short notice in one line, dated today (ad-hoc).

        Without a category word it goes under the last configured category (其他 by default).
        """
        village = item_access.official_village(person)
        head, sep, body = text.partition("|")
        if not sep:
            raise Denied("disc.quick_usage")
        words = head.split(maxsplit=1)
        category = self.categories[-1]
        if len(words) == 2 and words[0] in self.categories:
            category, head = words
        title = clean(head)
        if not title or len(title) > TITLE_MAX:
            raise Denied("disc.bad_title", limit=TITLE_MAX)
        data = {
            "kind": "notice",
            "village": village,
            "category": category,
            "period": self.ctx.local_date(self.ctx.now()).isoformat(),
            "title": title,
        }
        return self._save_notice(person, data, clean(body), reply)

    def _save_notice(self, person: Person, data: dict, body: str, reply: ReplyTo | None) -> Step:
        if not body or len(body) > BODY_MAX:
            raise Denied("disc.bad_body", limit=BODY_MAX)
        existing = None
        if data.get("id"):
            existing = item_access.own_draft(self.ctx.store.db, person, data["id"])
        with self.ctx.store.transaction() as db:
            if existing is not None:
                store_d.update_content(db, existing.id, body=body)
                disclosure_id = existing.id
            else:
                disclosure_id = store_d.create(
                    db,
                    village_code=data["village"],
                    kind="notice",
                    category=data["category"],
                    period=data["period"],
                    title=data["title"],
                    body=body,
                    created_by=person.user_id,
                )
            # Photos and documents sent next are attached to this draft (DESIGN §3: notice).
            form_state.save(self.ctx, db, person, "attach", {**data, "id": disclosure_id})
            event = audit.record(
                db,
                person.user_id,
                "disclosure.drafted",
                f"disclosure:{disclosure_id}",
                village_code=data["village"],
                after={"kind": "notice", "chars": len(body)},
            )
            step = Step("draft_ready", store_d.get(db, disclosure_id))
            form_state.tell(self.ctx, db, f"a{event}:answer", reply, person, step)
        return step

    def attach(
        self,
        person: Person,
        kind: str,
        file_id: str,
        name: str,
        reply: ReplyTo | None = None,
    ) -> Disclosure:
        """A photo or document sent while a notice draft is open becomes one of its attachments;
        on publication they follow the text to the village chat."""
        item_access.official_village(person)
        data = form_state.data_at(self.ctx.store.db, person, "attach", "disc.no_file_expected")
        if kind not in ("photo", "document"):
            raise Denied("disc.no_file_expected")
        d = item_access.own_draft(self.ctx.store.db, person, data["id"])
        rows = disclosure_rows.rows_of(self.ctx.store.db, d.id)
        if len(rows) >= ATTACHMENTS_MAX:
            raise Denied("disc.attach_too_many", limit=ATTACHMENTS_MAX)
        if not name:
            name = t_plain(self.ctx.default_language, "disc.photo_name", n=len(rows) + 1)
        data = {"kind": kind, "file_id": file_id, "name": name[-80:]}
        row = Row(len(rows) + 1, "attachment", data, 0, None)
        with self.ctx.store.transaction() as db:
            disclosure_rows.replace_rows(db, d.id, [*rows, row])
            event = audit.record(
                db,
                person.user_id,
                "disclosure.attached",
                f"disclosure:{d.id}",
                village_code=d.village_code,
                after={"kind": kind, "name": name, "count": len(rows) + 1},
            )
            answer_change(
                db,
                event,
                reply,
                person,
                "disc.attached_one",
                id=d.id,
                count=len(rows) + 1,
                limit=ATTACHMENTS_MAX,
            )
        return d

    def edit(self, person: Person, disclosure_id: int | str, reply: ReplyTo | None = None) -> Step:
        """Reopen a draft (e.g. after a rejection): a new file, or a new text for a notice."""
        d = item_access.own_draft(self.ctx.store.db, person, disclosure_id)
        step = form_state.new_content_step(d)
        return form_state.ask(self.ctx, person, step, form_state.data_of(d), reply)

    def toggle_major(
        self, person: Person, disclosure_id: int | str, reply: ReplyTo | None = None
    ) -> Disclosure:
        """Mark or unmark a draft as a major item (重大事项: published at once, SCH-02)."""
        d = item_access.own_draft(self.ctx.store.db, person, disclosure_id)
        with self.ctx.store.transaction() as db:
            store_d.set_major(db, d.id, not d.major)
            event = audit.record(
                db,
                person.user_id,
                "disclosure.major",
                f"disclosure:{d.id}",
                village_code=d.village_code,
                before={"major": d.major},
                after={"major": not d.major},
            )
            key = "disc.major_on" if not d.major else "disc.major_off"
            answer_change(db, event, reply, person, key)
        return store_d.get(self.ctx.store.db, d.id)
