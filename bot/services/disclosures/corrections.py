"""Corrections (SCH-07): a new version of a published item, drafted from the old one and put
through the same sign-off; it supersedes the old one when published."""

from __future__ import annotations

from bot.i18n import Term
from bot.services.context import Context
from bot.services.disclosures import form_state, item_access
from bot.services.disclosures.form_replies import answer_change
from bot.services.disclosures.form_state import Step
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require
from storage import audit, disclosure_rows
from storage import disclosures as store_d


class Corrections:
    """Starting the corrected version of a published item."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def correct(
        self, person: Person, disclosure_id: int | str, reply: ReplyTo | None = None
    ) -> Step:
        """Start a new version of a published item; it goes through the same sign-off."""
        old = item_access.get(self.ctx.store.db, disclosure_id)
        require(person, "disclosure.correct", village=old.village_code)
        if old.status != "published":
            raise Denied(
                "disc.not_correctable", id=old.id, status=Term(f"disc.status.{old.status}")
            )
        pending = store_d.open_correction(self.ctx.store.db, old.id)
        if pending is not None:
            raise Denied("disc.correction_exists", id=pending.id)
        rows = disclosure_rows.rows_of(self.ctx.store.db, old.id)
        with self.ctx.store.transaction() as db:
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
            disclosure_rows.replace_rows(db, new_id, rows)
            new = store_d.get(db, new_id)
            step = form_state.new_content_step(new)
            form_state.save(self.ctx, db, person, step.kind, form_state.data_of(new))
            event = audit.record(
                db,
                person.user_id,
                "disclosure.correction_started",
                f"disclosure:{new_id}",
                village_code=old.village_code,
                after={"supersedes": old.id, "version": old.version + 1},
            )
            answer_change(
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
                to = ReplyTo(reply.chat_id)
                form_state.tell(self.ctx, db, f"a{event}:answer:next", to, person, step)
        return step
