"""storage.townships and the township of villages and staff (issue 13 §1)."""

from __future__ import annotations

import sqlite3

import pytest

from storage import members, townships, users, villages
from tests.storage.factories import STAFF


@pytest.fixture
def county(db):
    townships.sync(db, [("shifan", "示范镇"), ("nanshan", "南山乡")])
    villages.place(db, {"qingshan": "shifan", "hexi": "nanshan"})
    return db


def test_townships_sync_like_villages(county):
    assert [t.code for t in townships.all_active(county)] == ["nanshan", "shifan"]
    townships.sync(county, [("shifan", "示范镇")])
    assert townships.get(county, "nanshan") is None
    assert townships.get(county, "shifan").name == "示范镇"


def test_villages_of_a_township_through_the_index(county):
    assert [v.code for v in villages.of_township(county, "nanshan")] == ["hexi"]
    assert villages.get(county, "qingshan").township_code == "shifan"
    plan = " ".join(
        str(r[-1])
        for r in county.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM villages WHERE township_code = ? AND active = 1",
            ["shifan"],
        )
    )
    assert "villages_township" in plan


def test_township_staff_carry_their_township_and_its_villages(county):
    member_id = members.add(county, STAFF, "township", None, township_code="nanshan")
    staff = members.get(county, member_id)
    assert (staff.township_code, staff.township_villages) == ("nanshan", frozenset({"hexi"}))
    assert [m.user_id for m in members.township_staff(county, "hexi")] == [STAFF]
    assert members.township_staff(county, "qingshan") == []
    assert [m.user_id for m in members.of_township(county, "nanshan")] == [STAFF]


def test_county_staff_hold_no_village_and_no_township(county):
    users.ensure(county, 7001)
    member_id = members.add(county, 7001, "county", None)
    assert members.get(county, member_id).role == "county"
    assert [m.user_id for m in members.county_staff(county)] == [7001]
    with pytest.raises(sqlite3.IntegrityError):
        members.add(county, 7001, "county", "qingshan")
    with pytest.raises(sqlite3.IntegrityError):
        members.add(county, 7001, "county", None, township_code="shifan")


def test_staff_invited_before_townships_belong_to_the_sole_township(county):
    member_id = members.add(county, STAFF, "township", None)
    members.settle_sole_township(county, "shifan")
    assert members.get(county, member_id).township_code == "shifan"
