"""storage.members: the roles people hold."""

from __future__ import annotations

from storage import members, users
from storage.members import Member
from tests.storage.factories import NEIGHBOUR, OFFICIAL, RESIDENT, STAFF


def test_a_role_reads_back_with_every_field(db):
    member_id = members.add(db, OFFICIAL, "official", "qingshan", "会计")
    assert members.get(db, member_id) == Member(
        id=member_id,
        user_id=OFFICIAL,
        role="official",
        village_code="qingshan",
        title="会计",
        verified=False,
        from_config=False,
        display_name="张 会计",
        username=None,
    )


def test_a_person_known_only_by_id_shows_the_id(db):
    member_id = members.add(db, STAFF, "township", None, from_config=True)
    found = members.get(db, member_id)
    assert (found.display_name, found.village_code, found.from_config) == (str(STAFF), None, True)


def test_a_missing_role_is_none(db):
    assert members.get(db, 77) is None


def test_adding_a_held_role_refreshes_its_title_and_keeps_the_id(db):
    member_id = members.add(db, OFFICIAL, "official", "qingshan", "会计")
    assert members.add(db, OFFICIAL, "official", "qingshan", "主任") == member_id
    assert members.add(db, OFFICIAL, "official", "qingshan") == member_id
    assert members.get(db, member_id).title == "主任"


def test_roles_of_lists_township_first_then_officials_supervisors_residents(db):
    resident = members.add(db, OFFICIAL, "resident", "hexi")
    supervisor = members.add(db, OFFICIAL, "supervisor", "qingshan")
    official = members.add(db, OFFICIAL, "official", "qingshan")
    township = members.add(db, OFFICIAL, "township", None)
    found = [m.id for m in members.roles_of(db, OFFICIAL)]
    assert found == [township, official, supervisor, resident]


def test_of_village_and_township_staff(db):
    resident = members.add(db, RESIDENT, "resident", "qingshan")
    members.add(db, NEIGHBOUR, "resident", "hexi")
    staff = members.add(db, STAFF, "township", None)
    assert [m.id for m in members.of_village(db, "qingshan")] == [resident]
    assert [m.id for m in members.township_staff(db)] == [staff]


def test_remove_takes_one_role_away(db):
    member_id = members.add(db, RESIDENT, "resident", "qingshan")
    members.remove(db, member_id)
    assert members.roles_of(db, RESIDENT) == []


def test_config_township_roles_no_longer_listed_are_dropped(db):
    users.ensure(db, 9002)
    members.add(db, STAFF, "township", None, from_config=True)
    dropped = members.add(db, 9002, "township", None, from_config=True)
    by_hand = members.add(db, OFFICIAL, "township", None)
    assert [m.user_id for m in members.remove_config_township_except(db, [STAFF])] == [9002]
    assert members.get(db, dropped) is None and members.get(db, by_hand) is not None


def test_residents_count_counts_one_village(db):
    members.add(db, RESIDENT, "resident", "qingshan")
    members.add(db, NEIGHBOUR, "resident", "qingshan")
    members.add(db, OFFICIAL, "official", "qingshan")
    assert members.residents_count(db, "qingshan") == 2
    assert members.residents_count(db, "hexi") == 0


def test_only_a_resident_role_can_be_verified(db):
    resident = members.add(db, RESIDENT, "resident", "qingshan")
    official = members.add(db, OFFICIAL, "official", "qingshan")
    assert members.set_verified(db, resident, True)
    assert not members.set_verified(db, official, True)
    assert members.get(db, resident).verified and not members.get(db, official).verified
    assert members.set_verified(db, resident, False)
    assert not members.get(db, resident).verified


def test_a_residents_household_and_group_are_recorded_on_resident_roles_only(db):
    resident = members.add(db, RESIDENT, "resident", "qingshan")
    official = members.add(db, OFFICIAL, "official", "qingshan")
    assert members.get(db, resident).household is None
    assert members.set_household(db, resident, "王大山", "3")
    assert not members.set_household(db, official, "张会计", "1")
    found = members.get(db, resident)
    assert (found.household, found.village_group) == ("王大山", "3")
    assert members.get(db, official).household is None


def test_one_role_of_one_village_is_read_alone(db):
    members.add(db, OFFICIAL, "official", "qingshan", "会计")
    members.add(db, RESIDENT, "resident", "qingshan")
    members.add(db, NEIGHBOUR, "supervisor", "qingshan")
    found = members.of_village_in_role(db, "qingshan", "official")
    assert [m.user_id for m in found] == [OFFICIAL]
