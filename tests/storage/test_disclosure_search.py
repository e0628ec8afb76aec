"""storage.disclosure_search: full-text search over published versions."""

from __future__ import annotations

from storage import disclosure_search
from tests.storage.factories import disclosure


def test_long_and_short_terms_both_match(db):
    disclosure_id = disclosure(db)
    disclosure_search.index(db, disclosure_id, "三月村务", "村口修路工程", "水泥 500")
    assert disclosure_search.search(db, ["修路工程"], None, 10) == [disclosure_id]
    assert disclosure_search.search(db, ["修路"], None, 10) == [disclosure_id]
    assert disclosure_search.search(db, ["水泥"], None, 10) == [disclosure_id]


def test_every_term_must_match(db):
    disclosure_search.index(db, disclosure(db), "三月村务", "村口修路工程", "")
    assert disclosure_search.search(db, ["修路", "桥梁"], None, 10) == []


def test_no_terms_find_nothing(db):
    disclosure_search.index(db, disclosure(db), "三月村务", "修路", "")
    assert disclosure_search.search(db, [], None, 10) == []


def test_search_filters_by_village(db):
    here, there = disclosure(db), disclosure(db, village_code="hexi")
    disclosure_search.index(db, here, "修路", "", "")
    disclosure_search.index(db, there, "修路", "", "")
    assert disclosure_search.search(db, ["修路"], "hexi", 10) == [there]


def test_indexing_again_replaces_the_entry(db):
    disclosure_id = disclosure(db)
    disclosure_search.index(db, disclosure_id, "旧标题", "", "")
    disclosure_search.index(db, disclosure_id, "新标题", "", "")
    assert disclosure_search.search(db, ["旧标题"], None, 10) == []
    assert disclosure_search.search(db, ["新标题"], None, 10) == [disclosure_id]
