"""Drafting a disclosure by hand: kind, category and period, a notice's title and text (or the
one-line quick notice), its attachments, reopening a draft and marking it major (SCH-02)."""

from __future__ import annotations

from bot.core.periods import previous_quarter
from bot.i18n import t_plain
from bot.services.disclosures import answers
from bot.services.disclosures.form import DisclosureForm, Step
from bot.services.disclosures.publication_calendar import disclosure_period
from bot.services.people import Denied, Person, ReplyTo
from storage import audit, disclosure_rows
from storage import disclosures as store_d
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure

KINDS = ("finance", "subsidy", "notice")
TITLE_MAX = 60
BODY_MAX = 3000
ATTACHMENTS_MAX = answers.ATTACHMENTS_MAX


class DisclosureDrafting(DisclosureForm):
    """A draft started, filled in step by step, reopened or marked major by its official."""

    def start(self, person: Person, kind: str, reply: ReplyTo | None = None) -> Step:
        """Begin a new draft of one kind: the next step asks for its category."""
        village = self._official_village(person)
        if kind not in KINDS:
            raise Denied("disc.bad_kind")
        data = {"kind": kind, "village": village}
        return self._step(person, Step("category", info={"kind": kind}), data, reply)

    def choose_category(self, person: Person, index: int, reply: ReplyTo | None = None) -> Step:
        """Record the category picked with a button; the next step asks for the period."""
        self._official_village(person)
        data = self._form_data_at(person, "category", "disc.form_expired")
        if not 0 <= index < len(self.categories):
            raise Denied("disc.form_expired")
        data = {**data, "category": self.categories[index]}
        suggested = previous_quarter(self.now().astimezone(self.tz).date()).text
        return self._step(person, Step("period", info={"suggested": suggested}), data, reply)

    def _draft_text(
        self, person: Person, step: str, data: dict, text: str, reply: ReplyTo | None
    ) -> Step:
        """A period, a title or a notice's body typed at the form's current step."""
        self._official_village(person)
        if step == "period":
            period = disclosure_period(text)
            if period is None:
                raise Denied("disc.bad_period", text=text[:40])
            data = {**data, "period": period.text}
            next_step = "title" if data["kind"] == "notice" else "file"
            info = {"kind": data["kind"], "period": period.text}
            return self._step(person, Step(next_step, info=info), data, reply)
        if step == "title":
            if not text or len(text) > TITLE_MAX:
                raise Denied("disc.bad_title", limit=TITLE_MAX)
            return self._step(person, Step("body"), {**data, "title": text}, reply)
        if step == "body":
            return self._save_notice(person, data, text, reply)
        raise Denied("disc.form_expired")

    def quick_notice(self, person: Person, text: str, reply: ReplyTo | None = None) -> Step:
        """`/draft notice [类别] 标题 | 正文`: a short notice in one line, dated today (ad-hoc).

        Without a category word it goes under the last configured category (其他 by default).
        """
        village = self._official_village(person)
        head, sep, body = text.partition("|")
        if not sep:
            raise Denied("disc.quick_usage")
        words = head.split(maxsplit=1)
        category = self.categories[-1]
        if len(words) == 2 and words[0] in self.categories:
            category, head = words
        title = head.strip()
        if not title or len(title) > TITLE_MAX:
            raise Denied("disc.bad_title", limit=TITLE_MAX)
        data = {
            "kind": "notice",
            "village": village,
            "category": category,
            "period": self.now().astimezone(self.tz).date().isoformat(),
            "title": title,
        }
        return self._save_notice(person, data, body.strip(), reply)

    def _save_notice(self, person: Person, data: dict, body: str, reply: ReplyTo | None) -> Step:
        if not body or len(body) > BODY_MAX:
            raise Denied("disc.bad_body", limit=BODY_MAX)
        existing = self._own_draft(person, data["id"]) if data.get("id") else None
        with self.store.transaction() as db:
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
            self._save_form(db, person, "attach", {**data, "id": disclosure_id})
            event = audit.record(
                db,
                person.user_id,
                "disclosure.drafted",
                f"disclosure:{disclosure_id}",
                village_code=data["village"],
                after={"kind": "notice", "chars": len(body)},
            )
            step = Step("draft_ready", store_d.get(db, disclosure_id))
            self._tell(db, f"a{event}:answer", reply, person, step)
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
        self._official_village(person)
        data = self._form_data_at(person, "attach", "disc.no_file_expected")
        if kind not in ("photo", "document"):
            raise Denied("disc.no_file_expected")
        d = self._own_draft(person, data["id"])
        rows = disclosure_rows.rows_of(self.store.db, d.id)
        if len(rows) >= ATTACHMENTS_MAX:
            raise Denied("disc.attach_too_many", limit=ATTACHMENTS_MAX)
        if not name:
            name = t_plain(self.default_language, "disc.photo_name", n=len(rows) + 1)
        data = {"kind": kind, "file_id": file_id, "name": name[-80:]}
        row = Row(len(rows) + 1, "attachment", data, 0, None)
        with self.store.transaction() as db:
            disclosure_rows.replace_rows(db, d.id, [*rows, row])
            event = audit.record(
                db,
                person.user_id,
                "disclosure.attached",
                f"disclosure:{d.id}",
                village_code=d.village_code,
                after={"kind": kind, "name": name, "count": len(rows) + 1},
            )
            self._answer(
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
        d = self._own_draft(person, disclosure_id)
        return self._step(person, self._new_content_step(d), self._form_data(d), reply)

    def toggle_major(
        self, person: Person, disclosure_id: int | str, reply: ReplyTo | None = None
    ) -> Disclosure:
        """Mark or unmark a draft as a major item (重大事项: published at once, SCH-02)."""
        d = self._own_draft(person, disclosure_id)
        with self.store.transaction() as db:
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
            self._answer(db, event, reply, person, key)
        return store_d.get(self.store.db, d.id)
