"""The permission table walked whole (DESIGN §2): every action × role × own/other village ×
own/other item, plus a person whose role ended, first against the table's own reading and then
against the real services, which must refuse exactly what the table refuses."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from bot.services.people import Denied, Person
from bot.services.permissions import ACTIONS, ANYONE, TABLE, Item, Village, allowed, role_grants
from storage import members, topics, users
from storage.members import Member
from tests.test_roles_end import (  # noqa: F401 (the fixture)
    ACCOUNTANT,
    HEAD,
    HERE,
    RES1,
    RES2,
    STAFF,
    SUPERVISOR,
    who,
    world,
)

ROLES = ("resident", "official", "supervisor", "township", "county")
ME, SOMEONE = 7, 8


def person_with(role: str | None, village: str = "qingshan", verified: bool = False) -> Person:
    """One person holding one role (None: no role left, as after a revocation)."""
    if role is None:
        return Person(ME, "x", "zh-CN", ())
    if role in ("township", "county"):
        # Township staff hold no village: the village is one of their township's, or not.
        township = "shifan" if role == "township" else None
        places = frozenset({village}) if role == "township" else frozenset()
        member = Member(1, ME, role, None, None, verified, False, "x", None, None, None, township)
        member = dataclasses.replace(member, township_villages=places)
    else:
        member = Member(1, ME, role, village, None, verified, False, "x", None)
    return Person(ME, "x", "zh-CN", (member,))


def expected(
    action: str, role: str | None, own_village: bool, own_item: bool, verified: bool
) -> bool:
    """The table read by hand: a grant applies when its role, village and item all fit."""
    for grant in TABLE[action].grants:
        if grant.role not in (ANYONE, role):
            continue
        if grant.verified and not verified:
            continue
        if grant.village in (Village.OWN, Village.MY_TOWNSHIP) and not own_village:
            continue
        if grant.item is Item.MINE and not own_item:
            continue
        if grant.item is Item.NOT_MINE and own_item:
            continue
        return True
    return False


@pytest.mark.parametrize("action", ACTIONS)
def test_every_cell_of_the_table(action):
    for role, own_village, own_item, verified in itertools.product(
        (*ROLES, None), (True, False), (True, False), (True, False)
    ):
        person = person_with(role, "qingshan" if own_village else "hexi", verified)
        village = "qingshan"
        owner = ME if own_item else SOMEONE
        want = expected(action, role, own_village, own_item, verified)
        got = allowed(person, action, village=village, owner=owner)
        assert got == want, (action, role, own_village, own_item, verified)


def test_pools_belong_to_their_role_and_ended_roles_hold_nothing():
    official, township = person_with("official"), person_with("township")
    assert allowed(official, "topic.answer", village="qingshan", owner="official")
    assert not allowed(official, "topic.answer", village="qingshan", owner="township")
    assert allowed(township, "topic.answer", village="qingshan", owner="township")
    assert not allowed(township, "topic.answer", village="qingshan", owner="official")
    gone = person_with(None)
    for action in ACTIONS:
        needs_role = all(g.role != ANYONE for g in TABLE[action].grants)
        if needs_role:
            assert not allowed(gone, action, village="qingshan", owner=ME), action


def test_one_held_role_grants_what_the_table_says():
    def member(role: str, village: str = "qingshan", verified: bool = False) -> Member:
        return person_with(role, village, verified).roles[0]

    assert role_grants(member("official"), "topic.answer", "qingshan")
    assert not role_grants(member("official", "hexi"), "topic.answer", "qingshan")
    assert not role_grants(member("resident"), "topic.answer", "qingshan")
    assert role_grants(member("township"), "topic.answer", "qingshan")
    assert role_grants(member("supervisor"), "disclosure.signoff", "qingshan")
    assert not role_grants(member("official"), "disclosure.signoff", "qingshan")
    assert role_grants(member("resident", verified=True), "disclosure.names_full", "qingshan")
    assert not role_grants(member("resident"), "disclosure.names_full", "qingshan")
    # A grant to anyone is no role's: nobody is a rater of answers by their role.
    assert not any(role_grants(member(r), "answer.rate", "qingshan") for r in ROLES)


# -- the same matrix against the real services ----------------------------------------------

ACTORS = {  # who acts: (user id, the role they act in, whether the village is theirs)
    "resident": (RES2, "resident", True),
    "official": (HEAD, "official", True),
    "supervisor": (SUPERVISOR, "supervisor", True),
    "township": (STAFF, "township", True),
    "county": (7001, "county", True),  # reads every township, acts on nothing (issue 13 §1)
    "other_official": (2004, "official", False),
    "other_resident": (1004, "resident", False),
    "ended_official": (2005, None, True),
}


@pytest.fixture
def matrix(world):  # noqa: F811
    with world.store.transaction() as db:
        for uid in (2004, 1004, 2005, 7001):
            users.seen(db, uid, f"用户{uid}", None, None, "zh-hans")
        members.add(db, 7001, "county", None)
        members.add(db, 2004, "official", "hexi", "文书")
        members.add(db, 1004, "resident", "hexi")
        ended = members.add(db, 2005, "official", "qingshan", "出纳")
    world.s.membership.revoke(who(world, STAFF), str(ended), HERE)
    return world


def _topic(w, assignee: int):
    """A finance topic of 青山村 held by `assignee`."""
    t = w.s.topics
    topic = t.filing.file(who(w, RES1), "请公开今年的财务收支明细", category="finance")
    with w.store.transaction() as db:
        topics.assign(db, topic.id, assignee, w.s.clock.now())
    return topics.get(w.store.db, topic.id)


HANDLING = {
    "topic.answer": lambda w, p, t: w.s.topics.answering.answer(p, t, "收支明细已上墙公开"),
    "topic.decline": lambda w, p, t: w.s.topics.answering.start_decline(p, t),
    "topic.extend": lambda w, p, t: w.s.topics.extensions.start_extension(p, t),
    "topic.transfer": lambda w, p, t: w.s.topics.transfers.transfer_targets(p, t),
    "topic.categorize": lambda w, p, t: w.s.topics.categories.recategorize(p, t, "其他"),
}


def _outcome(call) -> str:
    try:
        call()
    except Denied as refusal:
        return refusal.key
    return "done"


@pytest.mark.parametrize("action", sorted(HANDLING))
@pytest.mark.parametrize("actor", sorted(ACTORS))
@pytest.mark.parametrize("own_item", (True, False), ids=("own_item", "other_item"))
def test_topic_handling_follows_the_table(matrix, action, actor, own_item):
    user_id, _, _ = ACTORS[actor]
    topic = _topic(matrix, user_id if own_item else ACCOUNTANT)
    person = who(matrix, user_id)
    want = allowed(person, action, village="qingshan", owner=topic.assignee_id)
    got = _outcome(lambda: HANDLING[action](matrix, person, topic))
    assert (got != TABLE[action].refusal) == want, (actor, got)
    if actor in ("ended_official", "resident", "supervisor", "other_official") or not own_item:
        assert got == TABLE[action].refusal


TOWNSHIP_ONLY = {
    "invite.create": lambda w, p: w.s.membership.create_invite(p, "official", "qingshan", None),
    "invite.list": lambda w, p: w.s.membership.open_invites(p),
    "member.revoke": lambda w, p: w.s.membership.revoke(p, "9999", HERE),
    "topic.urge": lambda w, p: w.s.topics.tracking.urge(p, _topic(w, ACCOUNTANT), None),
    "topic.route": lambda w, p: w.s.topics.routing.routes(p, "qingshan"),
    "topic.track": lambda w, p: w.s.topics.tracking.pending(p, None),
    "disclosure.export": lambda w, p: w.s.disclosures.exports.export_year(p, 2026, None),
    "members.list": lambda w, p: w.s.membership.members(p, "qingshan"),
    "member.verify": lambda w, p: w.s.disclosures.verification.verify(p, "9999"),
}


@pytest.mark.parametrize("action", sorted(TOWNSHIP_ONLY))
@pytest.mark.parametrize("actor", sorted(ACTORS))
def test_office_actions_follow_the_table(matrix, action, actor):
    user_id, _, _ = ACTORS[actor]
    person = who(matrix, user_id)
    # /verify acts in the official's own village; everything else names 青山村.
    village = person.village_code if action == "member.verify" else "qingshan"
    want = allowed(person, action, village=village)
    got = _outcome(lambda: TOWNSHIP_ONLY[action](matrix, person))
    assert (got != "denied.role") == want, (actor, got)


@pytest.mark.parametrize("actor", sorted(ACTORS))
@pytest.mark.parametrize("own_item", (True, False), ids=("own_topic", "other_topic"))
def test_support_and_rating_follow_the_table(matrix, actor, own_item):
    user_id, _, _ = ACTORS[actor]
    person = who(matrix, user_id)
    requester = user_id if own_item and person.has("resident", "qingshan") else RES1
    topic = matrix.s.topics.filing.file(who(matrix, requester), "请公开村里的工程账目")
    topic = matrix.s.topics.answering.answer(who(matrix, HEAD), topic, "工程账目已在公开栏公布")
    rated = _outcome(lambda: matrix.s.topics.rating.rate(person, topic, topic.answer_id, "s"))
    can_rate = allowed(person, "topic.rate", owner=requester) and allowed(
        person, "answer.rate", owner=HEAD
    )
    assert (rated not in ("topics.not_requester", "topics.rate_own")) == can_rate, rated
    supported = _outcome(lambda: matrix.s.topics.supports.support(person, topic))
    can_support = person.user_id != requester and allowed(
        person, "topic.support", village="qingshan", owner=requester
    )
    refusals = ("topics.support_own", "topics.support_other_village", "topics.support_answered")
    assert (supported not in refusals) == can_support, supported
