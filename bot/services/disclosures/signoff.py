"""Sign-off: each supervisor approves or rejects (with a reason) the round in review; with
the required approvals the item is approved, and published at once when due (REV-01, SCH-02)."""

from __future__ import annotations

from sqlite_utils import Database

from bot.core.local_time import local_time
from bot.delivery.messages import Button, Text, queue
from bot.i18n import t, t_plain
from bot.services import notify
from bot.services.context import Context
from bot.services.disclosures import form_state, item_access
from bot.services.disclosures.browsing import Browsing, View
from bot.services.disclosures.form_replies import answer_change, form_key
from bot.services.disclosures.form_state import WING, Step
from bot.services.disclosures.publication_calendar import publish_due
from bot.services.disclosures.publishing import Publishing
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require
from storage import audit, disclosure_signoffs, forms, outbox
from storage import disclosures as store_d
from storage.disclosures import Disclosure

REASON_MAX = 500


class Signoff:
    """The supervisors' decisions on an item in review."""

    def __init__(self, ctx: Context, publishing: Publishing, browsing: Browsing) -> None:
        self.ctx = ctx
        self.publishing = publishing
        self.browsing = browsing
        self.settings = ctx.config.disclosure

    def awaiting_review(self, person: Person) -> list[Disclosure]:
        """What waits for this supervisor's decision (/review)."""
        require(person, "disclosure.review", village=person.village_code)
        return store_d.awaiting(self.ctx.store.db, person.village_code, person.user_id)

    def review_view(self, person: Person, disclosure_id: int | str) -> View:
        """An item in review, as its supervisor sees it."""
        d = item_access.get(self.ctx.store.db, disclosure_id)
        require(person, "disclosure.review", village=d.village_code)
        return self.browsing.view(person, d.id)

    def _check_review(self, person: Person, disclosure_id: int, round_: int) -> Disclosure:
        d = item_access.get(self.ctx.store.db, disclosure_id)
        require(person, "disclosure.review", village=d.village_code)
        # Separation of duties: nobody signs off a draft they wrote (REV-01).
        require(person, "disclosure.signoff", village=d.village_code, owner=d.created_by, id=d.id)
        if d.status != "in_review" or d.review_round != round_:
            raise Denied("disc.review_closed", id=d.id)
        if any(
            s.user_id == person.user_id
            for s in disclosure_signoffs.signoffs(self.ctx.store.db, d.id, round_)
        ):
            raise Denied("disc.already_decided", id=d.id)
        return d

    def approve(
        self, person: Person, disclosure_id: int, round_: int, reply: ReplyTo | None = None
    ) -> Disclosure:
        """One supervisor signs; with all required sign-offs the item is approved (REV-01), and
        a major item or a correction is published in the same transaction (SCH-02, SCH-07)."""
        d = self._check_review(person, disclosure_id, round_)
        with self.ctx.store.transaction() as db:
            if not disclosure_signoffs.add_signoff(
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
            self._approve_when_complete(db, d, event)
            key = {
                "approved": "disc.approve_done_all",
                "published": "disc.approve_done_published",
            }.get(store_d.get(db, d.id).status, "disc.approve_done")
            answer_change(db, event, reply, person, key, id=d.id)
        return store_d.get(self.ctx.store.db, d.id)

    def _approve_when_complete(self, db: Database, d: Disclosure, event: int) -> None:
        """With the required sign-offs, in_review → approved, its author told, and published
        at once when due; inside the signing transaction."""
        approvals = item_access.approvals(db, d)  # d.review_round is round_ (_check_review)
        supervisors = item_access.supervisors(db, d.village_code)
        if len(approvals) < item_access.required_signoffs(self.settings, len(supervisors)):
            return
        now = self.ctx.now()
        due = publish_due(
            d.period,
            major=d.major,
            correction=d.supersedes_id is not None,
            now=now,
            config=self.settings,
            tz=self.ctx.tz,
        )
        store_d.transition(db, d.id, "in_review", "approved", approved_at=now, publish_due_at=due)
        audit.record(
            db,
            None,
            "disclosure.approved",
            f"disclosure:{d.id}",
            village_code=d.village_code,
            after={"signed_by": [s.user_id for s in approvals], "publish_due_at": due.isoformat()},
        )
        notify.message(
            db,
            f"a{event}:approved",
            d.created_by,
            self.ctx.default_language,
            "disc.approved_notice",
            id=d.id,
            title=d.title,
            due=local_time(due, self.ctx.tz),
        )
        if due <= now:
            self.publishing.publish(db, store_d.get(db, d.id), now)

    def start_reject(
        self, person: Person, disclosure_id: int, round_: int, reply: ReplyTo | None = None
    ) -> Disclosure:
        """Rejecting needs a reason: the next text the supervisor sends is taken as it."""
        d = self._check_review(person, disclosure_id, round_)
        with self.ctx.store.transaction() as db:
            form_state.save(self.ctx, db, person, "reason", {"id": d.id, "round": round_})
            if reply is not None:
                key = form_key(person)
                notify.answer(db, key, reply, person.language, "disc.ask_reason", id=d.id)
        return d

    def reject(
        self, person: Person, disclosure_id: int, round_: int, reason: str, reply: ReplyTo | None
    ) -> Step:
        """The reason typed after Reject: the round is rejected and the draft back with its
        official, who is told why."""
        d = self._check_review(person, disclosure_id, round_)
        if not reason or len(reason) > REASON_MAX:
            raise Denied("disc.bad_reason", limit=REASON_MAX)
        with self.ctx.store.transaction() as db:
            disclosure_signoffs.add_signoff(
                db, d.id, round_, person.user_id, person.name, "reject", reason
            )
            store_d.transition(db, d.id, "in_review", "draft", reject_reason=reason)
            forms.delete(db, person.user_id, WING)
            event = audit.record(
                db,
                person.user_id,
                "disclosure.rejected",
                f"disclosure:{d.id}",
                village_code=d.village_code,
                after={"round": round_, "reason": reason},
            )
            language = notify.language_of(db, d.created_by, self.ctx.default_language)
            text = t(
                language,
                "disc.rejected_notice",
                id=d.id,
                title=d.title,
                name=person.name,
                reason=reason,
            )
            edit = Button(t_plain(language, "disc.edit_button"), f"dedit:{d.id}")
            owed = Text(text, ((edit,),))
            queue(db, f"a{event}:rejected", d.created_by, owed, priority=outbox.NORMAL)
            answer_change(db, event, reply, person, "disc.reject_done", id=d.id)
        return Step("rejected", store_d.get(self.ctx.store.db, d.id))
