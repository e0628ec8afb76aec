"""Who may act on or see a disclosure, looked up by number: the official's own draft, the office
of a village, the supervisors and their approvals of the round in review (REV-01, §6)."""

from __future__ import annotations

from sqlite_utils import Database

from bot.config import DisclosureConfig
from bot.core.numbers import parse_number
from bot.i18n import Term
from bot.services.people import Denied, Person
from bot.services.permissions import allowed, granted_in_village, require
from storage import disclosure_signoffs, members
from storage import disclosures as store_d
from storage.disclosures import Disclosure


def get(db: Database, disclosure_id: int | str) -> Disclosure:
    """The item named by a number (`12` or `#12`); refused when there is none."""
    number = parse_number(str(disclosure_id))
    d = store_d.get(db, number) if number is not None else None
    if d is None:
        raise Denied("disc.unknown", ref=str(disclosure_id))
    return d


def official_village(person: Person, action: str = "disclosure.draft") -> str:
    """The village this person acts for as its official (REV-05/06: the official in charge
    drafts)."""
    code = person.village_code
    require(person, action, village=code)
    assert code is not None
    return code


def own_draft(db: Database, person: Person, disclosure_id: int | str) -> Disclosure:
    """A draft of the official's own village; refused once it has left the draft state."""
    d = get(db, disclosure_id)
    require(person, "disclosure.draft", village=d.village_code)
    if d.status != "draft":
        raise Denied("disc.not_draft", id=d.id, status=Term(f"disc.status.{d.status}"))
    return d


def is_office(person: Person, village_code: str) -> bool:
    """The township, or an official or supervisor of the village."""
    return allowed(person, "disclosure.view_open", village=village_code)


def names_full(person: Person, village_code: str) -> bool:
    """Full beneficiary names: the office, and verified residents of that village (§6).

    Callers only use this for private chats; the channel and the web always mask.
    """
    return allowed(person, "disclosure.names_full", village=village_code)


def supervisors(db: Database, village_code: str) -> list[members.Member]:
    """The village's supervision committee, who sign its disclosures off."""
    return granted_in_village(db, village_code, "disclosure.signoff")


def approvals(db: Database, d: Disclosure) -> list[disclosure_signoffs.Signoff]:
    """The approving sign-offs of the item's current review round."""
    return [
        s for s in disclosure_signoffs.signoffs(db, d.id, d.review_round) if s.decision == "approve"
    ]


def required_signoffs(settings: DisclosureConfig, supervisor_count: int) -> int:
    """Sign-offs needed (REV-01: by default every supervisor of the village)."""
    rule = settings.required_signoffs
    return supervisor_count if rule == "all" else int(rule)
