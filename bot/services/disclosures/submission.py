"""Submission for review: a draft's checks (content, balance, supervisors), then draft →
in_review with a review request to every supervisor of the village (REV-01, FLD-06)."""

from __future__ import annotations

from bot.core.village_names import village_name
from bot.delivery.messages import Button, Text, queue
from bot.i18n import Term, t, t_plain
from bot.services import notify
from bot.services.context import Context
from bot.services.disclosures import disclosure_text, form_state, item_access, preview_table
from bot.services.disclosures.finance_ledger import balance_difference, hospitality_rows
from bot.services.disclosures.form_replies import answer_change
from bot.services.disclosures.form_state import WING
from bot.services.disclosures.publishing import queue_attachments
from bot.services.money import format_fen
from bot.services.people import Denied, Person, ReplyTo
from storage import audit, disclosure_rows, forms, members, outbox
from storage import disclosures as store_d
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure


def _ledger_difference(d: Disclosure, rows: list[Row]) -> int:
    """Stated minus computed closing balance of a ledger (0 for other kinds)."""
    if d.kind != "finance":
        return 0
    return balance_difference(
        d.opening_fen or 0,
        [r.amount_fen for r in rows if r.section == "income"],
        [r.amount_fen for r in rows if r.section == "expense"],
        d.closing_fen or 0,
    )


class Submission:
    """A draft sent to the village's supervision committee, with what each supervisor receives."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def submit(
        self, person: Person, disclosure_id: int | str, reply: ReplyTo | None = None
    ) -> Disclosure:
        """Send a draft to the village's supervision committee (draft → in_review)."""
        db = self.ctx.store.db
        d = item_access.own_draft(db, person, disclosure_id)
        rows = disclosure_rows.rows_of(db, d.id)
        supervisors = self._check_ready(d, rows)
        hospitality = hospitality_rows(rows) if d.kind == "finance" else []
        village = village_name(db, d.village_code)
        with self.ctx.store.transaction() as db:
            round_ = d.review_round + 1
            if not store_d.transition(
                db,
                d.id,
                "draft",
                "in_review",
                review_round=round_,
                submitted_at=self.ctx.now(),
                reject_reason=None,
            ):
                raise Denied("disc.not_draft", id=d.id, status=Term("disc.status.in_review"))
            current = form_state.current(self.ctx.store.db, person.user_id)
            if current and current[1].get("id") == d.id:
                forms.delete(db, person.user_id, WING)
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
            answer_change(db, event, reply, person, "disc.submitted", id=d.id, round=round_)
        return store_d.get(self.ctx.store.db, d.id)

    def _check_ready(self, d: Disclosure, rows: list[Row]) -> list[members.Member]:
        """Refuse a draft not ready for review; its village's supervisors otherwise."""
        if d.kind in ("finance", "subsidy") and not rows:
            raise Denied("disc.no_rows")  # FLD-06: no submission without its content
        difference = _ledger_difference(d, rows)
        if difference:
            computed = (d.closing_fen or 0) - difference
            raise Denied(
                "disc.submit_unbalanced",
                stated=format_fen(d.closing_fen or 0),
                computed=format_fen(computed),
                difference=format_fen(difference, sign=True),
            )
        supervisors = item_access.supervisors(self.ctx.store.db, d.village_code)
        needed = item_access.required_signoffs(self.ctx.config.disclosure, len(supervisors))
        if not supervisors or len(supervisors) < needed:
            raise Denied("disc.no_supervisors", needed=needed or 1)
        return supervisors

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
        language = notify.language_of(db, user_id, self.ctx.default_language)
        lines = [t(language, "disc.review_request", village=village)]
        lines += disclosure_text.lines(
            language, d, rows, village=village, names_full=True, tz=self.ctx.tz, cut=True
        )
        table = preview_table.table_file(d, rows, language, names_full=True)
        if table is not None:  # one message and one file, however long the list
            lines.append(t(language, "disc.table_in_file", rows=len(rows)))
        for r in hospitality:  # CAT-11: hospitality expected 0
            lines.append(
                t(
                    language,
                    "disc.hospitality_flag",
                    account=r.data.get("account", ""),
                    amount=format_fen(r.amount_fen),
                )
            )
        buttons = (
            (
                Button(t_plain(language, "disc.approve"), f"dapp:{d.id}:{d.review_round}"),
                Button(t_plain(language, "disc.reject"), f"drej:{d.id}:{d.review_round}"),
            ),
        )
        # The supervisor signs what will be published: the attachments too, ahead of the text.
        queue_attachments(db, key, user_id, d, rows, language, outbox.NORMAL)
        if table is not None:
            queue(db, f"{key}:table", user_id, table, priority=outbox.NORMAL)
        owed = Text("\n".join(lines), buttons)
        queue(db, f"{key}:0", user_id, owed, priority=outbox.NORMAL)
