"""Disclosures (DESIGN §3): guided drafting and import, sign-off, scheduled publication,
corrections, the archive with filing records, browsing, search, subscriptions and exports.

`DisclosureService` is the one facade the handlers and the scheduler use; each concern lives in
its own `disclosures_*` module (form, drafting, import, submission, sign-off, publishing,
reminders, corrections, reading, subscriptions, verification, exports) as a mixin over
`disclosures_base.DisclosureBase`. Every change is one transaction with its audit event and the
messages it owes (outbox), so a handler makes one call per update and a replayed update changes
nothing twice (DESIGN §7).
"""

from __future__ import annotations

from bot.services.disclosures.corrections import DisclosureCorrections
from bot.services.disclosures.drafting import DisclosureDrafting
from bot.services.disclosures.exporting import DisclosureExports
from bot.services.disclosures.form import Step
from bot.services.disclosures.importing import DisclosureImport
from bot.services.disclosures.publishing import DisclosurePublishing, content_checksum
from bot.services.disclosures.reading import DisclosureReading, View
from bot.services.disclosures.reminders import DisclosureReminders
from bot.services.disclosures.signoff import DisclosureSignoff
from bot.services.disclosures.submission import DisclosureSubmission
from bot.services.disclosures.subscriptions import DisclosureSubscriptions
from bot.services.disclosures.verification import DisclosureVerification
from bot.services.people import Denied, Person, ReplyTo

__all__ = ["DisclosureService", "Step", "View", "content_checksum"]


class DisclosureService(
    DisclosureDrafting,
    DisclosureImport,
    DisclosureCorrections,
    DisclosureSubmission,
    DisclosureSignoff,
    DisclosurePublishing,
    DisclosureReminders,
    DisclosureExports,
    DisclosureReading,
    DisclosureSubscriptions,
    DisclosureVerification,
):
    """Everything about disclosures; the scheduler calls ``publish_due`` and ``remind``."""

    def handle_text(self, person: Person, text: str, reply: ReplyTo | None = None) -> Step:
        """The typed answer to the current step: a period, a title, a body, a rejection reason."""
        current = self.form(person.user_id)
        if current is None:
            raise Denied("disc.form_expired")
        step, data = current
        text = text.strip()
        if step == "reason":
            return self._reject(person, int(data["id"]), int(data["round"]), text, reply)
        return self._draft_text(person, step, data, text, reply)
