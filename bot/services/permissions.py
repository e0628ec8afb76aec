"""Who may do what (DESIGN §2): one table of actions, each naming the roles that may take it,
whether the village must be theirs and whether the item must (or must not) be theirs.

Every command, button and web endpoint that changes or reveals something asks `require(...)`
with the person as the server knows them now, so a role that ended stops working at once and
forged button data can do nothing the presser's role does not allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlite_utils import Database

from bot.i18n import Term
from bot.services.people import Denied, Person
from storage import members
from storage.members import Member

ANYONE = "anyone"  # a person with or without a role


class Village(Enum):
    OWN = "own"  # the role is held in the item's village
    # Township staff: the item's village is one of their township's (issue 13 §1); an action
    # on no village (a list, a workbook) is allowed and the service scopes what it shows.
    MY_TOWNSHIP = "my_township"
    ANY = "any"


class Item(Enum):
    MINE = "mine"  # the item's holder is the person, or the pool of the role they act in
    NOT_MINE = "not_mine"  # the item's holder is anyone but the person
    ANY = "any"


@dataclass(frozen=True, slots=True)
class Grant:
    """One role's way to take an action."""

    role: str
    village: Village = Village.OWN
    item: Item = Item.ANY
    verified: bool = False  # the role must have been checked in person (`/verify`)


@dataclass(frozen=True, slots=True)
class Rule:
    """The grants of one action and the refusal shown when none applies (None: `denied.role`)."""

    grants: tuple[Grant, ...]
    refusal: str | None = None


def _rule(*grants: Grant, refusal: str | None = None) -> Rule:
    return Rule(grants, refusal)


_HANDLER = (
    Grant("official", Village.OWN, Item.MINE),
    Grant("township", Village.MY_TOWNSHIP, Item.MINE),
)
_TOWNSHIP = Grant("township", Village.MY_TOWNSHIP)
# County staff (县农经站/纪委) read every township's villages and act on none (issue 13 §1).
_COUNTY = Grant("county", Village.ANY)

# The item a row speaks of: for topic handling its assignee (or the pool it waits in), for
# `topic.rate` / `topic.support` its requester, for `answer.*` the answer's author, for
# `disclosure.signoff` the draft's author, for `invite.accept` the inviter.
TABLE: dict[str, Rule] = {
    "topic.file": _rule(Grant("resident"), refusal="topics.not_resident"),
    # 代办: the design has no clerk role; the village office's clerks (committee members, the
    # accountant) are its officials (DESIGN §2), and township staff only read across villages.
    "topic.file_for": _rule(Grant("official"), refusal="topics.proxy.not_official"),
    # Printing a receipt again is the office's (the resident got theirs in chat or on paper).
    "topic.receipt": _rule(_TOWNSHIP, _COUNTY, Grant("official")),
    "topic.answer": _rule(*_HANDLER, refusal="topics.not_yours"),
    "topic.decline": _rule(*_HANDLER, refusal="topics.not_yours"),
    "topic.extend": _rule(*_HANDLER, refusal="topics.not_yours"),
    "topic.transfer": _rule(*_HANDLER, refusal="topics.not_yours"),
    "topic.categorize": _rule(*_HANDLER, refusal="topics.not_yours"),
    # One text for several topics: only an official, only their own village's topics; each
    # topic is also checked as `topic.answer`.
    "topic.answer_many": _rule(Grant("official"), refusal="topics.many.not_village"),
    # The list of open topics to pick from for one answer (each picked topic checked as above).
    "topic.answer_select": _rule(
        Grant("official", Village.ANY), refusal="topics.select.not_official"
    ),
    "template.manage": _rule(Grant("official")),
    "topic.rate": _rule(Grant(ANYONE, Village.ANY, Item.MINE), refusal="topics.not_requester"),
    # Nobody rates, nor supports, an answer they gave (separation of duties).
    "answer.rate": _rule(Grant(ANYONE, Village.ANY, Item.NOT_MINE), refusal="topics.rate_own"),
    "topic.support": _rule(
        Grant("resident", Village.OWN, Item.NOT_MINE), refusal="topics.support_other_village"
    ),
    # Following a neighbour's topic (a support, and its answer sent to them): same village.
    "topic.follow": _rule(
        Grant("resident", Village.OWN, Item.NOT_MINE), refusal="topics.support_other_village"
    ),
    "answer.support": _rule(
        Grant(ANYONE, Village.ANY, Item.NOT_MINE), refusal="topics.support_answered"
    ),
    "topic.urge": _rule(_TOWNSHIP),
    "topic.extension.decide": _rule(_TOWNSHIP),
    "topic.route": _rule(_TOWNSHIP),
    "topic.view": _rule(
        _TOWNSHIP, _COUNTY, Grant("official"), Grant(ANYONE, Village.ANY, Item.MINE)
    ),
    "topic.inbox": _rule(Grant("official", Village.ANY), _TOWNSHIP, _COUNTY),
    "topic.track": _rule(_TOWNSHIP, _COUNTY),
    "topic.stats": _rule(_TOWNSHIP, _COUNTY, Grant("official")),
    "topic.report": _rule(_TOWNSHIP, _COUNTY),
    "disclosure.draft": _rule(Grant("official")),
    "disclosure.submit": _rule(Grant("official")),
    "disclosure.correct": _rule(Grant("official")),
    "disclosure.review": _rule(Grant("supervisor")),
    "disclosure.signoff": _rule(
        Grant("supervisor", Village.OWN, Item.NOT_MINE), refusal="disc.signoff_own"
    ),
    "disclosure.export": _rule(_TOWNSHIP, _COUNTY),
    # CH-01: the photo of the posted paper board comes from the village's own office.
    "disclosure.board_photo": _rule(Grant("official"), refusal="disc.photo.not_yours"),
    "disclosure.board_photo_list": _rule(_TOWNSHIP, _COUNTY),
    # STG-06: a resident asks about a line of their own village's published table.
    "disclosure.line_question": _rule(Grant("resident"), refusal="line.not_resident"),
    "invite.create": _rule(_TOWNSHIP),
    "invite.list": _rule(_TOWNSHIP, _COUNTY),
    "invite.cancel": _rule(_TOWNSHIP, _COUNTY),
    # County staff are listed in the config or invited by county staff.
    "invite.county": _rule(_COUNTY),
    # Townships side by side (/compare) and the weekly county digest.
    "county.compare": _rule(_COUNTY),
    "invite.accept": _rule(Grant(ANYONE, Village.ANY, Item.NOT_MINE), refusal="invite.own"),
    "members.list": _rule(_TOWNSHIP, _COUNTY, Grant("official")),
    "member.revoke": _rule(_TOWNSHIP),
    "member.verify": _rule(Grant("official")),
    # A resident's own household's subsidy lines (issue 13 §5); the service also asks that the
    # role is verified with a household recorded.
    "household.payments": _rule(Grant("resident"), refusal="hh.not_resident"),
    "calendar.override": _rule(_TOWNSHIP),
    # Unpublished items, and full beneficiary names in private chats (§6): the office, and
    # for names also the village's verified residents.
    "disclosure.view_open": _rule(_TOWNSHIP, _COUNTY, Grant("official"), Grant("supervisor")),
    "disclosure.names_full": _rule(
        _TOWNSHIP, _COUNTY, Grant("official"), Grant("supervisor"), Grant("resident", verified=True)
    ),
    # Open items in the village's own /browse list (the township browses every village).
    "disclosure.browse_open": _rule(Grant("official"), Grant("supervisor")),
    "disclosure.browse_villages": _rule(_TOWNSHIP, _COUNTY),
    # The transparency score (issue 13 §8, PERF-02): township and county staff rank villages;
    # a village's officials see their own village's score and its inputs.
    "score.ranking": _rule(_TOWNSHIP, _COUNTY),
    "score.own": _rule(Grant("official"), refusal="score.not_staff"),
    # Whom an action may aim at: `/verify` takes the village's residents.
    "member.be_verified": _rule(Grant("resident")),
}

