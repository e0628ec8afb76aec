"""storage.disclosure_signoffs: supervisors' decisions per review round."""

from __future__ import annotations

from storage import disclosure_signoffs
from tests.storage.factories import NEIGHBOUR, OFFICIAL, disclosure


def test_a_signoff_reads_back_with_every_field(db):
    disclosure_id = disclosure(db)
    assert disclosure_signoffs.add_signoff(db, disclosure_id, 1, OFFICIAL, "张会计", "reject", "错")
    (found,) = disclosure_signoffs.signoffs(db, disclosure_id)
    assert (found.round, found.user_id, found.name, found.decision, found.reason) == (
        1,
        OFFICIAL,
        "张会计",
        "reject",
        "错",
    )
    assert found.at.tzinfo is not None


def test_one_decision_per_supervisor_and_round(db):
    disclosure_id = disclosure(db)
    assert disclosure_signoffs.add_signoff(db, disclosure_id, 1, OFFICIAL, "张", "approve", None)
    assert not disclosure_signoffs.add_signoff(db, disclosure_id, 1, OFFICIAL, "张", "reject", "x")
    assert disclosure_signoffs.add_signoff(db, disclosure_id, 2, OFFICIAL, "张", "reject", "x")


def test_signoffs_of_one_round_or_all_in_order(db):
    disclosure_id = disclosure(db)
    disclosure_signoffs.add_signoff(db, disclosure_id, 1, OFFICIAL, "张", "reject", "x")
    disclosure_signoffs.add_signoff(db, disclosure_id, 2, NEIGHBOUR, "李", "approve", None)
    disclosure_signoffs.add_signoff(db, disclosure_id, 2, OFFICIAL, "张", "approve", None)
    assert [s.user_id for s in disclosure_signoffs.signoffs(db, disclosure_id, 2)] == [
        NEIGHBOUR,
        OFFICIAL,
    ]
    assert [s.round for s in disclosure_signoffs.signoffs(db, disclosure_id)] == [1, 2, 2]
