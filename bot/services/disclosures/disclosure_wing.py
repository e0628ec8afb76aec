"""Disclosures (DESIGN §3): guided drafting and import, sign-off, scheduled publication,
corrections, the archive with filing records, browsing, search, subscriptions and exports.

`Disclosures` holds one object per concern, each over the same `Context` and given explicitly the
other concerns it uses; the handlers and the scheduler call them by name
(`services.disclosures.signoff.approve(...)`). Every change is one transaction with its audit
event and the messages it owes (outbox), so a handler makes one call per update and a replayed
update changes nothing twice (DESIGN §7).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.context import Context
from bot.services.disclosures.board_photo_proof import BoardPhotos
from bot.services.disclosures.browsing import Browsing
from bot.services.disclosures.corrections import Corrections
from bot.services.disclosures.disclosure_pages import DisclosureBoard
from bot.services.disclosures.drafting import Drafting
from bot.services.disclosures.exporting import Exports
from bot.services.disclosures.form import Form
from bot.services.disclosures.household_payments import HouseholdPayments
from bot.services.disclosures.importing import Importing
from bot.services.disclosures.line_questions import LineQuestions
from bot.services.disclosures.publishing import Publishing
from bot.services.disclosures.reminders import Reminders
from bot.services.disclosures.signoff import Signoff
from bot.services.disclosures.submission import Submission
from bot.services.disclosures.subscriptions import Subscriptions
from bot.services.disclosures.verification import Verification


@dataclass(frozen=True, slots=True)
class Disclosures:
    """Everything about disclosures; the scheduler calls ``publishing.publish_due`` and
    ``reminders.remind``, the township digest ``reminders.digest_lines`` and
    ``board_photos.digest_lines``."""

    ctx: Context
    drafting: Drafting
    importing: Importing
    corrections: Corrections
    submission: Submission
    signoff: Signoff
    publishing: Publishing
    reminders: Reminders
    browsing: Browsing
    exports: Exports
    subscriptions: Subscriptions
    verification: Verification
    household_payments: HouseholdPayments
    form: Form
    board: DisclosureBoard
    board_photos: BoardPhotos
    line_questions: LineQuestions

    @classmethod
    def build(cls, ctx: Context) -> Disclosures:
        """Every concern over one context, each given the others it uses."""
        drafting = Drafting(ctx)
        publishing = Publishing(ctx)
        browsing = Browsing(ctx)
        signoff = Signoff(ctx, publishing, browsing)
        return cls(
            ctx=ctx,
            drafting=drafting,
            importing=Importing(ctx),
            corrections=Corrections(ctx),
            submission=Submission(ctx),
            signoff=signoff,
            publishing=publishing,
            reminders=Reminders(ctx),
            browsing=browsing,
            exports=Exports(ctx, browsing),
            subscriptions=Subscriptions(ctx),
            verification=Verification(ctx),
            household_payments=HouseholdPayments(ctx),
            form=Form(ctx, drafting, signoff),
            board=DisclosureBoard(ctx),
            board_photos=BoardPhotos(ctx),
            line_questions=LineQuestions(ctx),
        )

    @property
    def categories(self) -> tuple[str, ...]:
        return self.ctx.config.disclosure.categories
