"""Verified residents (DESIGN §2): an official marks a resident checked in person, who then sees
beneficiary names in full in private chats (§6)."""

from __future__ import annotations

from bot.core.numbers import parse_number
from bot.services.context import Context
from bot.services.disclosures import item_access
from bot.services.disclosures.form_replies import answer_change
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import role_grants
from storage import audit, members


class Verification:
    """An official's mark on a resident of their village."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def verify(
        self,
        person: Person,
        member_ref: str,
        verified: bool = True,
        reply: ReplyTo | None = None,
    ) -> members.Member:
        """An official marks a resident of their village as verified (checked in person)."""
        village = item_access.official_village(person, "member.verify")
        number = parse_number(member_ref)
        member = members.get(self.ctx.store.db, number) if number is not None else None
        if member is None or not role_grants(member, "member.be_verified", village):
            raise Denied("disc.verify_unknown", ref=member_ref)
        with self.ctx.store.transaction() as db:
            members.set_verified(db, member.id, verified)
            event = audit.record(
                db,
                person.user_id,
                "member.verified",
                f"member:{member.id}",
                village_code=village,
                before={"verified": member.verified},
                after={"verified": verified},
            )
            answer_change(
                db,
                event,
                reply,
                person,
                "disc.verified" if verified else "disc.unverified",
                id=member.id,
                name=member.display_name,
            )
        return members.get(self.ctx.store.db, member.id)