ACTIONS = tuple(TABLE)

# Roles one person never holds together in one village: the supervisor checks the official's
# drafts, so nobody signs off their own work (ROLE-05, REV-01).
EXCLUSIVE_ROLES = frozenset({frozenset(("official", "supervisor"))})


def _in_place(member: Member, grant: Grant, village: str | None) -> bool:
    if grant.village is Village.MY_TOWNSHIP:
        return village is None or village in member.township_villages
    return grant.village is Village.ANY or member.village_code == village


def _fits(member: Member, grant: Grant, village: str | None) -> bool:
    return (
        member.role == grant.role
        and _in_place(member, grant, village)
        and (member.verified or not grant.verified)
    )


def _grants(person: Person, grant: Grant, village: str | None, owner: int | str | None) -> bool:
    held = grant.role == ANYONE or any(_fits(m, grant, village) for m in person.roles)
    if not held:
        return False
    mine = owner == person.user_id or (owner is not None and owner == grant.role)
    if grant.item is Item.MINE:
        return mine
    if grant.item is Item.NOT_MINE:
        return owner != person.user_id
    return True


def allowed(
    person: Person, action: str, *, village: str | None = None, owner: int | str | None = None
) -> bool:
    """Whether the person, with the roles they hold now, may take the action on an item of
    `village` held by `owner` (a user id, or the role whose pool holds it)."""
    return any(_grants(person, g, village, owner) for g in TABLE[action].grants)


def role_grants(member: Member, action: str, village: str | None = None) -> bool:
    """Whether one held role lets its holder take the action in `village`, whatever the item:
    who answers a village's topics, who signs its items off, whom `/verify` may take."""
    return any(g.role != ANYONE and _fits(member, g, village) for g in TABLE[action].grants)


def granted_in_village(db: Database, village_code: str, action: str) -> list[Member]:
    """The village's people whose role lets them take the action there (officials who answer
    its topics, supervisors who sign its items off), read role by role through the index."""
    roles = dict.fromkeys(
        g.role for g in TABLE[action].grants if g.role != ANYONE and g.village is Village.OWN
    )
    return [
        m
        for role in roles
        for m in members.of_village_in_role(db, village_code, role)
        if role_grants(m, action, village_code)
    ]


def require(
    person: Person,
    action: str,
    *,
    village: str | None = None,
    owner: int | str | None = None,
    **params: object,
) -> None:
    """Refuse with the action's message (and `params`) unless `allowed(...)`."""
    if allowed(person, action, village=village, owner=owner):
        return
    rule = TABLE[action]
    if rule.refusal is not None:
        raise Denied(rule.refusal, **params)
    raise Denied("denied.role", role=Term(f"roles.{rule.grants[0].role}"))
