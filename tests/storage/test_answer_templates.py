"""storage.answer_templates: answer texts kept per village."""

from __future__ import annotations

from storage import answer_templates
from tests.storage.factories import FILED, OFFICIAL


def test_templates_are_kept_per_village_in_order(db):
    first = answer_templates.add(db, "qingshan", "路灯", "已报修，三天内修好。", OFFICIAL, FILED)
    second = answer_templates.add(db, "qingshan", "账目", "明细已张贴在公开栏。", OFFICIAL, FILED)
    answer_templates.add(db, "hexi", "路灯", "已报修。", OFFICIAL, FILED)
    kept = answer_templates.of_village(db, "qingshan")
    assert [(t.id, t.title) for t in kept] == [(first, "路灯"), (second, "账目")]
    assert kept[0].text == "已报修，三天内修好。" and kept[0].created_at == FILED
    assert answer_templates.get(db, second) == kept[1]


def test_removing_a_template_says_whether_there_was_one(db):
    number = answer_templates.add(db, "qingshan", "路灯", "已报修。", OFFICIAL, FILED)
    assert answer_templates.remove(db, number)
    assert not answer_templates.remove(db, number)
    assert answer_templates.get(db, number) is None
    assert answer_templates.of_village(db, "qingshan") == []
