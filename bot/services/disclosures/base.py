"""What every disclosure step shares: settings and clock, lookups by number, who may act on or
see an item, and the answer each change queues in its own transaction (DESIGN §7)."""

from __future__ import annotations

import uuid

from bot.i18n import Term
from bot.services import notify
from bot.services.context import Context
from bot.services.people import Denied, Person, ReplyTo
from storage import disclosure_signoffs, members
from storage import disclosures as store_d
from storage.disclosures import Disclosure


class DisclosureBase:
    """The state and helpers the disclosure mixins share; `DisclosureService` composes them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.config = ctx.config
        self.settings = ctx.config.disclosure
        self.tz = ctx.tz
        self.now = ctx.now
        self.default_language = ctx.default_language

    @property
    def categories(self) -> tuple[str, ...]:
        return self.settings.categories

    def _get(self, disclosure_id: int | str) -> Disclosure:
        text = str(disclosure_id).strip().lstrip("#")
        d = store_d.get(self.store.db, int(text)) if text.isdigit() else None
        if d is None:
            raise Denied("disc.unknown", ref=str(disclosure_id))
        return d

    def _official_village(self, person: Person) -> str:
        """The village this person drafts for (REV-05/06: the official in charge drafts)."""
        person.require("official")
        code = person.village_code
        assert code is not None
        return code

    def _own_draft(self, person: Person, disclosure_id: int | str) -> Disclosure:
        d = self._get(disclosure_id)
        person.require("official", d.village_code)
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

    @staticmethod
    def _approvals(db, d: Disclosure) -> list[disclosure_signoffs.Signoff]:
        """The approving sign-offs of the item's current review round."""
        return [
            s
            for s in disclosure_signoffs.signoffs(db, d.id, d.review_round)
            if s.decision == "approve"
        ]

    def _required(self, supervisors: int) -> int:
        """Sign-offs needed (REV-01: by default every supervisor of the village)."""
        rule = self.settings.required_signoffs
        return supervisors if rule == "all" else int(rule)

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
