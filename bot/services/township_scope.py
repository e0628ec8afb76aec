"""Which township an item belongs to and whether a staff member may see it (issue 13 §1):
township staff their own township's villages (ROLE-03), county staff everything (ROLE-09).
Pure: the township's villages come with the role (`Member.township_villages`)."""

from __future__ import annotations

from bot.config import Config
from bot.services.people import Denied, Person
from bot.services.permissions import allowed, require

# Staff invites name no village: township staff get the inviter's township, county staff all.
STAFF_ROLES = ("township", "county")


def in_view(person: Person, village_code: str | None, township_code: str | None = None) -> bool:
    """Whether a staff member sees an item of this village, or (no village) of this township."""
    seen = person.villages_in_view()
    if seen is None:
        return True
    if village_code is not None:
        return village_code in seen
    return township_code is None or township_code == person.township_code


def invite_township(person: Person, role: str, village_code: str | None) -> str | None:
    """Check the person may invite to this role and place; the township a township invite
    grants (always the inviter's own: nobody makes staff of another township)."""
    if role == "county":
        require(person, "invite.county")
        return None
    require_village(person, "invite.create", village_code)
    return person.township_code if role == "township" else None


def creator_action(role: str) -> str:
    """The action an invite's maker must still be allowed, for the invite to stay good."""
    return "invite.county" if role == "county" else "invite.create"


def granted_township(config: Config, role: str, township_code: str | None) -> str | None:
    """The township a township invite makes its holder staff of; an invite from before
    townships existed belongs to the one township of a single-township file."""
    if role != "township":
        return None
    if township_code is None and not config.townships:
        return config.all_townships[0].code
    if township_code is None:
        raise Denied("invite.void")
    return township_code


def township_name(config: Config, township_code: str | None) -> str:
    """A township's name by code; the county's for none (county staff)."""
    found = next((t for t in config.all_townships if t.code == township_code), None)
    return found.name if found else config.county_name


def invite_place(config: Config, person: Person, role: str) -> str:
    """Where a staff invite made by this person applies: their township, or the county."""
    return township_name(config, person.township_code if role == "township" else None)


def require_village(person: Person, action: str, village_code: str | None) -> None:
    """The action's own refusal for a role without it; for staff of another township, a
    refusal that says the village is not theirs (the table decides both)."""
    require(person, action)
    if not allowed(person, action, village=village_code):
        raise Denied("county.other_township", village=village_code)


def within(seen: frozenset[str] | None, village_code: str | None) -> bool:
    """Whether a village is among those `seen` (None: every village)."""
    return seen is None or village_code in seen
