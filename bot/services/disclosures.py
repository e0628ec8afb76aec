"""Disclosures (DESIGN §3): guided drafting and import, sign-off, scheduled publication,
corrections, the archive with filing records, browsing, search, subscriptions and exports.

Every change is one transaction with its audit event and the messages it owes (outbox), so a
handler makes one call per update and a replayed update changes nothing twice (DESIGN §7).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlite_utils import Database

from bot.config import Config
from bot.i18n import Term, t, t_plain
from bot.render import local_time, split_message
from bot.services import disclosure_answers as answers
from bot.services import disclosure_export, disclosure_render, importing, notify
from bot.services.disclosure_changes import changes as compute_changes
from bot.services.disclosure_schedule import (
    is_first_month_of_quarter,
    parse_period,
    previous_quarter,
    publish_due,
    reminder_due,
    township_alert_due,
)
from bot.services.money import format_fen
from bot.services.people import Denied, Person, ReplyTo
from storage import audit, disclosure_residents, members, outbox, users, villages
from storage import disclosures as store_d
from storage.db import Store
from storage.disclosures import Disclosure, Row
from storage.times import utcnow
from storage.villages import Village

log = logging.getLogger(__name__)

KINDS = ("finance", "subsidy", "notice")
TITLE_MAX = 60
BODY_MAX = 3000
REASON_MAX = 500
# A published table longer than this many messages goes to the chat as a file plus a summary.
CHAT_MESSAGES_MAX = 3
SEARCH_LIMIT = 10
ATTACHMENTS_MAX = answers.ATTACHMENTS_MAX


@dataclass(frozen=True, slots=True)
class Step:
    """What a form step did, for the handler to answer: ``kind`` and the item concerned."""

    kind: str
    disclosure: Disclosure | None = None
    info: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class View:
    """One disclosure as a given person may see it."""

    disclosure: Disclosure
    rows: list[Row]
    village: str
    names_full: bool
    signoffs: list[store_d.Signoff]
    filing: store_d.Filing | None


class DisclosureService:
    """Everything about disclosures; the scheduler calls ``publish_due`` and ``remind``."""

    def __init__(
        self, store: Store, config: Config, *, now: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.config = config
        self.settings = config.disclosure
        self.tz = config.township.tz
        self.now = now
        self.default_language = config.township.default_language

    # -- small helpers -----------------------------------------------------------------------

    @property
    def categories(self) -> tuple[str, ...]:
        return self.settings.categories

    def _get(self, disclosure_id: int | str) -> Disclosure:
        text = str(disclosure_id).strip().lstrip("#")
        d = store_d.get(self.store.db, int(text)) if text.isdigit() else None
        if d is None:
            raise Denied("disc.unknown", ref=str(disclosure_id))
        return d

    def _village_name(self, code: str) -> str:
        village = villages.get(self.store.db, code)
        return village.name if village else code

    def _official_village(self, person: Person) -> str:
        """The village this person drafts for (REV-05/06: the official in charge drafts)."""
        person.require("official")
        code = person.village_code
        assert code is not None
        return code

    def _own_draft(self, person: Person, disclosure_id: int | str) -> Disclosure:
        d = self._get(disclosure_id)
        if not person.has("official", d.village_code):
            raise Denied("denied.role", role=Term("roles.official"))
        if d.status != "draft":
            raise Denied("disc.not_draft", id=d.id, status=Term(f"disc.status.{d.status}"))
        return d

    def _is_office(self, person: Person, village_code: str) -> bool:
        return (
            person.is_township
            or person.has("official", village_code)
            or person.has("supervisor", village_code)
        )

    def names_full(self, person: Person, village_code: str) -> bool:
        """Full beneficiary names: the office, and verified residents of that village (§6).

        Callers only use this for private chats; the channel and the web always mask.
        """
        if self._is_office(person, village_code):
            return True
        return any(
            m.role == "resident" and m.village_code == village_code and m.verified
            for m in person.roles
        )

    def _supervisors(self, db, village_code: str) -> list[members.Member]:
        return [m for m in members.of_village(db, village_code) if m.role == "supervisor"]

    def _required(self, supervisors: int) -> int:
        """Sign-offs needed (REV-01: by default every supervisor of the village)."""
        rule = self.settings.required_signoffs
        return supervisors if rule == "all" else int(rule)

    # -- answers owed (DESIGN §7: queued in the change's own transaction) --------------------

    @staticmethod
    def _form_key(person: Person) -> str:
        """A fresh key for the answer to a form step, which has no audit event of its own; the
        step commits together with its update's "done" mark, so it is never replayed."""
        return f"form:{person.user_id}:{uuid.uuid4().hex}"

    @staticmethod
    def _answer(
        db, event: int, reply: ReplyTo | None, person: Person, key: str, /, **params: object
    ) -> None:
        """Queue the answer to a change under its audit event's key (when one is owed)."""
        if reply is not None:
            notify.answer(db, f"a{event}:answer", reply, person.language, key, **params)

    def _tell(self, db, key: str, reply: ReplyTo | None, person: Person, step: Step) -> None:
        """Queue the answer to a form step: its next question, or the saved draft."""
        if reply is None:
            return
        language = person.language
        if step.kind == "draft_ready":
            d = store_d.get(db, step.disclosure.id)
            lines, buttons = answers.draft(
                language,
                d,
                store_d.rows_of(db, d.id),
                village=self._village_name(d.village_code),
                tz=self.tz,
                info=step.info,
            )
        else:
            lines, buttons = answers.question(language, step.kind, step.info, self.categories)
        answers.queue(db, key, reply, lines, buttons)

    # -- guided form -------------------------------------------------------------------------

    def form(self, user_id: int) -> tuple[str, dict] | None:
        """A person's form in progress."""
        return store_d.form(self.store.db, user_id)

    def _form_at(self, user_id: int, *steps: str) -> bool:
        current = self.form(user_id)
        return current is not None and current[0] in steps

    def expects_text(self, user_id: int) -> bool:
        """Whether the person's next plain text belongs to a disclosure form step."""
        return self._form_at(user_id, "period", "title", "body", "reason")

    def expects_file(self, user_id: int) -> bool:
        """Whether the person's next document is an import for a disclosure form."""
        return self._form_at(user_id, "file")

    def expects_attachment(self, user_id: int) -> bool:
        """Whether the person's next photo or document is an attachment to a notice draft."""
        return self._form_at(user_id, "attach")

    @staticmethod
    def _form_data(d: Disclosure) -> dict:
        """Form progress that works on an existing draft (edit, correction)."""
        return {
            "kind": d.kind,
            "village": d.village_code,
            "category": d.category,
            "period": d.period,
            "title": d.title,
            "id": d.id,
        }

    def _step(self, person: Person, step: Step, data: dict, reply: ReplyTo | None) -> Step:
        """Save the form's next step and queue its question, in one transaction."""
        with self.store.transaction() as db:
            store_d.set_form(db, person.user_id, step.kind, data)
            self._tell(db, self._form_key(person), reply, person, step)
        return step

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
        current = self.form(person.user_id)
        if current is None or current[0] != "category":
            raise Denied("disc.form_expired")
        if not 0 <= index < len(self.categories):
            raise Denied("disc.form_expired")
        data = {**current[1], "category": self.categories[index]}
        suggested = previous_quarter(self.now().astimezone(self.tz).date())
        return self._step(person, Step("period", info={"suggested": suggested}), data, reply)

    def handle_text(self, person: Person, text: str, reply: ReplyTo | None = None) -> Step:
        """The typed answer to the current step: a period, a title, a body, a rejection reason."""
        current = self.form(person.user_id)
        if current is None:
            raise Denied("disc.form_expired")
        step, data = current
        text = text.strip()
        if step == "reason":
            return self._reject(person, int(data["id"]), int(data["round"]), text, reply)
        self._official_village(person)
        if step == "period":
            period = parse_period(text)
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
            store_d.set_form(db, person.user_id, "attach", {**data, "id": disclosure_id})
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
        current = self.form(person.user_id)
        if current is None or current[0] != "attach":
            raise Denied("disc.no_file_expected")
        if kind not in ("photo", "document"):
            raise Denied("disc.no_file_expected")
        d = self._own_draft(person, current[1]["id"])
        rows = store_d.rows_of(self.store.db, d.id)
        if len(rows) >= ATTACHMENTS_MAX:
            raise Denied("disc.attach_too_many", limit=ATTACHMENTS_MAX)
        if not name:
            name = t_plain(self.default_language, "disc.photo_name", n=len(rows) + 1)
        data = {"kind": kind, "file_id": file_id, "name": name[-80:]}
        row = Row(len(rows) + 1, "attachment", data, 0, None)
        with self.store.transaction() as db:
            store_d.replace_rows(db, d.id, [*rows, row])
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

    def check_upload(self, person: Person, size: int | None) -> None:
        """Refuse a file before downloading it: no form waiting for one, or too big."""
        self._official_village(person)
        if not self.expects_file(person.user_id):
            raise Denied("disc.no_file_expected")
        if size is not None and size > self.settings.max_import_bytes:
            raise importing.ImportRejected(
                [
                    importing.Problem(
                        None,
                        None,
                        "imp.too_big",
                        {
                            "size": importing._kb(size),
                            "limit": importing._kb(self.settings.max_import_bytes),
                        },
                    )
                ]
            )

    def import_file(
        self, person: Person, filename: str, content: bytes, reply: ReplyTo | None = None
    ) -> Step:
        """Import a ledger or beneficiary list into the draft (new, or replacing its rows).

        Raises ImportRejected with every problem by row and column; nothing is saved then.
        """
        village = self._official_village(person)
        current = self.form(person.user_id)
        if current is None or current[0] != "file":
            raise Denied("disc.no_file_expected")
        data = current[1]
        table = importing.read_table(
            filename,
            content,
            max_rows=self.settings.max_import_rows,
            max_bytes=self.settings.max_import_bytes,
        )
        kind = data["kind"]
        opening = closing = None
        ignored: list[str]
        masked = 0
        if kind == "finance":
            sheet = importing.parse_finance(table)
            rows, opening, closing, ignored = (
                sheet.rows,
                sheet.opening_fen,
                sheet.closing_fen,
                sheet.ignored_columns,
            )
        else:
            subsidy = importing.parse_subsidy(table)
            rows, ignored, masked = subsidy.rows, subsidy.ignored_columns, subsidy.masked
        name = filename[-80:]
        with self.store.transaction() as db:
            if data.get("id"):
                d = self._own_draft(person, data["id"])
                disclosure_id = d.id
                store_d.update_content(
                    db, d.id, opening_fen=opening, closing_fen=closing, source_name=name
                )
            else:
                title_key = "财务收支公开" if kind == "finance" else "公示"
                title = f"{self._village_name(village)}{data['period']}{data['category']}"
                if kind == "finance":
                    title = f"{self._village_name(village)}{data['period']}{title_key}"
                disclosure_id = store_d.create(
                    db,
                    village_code=village,
                    kind=kind,
                    category=data["category"],
                    period=data["period"],
                    title=title,
                    body="",
                    created_by=person.user_id,
                    opening_fen=opening,
                    closing_fen=closing,
                    source_name=name,
                )
                store_d.set_form(db, person.user_id, "file", {**data, "id": disclosure_id})
            store_d.replace_rows(db, disclosure_id, rows)
            event = audit.record(
                db,
                person.user_id,
                "disclosure.imported",
                f"disclosure:{disclosure_id}",
                village_code=village,
                after={"file": name, "rows": len(rows), "masked": masked},
            )
            info = {"rows": len(rows), "masked": masked, "ignored": ignored}
            step = Step("draft_ready", store_d.get(db, disclosure_id), info)
            self._tell(db, f"a{event}:answer", reply, person, step)
        return step

    def edit(self, person: Person, disclosure_id: int | str, reply: ReplyTo | None = None) -> Step:
        """Reopen a draft (e.g. after a rejection): a new file, or a new text for a notice."""
        d = self._own_draft(person, disclosure_id)
        step = Step(
            "body" if d.kind == "notice" else "file", d, {"kind": d.kind, "period": d.period}
        )
        return self._step(person, step, self._form_data(d), reply)

    def cancel_draft(self, person: Person, reply: ReplyTo | None = None) -> bool:
        """Drop the person's disclosure form in progress (drafts already saved stay); /cancel."""
        if self.form(person.user_id) is None:
            return False
        with self.store.transaction() as db:
            if not store_d.clear_form(db, person.user_id):
                return False
            if reply is not None:
                notify.answer(
                    db, self._form_key(person), reply, person.language, "common.cancelled"
                )
        return True

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

    # -- review and sign-off -----------------------------------------------------------------

    def balance_difference(self, d: Disclosure, rows: list[Row]) -> int:
        """Stated minus computed closing balance of a ledger (0 for other kinds)."""
        if d.kind != "finance":
            return 0
        return importing.balance_difference(
            d.opening_fen or 0,
            [r.amount_fen for r in rows if r.section == "income"],
            [r.amount_fen for r in rows if r.section == "expense"],
            d.closing_fen or 0,
        )

    def submit(
        self, person: Person, disclosure_id: int | str, reply: ReplyTo | None = None
    ) -> Disclosure:
        """Send a draft to the village's supervision committee (draft → in_review)."""
        d = self._own_draft(person, disclosure_id)
        db = self.store.db
        rows = store_d.rows_of(db, d.id)
        if d.kind in ("finance", "subsidy") and not rows:
            raise Denied("disc.no_rows")  # FLD-06: no submission without its content
        difference = self.balance_difference(d, rows)
        if difference:
            computed = (d.closing_fen or 0) - difference
            raise Denied(
                "disc.submit_unbalanced",
                stated=_fen(d.closing_fen or 0),
                computed=_fen(computed),
                difference=_fen(difference, sign=True),
            )
        supervisors = self._supervisors(db, d.village_code)
        if not supervisors or len(supervisors) < self._required(len(supervisors)):
            raise Denied("disc.no_supervisors", needed=self._required(len(supervisors)) or 1)
        hospitality = importing.hospitality_rows(rows) if d.kind == "finance" else []
        village = self._village_name(d.village_code)
        with self.store.transaction() as db:
            round_ = d.review_round + 1
            if not store_d.transition(
                db,
                d.id,
                "draft",
                "in_review",
                review_round=round_,
                submitted_at=self.now(),
                reject_reason=None,
            ):
                raise Denied("disc.not_draft", id=d.id, status=Term("disc.status.in_review"))
            current = self.form(person.user_id)
            if current and current[1].get("id") == d.id:
                store_d.clear_form(db, person.user_id)
            event = audit.record(
                db,
                person.user_id,
                "disclosure.submitted",
                f"disclosure:{d.id}",
                village_code=d.village_code,
                after={"round": round_, "supervisors": [s.user_id for s in supervisors]},
            )
            submitted = store_d.get(db, d.id)
            for s in supervisors:
                self._queue_review(
                    db,
                    f"a{event}:review:{s.user_id}",
                    s.user_id,
                    submitted,
                    rows,
                    village,
                    hospitality,
                )
            self._answer(db, event, reply, person, "disc.submitted", id=d.id, round=round_)
        return store_d.get(self.store.db, d.id)

    def _queue_review(
        self,
        db,
        key: str,
        user_id: int,
        d: Disclosure,
        rows: list[Row],
        village: str,
        hospitality: list[Row],
    ) -> None:
        """A supervisor's review request: the rendered item and Approve / Reject buttons."""
        language = notify.language_of(db, user_id, self.default_language)
        lines = [t(language, "disc.review_request", village=village)]
        lines += disclosure_render.lines(
            language, d, rows, village=village, names_full=True, tz=self.tz
        )
        for r in hospitality:  # CAT-11: hospitality expected 0
            lines.append(
                t(
                    language,
                    "disc.hospitality_flag",
                    account=r.data.get("account", ""),
                    amount=_fen(r.amount_fen),
                )
            )
        parts = split_message(lines)
        markup = {
            "inline_keyboard": [
                [
                    {
                        "text": t_plain(language, "disc.approve"),
                        "callback_data": f"dapp:{d.id}:{d.review_round}",
                    },
                    {
                        "text": t_plain(language, "disc.reject"),
                        "callback_data": f"drej:{d.id}:{d.review_round}",
                    },
                ]
            ]
        }
        # The supervisor signs what will be published: the attachments too, ahead of the text.
        self._queue_attachments(db, key, user_id, d, rows, language, outbox.NORMAL)
        for i, part in enumerate(parts):
            payload = {"chat_id": user_id, "text": part, "parse_mode": "HTML"}
            if i == len(parts) - 1:
                payload["reply_markup"] = markup
            outbox.enqueue(db, f"{key}:{i}", user_id, "sendMessage", payload)

    def _queue_attachments(
        self, db, key: str, chat_id: int, d: Disclosure, rows: list[Row], language: str, priority
    ) -> None:
        """A notice's photos and documents, re-sent by file_id (sendPhoto / sendDocument)."""
        attachments = [r for r in rows if r.section == "attachment"]
        for i, r in enumerate(attachments, 1):
            kind = r.data["kind"]
            caption = t(language, "disc.attachment_caption", id=d.id, n=i, count=len(attachments))
            outbox.enqueue(
                db,
                f"{key}:att:{i}",
                chat_id,
                "sendPhoto" if kind == "photo" else "sendDocument",
                {
                    "chat_id": chat_id,
                    kind: r.data["file_id"],
                    "caption": caption,
                    "parse_mode": "HTML",
                },
                priority=priority,
            )

    def awaiting_review(self, person: Person) -> list[Disclosure]:
        """What waits for this supervisor's decision (/review)."""
        person.require("supervisor")
        return store_d.awaiting(self.store.db, person.village_code, person.user_id)

    def review_view(self, person: Person, disclosure_id: int | str) -> View:
        """An item in review, as its supervisor sees it."""
        d = self._get(disclosure_id)
        person.require("supervisor", d.village_code)
        return self.view(person, d.id)

    def _check_review(self, person: Person, disclosure_id: int, round_: int) -> Disclosure:
        d = self._get(disclosure_id)
        person.require("supervisor", d.village_code)
        if d.status != "in_review" or d.review_round != round_:
            raise Denied("disc.review_closed", id=d.id)
        if any(s.user_id == person.user_id for s in store_d.signoffs(self.store.db, d.id, round_)):
            raise Denied("disc.already_decided", id=d.id)
        return d

    def approve(
        self, person: Person, disclosure_id: int, round_: int, reply: ReplyTo | None = None
    ) -> Disclosure:
        """One supervisor signs; with all required sign-offs the item is approved (REV-01), and
        a major item or a correction is published in the same transaction (SCH-02, SCH-07)."""
        d = self._check_review(person, disclosure_id, round_)
        now = self.now()
        with self.store.transaction() as db:
            if not store_d.add_signoff(
                db, d.id, round_, person.user_id, person.name, "approve", None
            ):
                raise Denied("disc.already_decided", id=d.id)
            event = audit.record(
                db,
                person.user_id,
                "disclosure.signed",
                f"disclosure:{d.id}",
                village_code=d.village_code,
                after={"round": round_, "decision": "approve"},
            )
            approvals = [s for s in store_d.signoffs(db, d.id, round_) if s.decision == "approve"]
            supervisors = self._supervisors(db, d.village_code)
            needed = self._required(len(supervisors))
            if len(approvals) >= needed:
                due = publish_due(
                    d.period,
                    major=d.major,
                    correction=d.supersedes_id is not None,
                    now=now,
                    config=self.settings,
                    tz=self.tz,
                )
                store_d.transition(
                    db, d.id, "in_review", "approved", approved_at=now, publish_due_at=due
                )
                audit.record(
                    db,
                    None,
                    "disclosure.approved",
                    f"disclosure:{d.id}",
                    village_code=d.village_code,
                    after={
                        "signed_by": [s.user_id for s in approvals],
                        "publish_due_at": due.isoformat(),
                    },
                )
                notify.message(
                    db,
                    f"a{event}:approved",
                    d.created_by,
                    self.default_language,
                    "disc.approved_notice",
                    id=d.id,
                    title=d.title,
                    due=local_time(due, self.tz),
                )
                if due <= now:
                    self._publish(db, store_d.get(db, d.id), now)
            key = {
                "approved": "disc.approve_done_all",
                "published": "disc.approve_done_published",
            }.get(store_d.get(db, d.id).status, "disc.approve_done")
            self._answer(db, event, reply, person, key, id=d.id)
        return store_d.get(self.store.db, d.id)

    def start_reject(
        self, person: Person, disclosure_id: int, round_: int, reply: ReplyTo | None = None
    ) -> Disclosure:
        """Rejecting needs a reason: the next text the supervisor sends is taken as it."""
        d = self._check_review(person, disclosure_id, round_)
        with self.store.transaction() as db:
            store_d.set_form(db, person.user_id, "reason", {"id": d.id, "round": round_})
            if reply is not None:
                key = self._form_key(person)
                notify.answer(db, key, reply, person.language, "disc.ask_reason", id=d.id)
        return d

    def _reject(
        self, person: Person, disclosure_id: int, round_: int, reason: str, reply: ReplyTo | None
    ) -> Step:
        d = self._check_review(person, disclosure_id, round_)
        if not reason or len(reason) > REASON_MAX:
            raise Denied("disc.bad_reason", limit=REASON_MAX)
        with self.store.transaction() as db:
            store_d.add_signoff(db, d.id, round_, person.user_id, person.name, "reject", reason)
            store_d.transition(db, d.id, "in_review", "draft", reject_reason=reason)
            store_d.clear_form(db, person.user_id)
            event = audit.record(
                db,
                person.user_id,
                "disclosure.rejected",
                f"disclosure:{d.id}",
                village_code=d.village_code,
                after={"round": round_, "reason": reason},
            )
            language = notify.language_of(db, d.created_by, self.default_language)
            outbox.enqueue(
                db,
                f"a{event}:rejected",
                d.created_by,
                "sendMessage",
                {
                    "chat_id": d.created_by,
                    "text": t(
                        language,
                        "disc.rejected_notice",
                        id=d.id,
                        title=d.title,
                        name=person.name,
                        reason=reason,
                    ),
                    "parse_mode": "HTML",
                    "reply_markup": {
                        "inline_keyboard": [
                            [
                                {
                                    "text": t_plain(language, "disc.edit_button"),
                                    "callback_data": f"dedit:{d.id}",
                                }
                            ]
                        ]
                    },
                },
            )
            self._answer(db, event, reply, person, "disc.reject_done", id=d.id)
        return Step("rejected", store_d.get(self.store.db, d.id))

    # -- publication (SCH-01, SCH-02, ARC-01) ------------------------------------------------

    def publish_due(self, now: datetime) -> int:
        """Scheduler job: publish every approved item whose time has come; each exactly once."""
        published = 0
        for d in store_d.due_for_publication(self.store.db, now):
            with self.store.transaction() as db:
                fresh = store_d.get(db, d.id)
                if (
                    fresh is not None
                    and fresh.status == "approved"
                    and self._publish(db, fresh, now)
                ):
                    published += 1
        return published

    def _publish(self, db, d: Disclosure, now: datetime) -> bool:
        """approved → published, with the filing record, search index and every message owed.

        Runs inside the caller's transaction; the guarded transition makes it happen once.
        """
        rows = store_d.rows_of(db, d.id)
        change_list = None
        old = store_d.get(db, d.supersedes_id) if d.supersedes_id else None
        if old is not None:
            change_list = compute_changes(old, store_d.rows_of(db, old.id), d, rows)
        fields: dict = {"published_at": now}
        if change_list is not None:
            fields["changes"] = change_list
        if not store_d.transition(db, d.id, "approved", "published", **fields):
            return False
        if old is not None:
            store_d.transition(db, old.id, "published", "superseded", superseded_by_id=d.id)
            audit.record(
                db,
                None,
                "disclosure.superseded",
                f"disclosure:{old.id}",
                village_code=old.village_code,
                after={"superseded_by": d.id},
            )
        signoffs = [
            s for s in store_d.signoffs(db, d.id, d.review_round) if s.decision == "approve"
        ]
        author = users.get(db, d.created_by)
        checksum = content_checksum(d, rows)
        store_d.add_filing(
            db,
            d.id,
            d.village_code,
            d.created_by,
            author.display_name if author else str(d.created_by),
            [{"user_id": s.user_id, "name": s.name, "at": s.at.isoformat()} for s in signoffs],
            now,
            checksum,
        )
        store_d.index(db, d.id, d.title, d.body, disclosure_render.rows_text(d, rows))
        audit.record(
            db,
            None,
            "disclosure.published",
            f"disclosure:{d.id}",
            village_code=d.village_code,
            after={"checksum": checksum, "version": d.version, "supersedes": d.supersedes_id},
        )
        published = store_d.get(db, d.id)
        self._announce(db, published, rows, signoffs, store_d.filing(db, d.id))
        return True

    def _announce(self, db, d: Disclosure, rows: list[Row], signoffs, filing) -> None:
        """Queue the village chat post, the subscribers' notices and the author's notice."""
        village = villages.get(db, d.village_code)
        name = village.name if village else d.village_code
        language = self.default_language
        if village is not None and village.chat_id:
            lines = disclosure_render.lines(
                language,
                d,
                rows,
                village=name,
                names_full=False,
                tz=self.tz,
                signoffs=signoffs,
                filing=filing,
            )
            parts = split_message(lines)
            key = f"publish:{d.id}:chat"
            if len(parts) <= CHAT_MESSAGES_MAX:
                for i, part in enumerate(parts):
                    outbox.enqueue(
                        db,
                        f"{key}:{i}",
                        village.chat_id,
                        "sendMessage",
                        {"chat_id": village.chat_id, "text": part, "parse_mode": "HTML"},
                        priority=outbox.BULK,
                    )
            else:
                summary = [disclosure_render.header(language, d, name)]
                summary.append(t(language, "disc.attached", rows=len(rows)))
                if d.kind == "finance":
                    summary += disclosure_render.finance_lines(language, d, [])[:1]
                outbox.enqueue(
                    db,
                    f"{key}:0",
                    village.chat_id,
                    "sendMessage",
                    {"chat_id": village.chat_id, "text": "\n".join(summary), "parse_mode": "HTML"},
                    priority=outbox.BULK,
                )
                content = disclosure_export.to_xlsx(
                    [
                        (
                            d.category.replace("/", "-"),
                            disclosure_export.table(d, rows, names_full=False),
                        )
                    ]
                )
                outbox.enqueue(
                    db,
                    f"{key}:file",
                    village.chat_id,
                    "sendDocument",
                    {
                        "chat_id": village.chat_id,
                        "document": {
                            "filename": f"{d.period}-{d.id}.xlsx",
                            "content_hex": content.hex(),
                        },
                        "caption": t(language, "disc.file_caption", id=d.id, title=d.title),
                        "parse_mode": "HTML",
                    },
                    priority=outbox.BULK,
                )
            self._queue_attachments(db, key, village.chat_id, d, rows, language, outbox.BULK)
        for user_id in store_d.subscribers(db, d.village_code, d.category):
            notify.message(
                db,
                f"publish:{d.id}:sub:{user_id}",
                user_id,
                self.default_language,
                "disc.subscriber_notice",
                id=d.id,
                title=d.title,
                village=name,
                category=d.category,
                priority=outbox.BULK,
            )
        notify.message(
            db,
            f"publish:{d.id}:author",
            d.created_by,
            self.default_language,
            "disc.published_notice",
            id=d.id,
            title=d.title,
        )

    # -- reminders and township alerts (SCH-01, SCH-09) --------------------------------------

    def late_villages(self, local_day: date) -> list[Village]:
        """Villages that missed last quarter's publication deadline, as of a local day (SCH-09)."""
        if is_first_month_of_quarter(local_day) and local_day.day <= self.settings.deadline_day:
            return []
        period = previous_quarter(local_day)
        db = self.store.db
        published = ("published", "superseded")
        return [
            v
            for v in villages.all_active(db)
            if not store_d.has_item_for_period(db, v.code, period, published)
        ]

    def digest_lines(self, db: Database, local_day: date) -> list[tuple[str, dict]]:
        """The township digest's line on villages late with their quarterly disclosure."""
        late = self.late_villages(local_day)
        if not late:
            return []
        names = "、".join(v.name for v in late)
        period = previous_quarter(local_day)
        return [("disc.digest_late", {"period": period, "villages": names, "count": len(late)})]

    def remind(self, now: datetime) -> int:
        """Scheduler job: reminders on the configured days, township alert after the deadline.

        Each notice is claimed by a unique key in the same transaction that queues it, so a
        restart or a second tick never sends it twice, and a day missed is caught up once.
        """
        local = now.astimezone(self.tz).date()
        period = previous_quarter(local)
        queued = 0
        day = reminder_due(local, self.settings)
        db = self.store.db
        if day is not None:
            for village in villages.all_active(db):
                if store_d.has_item_for_period(
                    db, village.code, period, ("approved", "published", "superseded")
                ):
                    continue
                key = f"remind:{village.code}:{period}:d{day}"
                with self.store.transaction() as tx:
                    if not store_d.claim_reminder(tx, key):
                        continue
                    for m in members.of_village(tx, village.code):
                        if m.role in ("official", "supervisor"):
                            notify.message(
                                tx,
                                f"{key}:{m.user_id}",
                                m.user_id,
                                self.default_language,
                                f"disc.reminder_{m.role}",
                                village=village.name,
                                period=period,
                                day=self.settings.publish_day,
                                deadline=self.settings.deadline_day,
                            )
                            queued += 1
        if township_alert_due(local, self.settings):
            late = self.late_villages(local)
            key = f"late:{period}"
            if late:
                with self.store.transaction() as tx:
                    if store_d.claim_reminder(tx, key):
                        for v in late:
                            audit.record(
                                tx,
                                None,
                                "disclosure.late",
                                f"village:{v.code}",
                                village_code=v.code,
                                after={"period": period},
                            )
                        names = "、".join(v.name for v in late)
                        for m in members.township_staff(tx):
                            notify.message(
                                tx,
                                f"{key}:{m.user_id}",
                                m.user_id,
                                self.default_language,
                                "disc.township_late",
                                period=period,
                                villages=names,
                                count=len(late),
                                deadline=self.settings.deadline_day,
                            )
                            queued += 1
        return queued

    # -- corrections (SCH-07) ----------------------------------------------------------------

    def correct(
        self, person: Person, disclosure_id: int | str, reply: ReplyTo | None = None
    ) -> Step:
        """Start a new version of a published item; it goes through the same sign-off."""
        old = self._get(disclosure_id)
        if not person.has("official", old.village_code):
            raise Denied("denied.role", role=Term("roles.official"))
        if old.status != "published":
            raise Denied(
                "disc.not_correctable", id=old.id, status=Term(f"disc.status.{old.status}")
            )
        pending = store_d.open_correction(self.store.db, old.id)
        if pending is not None:
            raise Denied("disc.correction_exists", id=pending.id)
        rows = store_d.rows_of(self.store.db, old.id)
        with self.store.transaction() as db:
            new_id = store_d.create(
                db,
                village_code=old.village_code,
                kind=old.kind,
                category=old.category,
                period=old.period,
                title=old.title,
                body=old.body,
                created_by=person.user_id,
                major=old.major,
                version=old.version + 1,
                root_id=old.root_id,
                supersedes_id=old.id,
                opening_fen=old.opening_fen,
                closing_fen=old.closing_fen,
                source_name=old.source_name,
            )
            store_d.replace_rows(db, new_id, rows)
            new = store_d.get(db, new_id)
            step = Step(
                "body" if old.kind == "notice" else "file",
                new,
                {"kind": old.kind, "period": old.period},
            )
            store_d.set_form(db, person.user_id, step.kind, self._form_data(new))
            event = audit.record(
                db,
                person.user_id,
                "disclosure.correction_started",
                f"disclosure:{new_id}",
                village_code=old.village_code,
                after={"supersedes": old.id, "version": old.version + 1},
            )
            self._answer(
                db,
                event,
                reply,
                person,
                "disc.correct_started",
                id=new_id,
                old=old.id,
                version=new.version,
            )
            if reply is not None:  # then the form's first question, as its own message
                self._tell(db, f"a{event}:answer:next", ReplyTo(reply.chat_id), person, step)
        return step

    # -- reading: view, browse, search -------------------------------------------------------

    def view(self, person: Person, disclosure_id: int | str) -> View:
        """One item: published versions for anyone; unpublished ones for the office only."""
        d = self._get(disclosure_id)
        if not d.is_public and not self._is_office(person, d.village_code):
            raise Denied("disc.unknown", ref=str(disclosure_id))
        db = self.store.db
        signoffs = [
            s for s in store_d.signoffs(db, d.id, d.review_round) if s.decision == "approve"
        ]
        return View(
            d,
            store_d.rows_of(db, d.id),
            self._village_name(d.village_code),
            self.names_full(person, d.village_code),
            signoffs if d.is_public else [],
            store_d.filing(db, d.id),
        )

    def browse(
        self, person: Person, words: list[str]
    ) -> tuple[str | None, list[Disclosure], list[Disclosure]]:
        """Published items (and, for the office, the open ones) by village, category, period.

        ``words`` may hold a village code (township), a category and a period in any order.
        """
        village_code = person.village_code
        category = period = None
        for word in words:
            if word in self.categories:
                category = word
            elif (p := parse_period(word)) is not None:
                period = p.text
            elif person.is_township and villages.get(self.store.db, word.lower()):
                village_code = word.lower()
            elif word.isdigit() and 1 <= int(word) <= len(self.categories):
                category = self.categories[int(word) - 1]
            else:
                raise Denied("disc.browse_usage")
        db = self.store.db
        public = store_d.of_village(
            db, village_code, ("published", "superseded"), category=category, period=period
        )
        open_items: list[Disclosure] = []
        if village_code and self._is_office(person, village_code) and not person.is_township:
            open_items = store_d.of_village(
                db, village_code, store_d.OPEN_STATUSES, category=category, period=period
            )
        return village_code, public, open_items

    def search(self, person: Person, text: str) -> list[Disclosure]:
        """Published items matching every word (Chinese substrings match: ARC-10)."""
        terms = [w for w in text.replace("，", " ").replace(",", " ").split() if w][:5]
        if not terms:
            raise Denied("disc.search_usage")
        village = None if person.is_township else person.village_code
        ids = store_d.search(self.store.db, terms, village, SEARCH_LIMIT)
        return [d for d in (store_d.get(self.store.db, i) for i in ids) if d is not None]

    # -- subscriptions -----------------------------------------------------------------------

    def subscriptions(self, person: Person) -> list[str]:
        """The categories the person follows ('*' = all)."""
        return store_d.subscriptions_of(self.store.db, person.user_id)

    def toggle_subscription(
        self, person: Person, category: str, reply: ReplyTo | None = None
    ) -> bool:
        """Follow or stop following a category of one's village; True when now following."""
        village = person.village_code
        if village is None:
            raise Denied("disc.subscribe_join_first")
        if category != "*" and category not in self.categories:
            raise Denied("disc.unknown_category", category=category)
        following = category in self.subscriptions(person)
        with self.store.transaction() as db:
            if following:
                store_d.unsubscribe(db, person.user_id, village, category)
            else:
                store_d.subscribe(db, person.user_id, village, category)
            event = audit.record(
                db,
                person.user_id,
                "disclosure.subscription",
                f"user:{person.user_id}",
                village_code=village,
                after={"category": category, "following": not following},
            )
            name = category
            if category == "*":
                name = t_plain(person.language, "disc.all_categories")
            key = "disc.unsubscribed" if following else "disc.subscribed"
            self._answer(db, event, reply, person, key, category=name)
        return not following

    # -- verified residents (DESIGN §2) ------------------------------------------------------

    def verify(
        self,
        person: Person,
        member_ref: str,
        verified: bool = True,
        reply: ReplyTo | None = None,
    ) -> members.Member:
        """An official marks a resident of their village as verified (checked in person)."""
        village = self._official_village(person)
        ref = member_ref.strip().lstrip("#")
        member = members.get(self.store.db, int(ref)) if ref.isdigit() else None
        if member is None or member.village_code != village or member.role != "resident":
            raise Denied("disc.verify_unknown", ref=member_ref)
        with self.store.transaction() as db:
            disclosure_residents.set_verified(db, member.id, verified)
            event = audit.record(
                db,
                person.user_id,
                "member.verified",
                f"member:{member.id}",
                village_code=village,
                before={"verified": member.verified},
                after={"verified": verified},
            )
            self._answer(
                db,
                event,
                reply,
                person,
                "disc.verified" if verified else "disc.unverified",
                id=member.id,
                name=member.display_name,
            )
        return members.get(self.store.db, member.id)

    # -- files -------------------------------------------------------------------------------

    def template(self, kind: str) -> tuple[str, bytes]:
        """The file to fill in for a ledger or a beneficiary list."""
        return disclosure_export.template("finance" if kind == "finance" else "subsidy")

    def export(self, person: Person, disclosure_id: int | str, fmt: str) -> tuple[str, bytes]:
        """One disclosure as CSV or XLSX (masked as the person may see it)."""
        view = self.view(person, disclosure_id)
        d = view.disclosure
        table = disclosure_export.table(d, view.rows, names_full=view.names_full)
        base = f"{view.village}-{d.period}-{d.id}-v{d.version}"
        if fmt == "csv":
            return f"{base}.csv", disclosure_export.to_csv(table)
        return f"{base}.xlsx", disclosure_export.to_xlsx([(d.category.replace("/", "-"), table)])

    def export_year(self, person: Person, year: int, village_code: str | None) -> tuple[str, bytes]:
        """Township staff: a village's or every village's published disclosures of a year."""
        person.require("township")
        db = self.store.db
        if village_code is not None:
            village_code = village_code.lower()
            if villages.get(db, village_code) is None:
                raise Denied("village.unknown", code=village_code)
        items = []
        for d in store_d.published_in_year(db, year, village_code):
            filing = store_d.filing(db, d.id)
            items.append(
                (
                    d,
                    self._village_name(d.village_code),
                    store_d.rows_of(db, d.id),
                    filing.checksum if filing else "",
                )
            )
        if not items:
            raise Denied("disc.export_empty", year=year)
        name = f"村务公开-{year}-{village_code or 'all'}.xlsx"
        return name, disclosure_export.year_archive(items)


def content_checksum(d: Disclosure, rows: list[Row]) -> str:
    """SHA-256 of the published content, canonical JSON (ARC-01 filing, SEC-11 tamper check)."""
    content = {
        "village": d.village_code,
        "kind": d.kind,
        "category": d.category,
        "period": d.period,
        "title": d.title,
        "body": d.body,
        "version": d.version,
        "supersedes": d.supersedes_id,
        "opening_fen": d.opening_fen,
        "closing_fen": d.closing_fen,
        "rows": [[r.section, r.data, r.amount_fen, r.ytd_fen] for r in rows],
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _fen(fen: int, *, sign: bool = False) -> str:
    return format_fen(fen, sign=sign)
