"""storage.users: the people the bot has met."""

from __future__ import annotations

from storage import users
from storage.users import User
from tests.storage.factories import NEIGHBOUR, RESIDENT, STAFF


def test_a_person_reads_back_with_every_field(db):
    assert users.get(db, RESIDENT) == User(RESIDENT, "王", "秀英", "wang", "zh-hans", None, True)


def test_optional_fields_read_back_as_none(db):
    found = users.get(db, NEIGHBOUR)
    assert (found.last_name, found.username, found.telegram_language) == (None, None, None)
    assert found.display_name == "李建国"


def test_a_person_known_only_by_id_is_named_by_the_id(db):
    assert users.get(db, STAFF).display_name == str(STAFF)


def test_a_stranger_is_none(db):
    assert users.get(db, 5) is None


def test_seen_again_refreshes_the_name_and_makes_them_reachable(db):
    users.set_active(db, RESIDENT, False)
    users.seen(db, RESIDENT, "王", "秀兰", None, "en")
    found = users.get(db, RESIDENT)
    assert (found.last_name, found.username, found.telegram_language, found.active) == (
        "秀兰",
        None,
        "en",
        True,
    )


def test_ensure_leaves_a_known_person_alone(db):
    users.ensure(db, RESIDENT)
    assert users.get(db, RESIDENT).first_name == "王"


def test_language_choice_can_be_set_and_cleared(db):
    users.set_language(db, RESIDENT, "en")
    assert users.get(db, RESIDENT).language == "en"
    users.set_language(db, RESIDENT, None)
    assert users.get(db, RESIDENT).language is None


def test_set_active_marks_whether_they_can_be_reached(db):
    users.set_active(db, RESIDENT, False)
    assert users.get(db, RESIDENT).active is False
