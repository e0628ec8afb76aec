"""Corrections (SCH-07): a new version of a published item, drafted from the old one and put
through the same sign-off; it supersedes the old one when published."""

from __future__ import annotations

from bot.i18n import Term
from bot.services.disclosures.form import DisclosureForm, Step
from bot.services.people import Denied, Person, ReplyTo
from storage import audit, disclosure_rows
from storage import disclosures as store_d


class DisclosureCorrections(DisclosureForm):
    """Starting the corrected version of a published item."""

    def correct(
        self, person: Person, disclosure_id: int | str, reply: ReplyTo | None = None
    ) -> Step:
        """Start a new version of a published item; it goes through the same sign-off."""
        old = self._get(disclosure_id)
        person.require("official", old.village_code)
        if old.status != "published":
            raise Denied(
                "disc.not_correctable", id=old.id, status=Term(f"disc.status.{old.status}")
            )
        pending = store_d.open_correction(self.store.db, old.id)
        if pending is not None:
            raise Denied("disc.correction_exists", id=pending.id)
        rows = disclosure_rows.rows_of(self.store.db, old.id)
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
            disclosure_rows.replace_rows(db, new_id, rows)
            new = store_d.get(db, new_id)
            step = self._new_content_step(new)
            self._save_form(db, person, step.kind, self._form_data(new))
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
