"""Verified residents (DESIGN §2): an official marks a resident checked in person, who then sees
beneficiary names in full in private chats (§6), and records their household (户主姓名) and
village group (村民小组), by which the resident looks up their own subsidy lines (issue 13 §5)."""

from __future__ import annotations

from bot.core.numbers import parse_number
from bot.core.typed_text import clean
from bot.services.context import Context
from bot.services.disclosures import item_access
from bot.services.disclosures.form_replies import answer_change
from bot.services.disclosures.household_names import GROUP_MAX, NAME_MAX, group_key
from bot.services.disclosures.household_payments import group_label
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import role_grants
from storage import audit, members


def checked_household(name: str, group: str) -> tuple[str, str]:
    """The household head's name as written and the group normalised ("第三组" → "3"); a name
    holding a digit is refused, so no ID or phone number is ever stored as a household."""
    name, group = clean(name), group_key(group)
    if not name or len(name) > NAME_MAX or any(c.isdigit() for c in name):
        raise Denied("disc.verify_household_bad", limit=NAME_MAX)
    if not group or len(group) > GROUP_MAX:
        raise Denied("disc.verify_group_bad", limit=GROUP_MAX)
    return name, group


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
        household: tuple[str, str] | None = None,
    ) -> members.Member:
        """An official marks a resident of their village as verified (checked in person), with
        their household and group when given; the change of either is in the audit event."""
        village = item_access.official_village(person, "member.verify")
        number = parse_number(member_ref)
        member = members.get(self.ctx.store.db, number) if number is not None else None
        if member is None or not role_grants(member, "member.be_verified", village):
            raise Denied("disc.verify_unknown", ref=member_ref)
        name, group = checked_household(*household) if household else (None, None)
        before, after = {"verified": member.verified}, {"verified": verified}
        if household:
            before |= {"household": member.household, "group": member.village_group}
            after |= {"household": name, "group": group}
        with self.ctx.store.transaction() as db:
            members.set_verified(db, member.id, verified)
            if household:
                members.set_household(db, member.id, name, group)
            event = audit.record(
                db,
                person.user_id,
                "member.verified",
                f"member:{member.id}",
                village_code=village,
                before=before,
                after=after,
            )
            key, params = _answer(
                person.language, verified, name or member.household, group or member.village_group
            )
            answer_change(
                db, event, reply, person, key, id=member.id, name=member.display_name, **params
            )
        return members.get(self.ctx.store.db, member.id)


def _answer(
    language: str, verified: bool, household: str | None, group: str | None
) -> tuple[str, dict]:
    """The answer's message: a verified resident without a household recorded is worth a
    reminder, as they cannot look up their subsidy lines until it is."""
    if not verified:
        return "disc.unverified", {}
    if household and group:
        return "disc.verified_household", {
            "household": household,
            "group": group_label(language, group),
        }
    return "disc.verified_ask_household", {}
