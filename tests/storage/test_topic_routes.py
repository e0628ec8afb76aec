"""storage.topic_routes: which official receives a village's category."""

from __future__ import annotations

from storage import topic_routes
from tests.storage.factories import FILED, NEIGHBOUR, OFFICIAL, STAFF


def test_routes_map_categories_to_officials_of_one_village(db):
    topic_routes.set_route(db, "qingshan", "roads", OFFICIAL, STAFF, FILED)
    topic_routes.set_route(db, "qingshan", "head", NEIGHBOUR, STAFF, FILED)
    topic_routes.set_route(db, "hexi", "roads", NEIGHBOUR, STAFF, FILED)
    assert topic_routes.routes(db, "qingshan") == {"roads": OFFICIAL, "head": NEIGHBOUR}


def test_setting_a_route_again_replaces_it(db):
    topic_routes.set_route(db, "qingshan", "roads", OFFICIAL, STAFF, FILED)
    topic_routes.set_route(db, "qingshan", "roads", NEIGHBOUR, STAFF, FILED)
    assert topic_routes.routes(db, "qingshan") == {"roads": NEIGHBOUR}


def test_clearing_a_route_says_whether_there_was_one(db):
    topic_routes.set_route(db, "qingshan", "roads", OFFICIAL, STAFF, FILED)
    assert topic_routes.clear_route(db, "qingshan", "roads")
    assert not topic_routes.clear_route(db, "qingshan", "roads")
    assert topic_routes.routes(db, "qingshan") == {}
