"""storage.disclosure_forms: one guided form in progress per person."""

from __future__ import annotations

from storage import disclosure_forms
from tests.storage.factories import NEIGHBOUR, RESIDENT


def test_a_form_reads_back_its_step_and_data(db):
    disclosure_forms.set_form(db, RESIDENT, "title", {"kind": "notice", "rows": [1]})
    assert disclosure_forms.form(db, RESIDENT) == ("title", {"kind": "notice", "rows": [1]})
    assert disclosure_forms.form(db, NEIGHBOUR) is None


def test_setting_a_form_again_replaces_it(db):
    disclosure_forms.set_form(db, RESIDENT, "title", {})
    disclosure_forms.set_form(db, RESIDENT, "body", {"title": "三月"})
    assert disclosure_forms.form(db, RESIDENT) == ("body", {"title": "三月"})


def test_clearing_says_whether_there_was_a_form(db):
    disclosure_forms.set_form(db, RESIDENT, "title", {})
    assert disclosure_forms.clear_form(db, RESIDENT)
    assert not disclosure_forms.clear_form(db, RESIDENT)
