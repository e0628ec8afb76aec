"""storage.villages: villages synced from the config."""

from __future__ import annotations

from storage import villages
from storage.villages import Village


def test_a_village_reads_back_with_every_field(db):
    assert villages.get(db, "qingshan") == Village("qingshan", "青山村", -1001, True)
    assert villages.get(db, "hexi").chat_id is None


def test_all_active_is_in_code_order(db):
    assert [v.code for v in villages.all_active(db)] == ["hexi", "qingshan"]


def test_active_among_reads_only_the_active_villages_named_in_code_order(db):
    assert [v.code for v in villages.active_among(db, ["qingshan", "hexi", "nowhere"])] == [
        "hexi",
        "qingshan",
    ]
    villages.sync(db, [("qingshan", "青山村", None)])
    assert villages.active_among(db, ["hexi"]) == []
    assert villages.active_among(db, []) == []


def test_a_village_left_out_of_the_config_is_deactivated_not_deleted(db):
    villages.sync(db, [("qingshan", "青山村", None)])
    assert villages.get(db, "hexi") is None
    assert [v.code for v in villages.all_active(db)] == ["qingshan"]
    assert db.execute("SELECT count(*) FROM villages").fetchone()[0] == 2


def test_sync_updates_name_and_chat_and_reactivates(db):
    villages.sync(db, [("qingshan", "青山村", None)])
    villages.sync(db, [("hexi", "河西新村", -2002)])
    assert villages.get(db, "hexi") == Village("hexi", "河西新村", -2002, True)
