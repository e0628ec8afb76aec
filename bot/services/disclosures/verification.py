"""Verified residents (DESIGN §2): an official marks a resident checked in person, who then sees
beneficiary names in full in private chats (§6)."""

from __future__ import annotations

from bot.services.disclosures.base import DisclosureBase
from bot.services.people import Denied, Person, ReplyTo
from storage import audit, members


class DisclosureVerification(DisclosureBase):
    """An official's mark on a resident of their village."""

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
