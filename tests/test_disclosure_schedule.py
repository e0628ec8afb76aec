"""Scheduled publication and reminders: catch-up after downtime, exactly once (DESIGN §4)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import ConfigError, parse_config
from run import Runtime
from storage import members, users
from tests.conftest import STAFF, make_config

CHANNEL = -1001000000001


def grant(rt, user_id, role):
    with rt.store.transaction() as db:
        users.ensure(db, user_id)
        members.add(db, user_id, role, "qingshan")


def approved_notice(rt) -> int:
    disclosures = rt.services.disclosures
    grant(rt, 1002, "official")
    grant(rt, 1003, "supervisor")
    official = rt.services.membership.person(1002)
    disclosures.drafting.start(official, "notice")
    disclosures.drafting.choose_category(official, 6)
    disclosures.form.handle_text(official, "2026Q4")
    disclosures.form.handle_text(official, "第四季度政策公告")
    step = disclosures.form.handle_text(official, "本季度修路补助政策说明。")
    d = disclosures.submission.submit(official, step.disclosure.id)
    d = disclosures.signoff.approve(rt.services.membership.person(1003), d.id, 1)
    assert d.status == "approved"
    return d.id


async def test_bot_down_over_publication_time_publishes_once_on_start(tmp_path, emulator):
    config = make_config(tmp_path, emulator)
    first = Runtime(config)
    await first.start()
    disclosure_id = approved_notice(first)
    assert first.services.ticker.run(datetime(2027, 1, 9, tzinfo=UTC))["disclosures.publish"] == 0
    await first.stop()  # down over 2027-01-10 09:00
    second = Runtime(config)
    await second.start()
    try:
        later = datetime(2027, 1, 12, 3, 0, tzinfo=UTC)
        assert second.services.ticker.run(later)["disclosures.publish"] == 1
        assert second.services.ticker.run(later)["disclosures.publish"] == 0
        db = second.store.db
        status = db.execute("SELECT status FROM disclosures WHERE id = ?", [disclosure_id])
        assert status.fetchone()[0] == "published"
        keys = [
            r[0]
            for r in db.execute(
                "SELECT idempotency_key FROM outbox WHERE chat_id = ?", [CHANNEL]
            ).fetchall()
        ]
        assert keys == [f"publish:{disclosure_id}:chat:0"]
        filings = db.execute("SELECT count(*) FROM disclosure_filings").fetchone()[0]
        assert filings == 1
    finally:
        await second.stop()


async def test_reminders_and_township_alert_once_each(runtime, emulator):
    rt = runtime
    grant(rt, 1002, "official")
    grant(rt, 1003, "supervisor")
    remind = rt.services.disclosures.reminders.remind
    assert remind(datetime(2027, 1, 1, 2, 0, tzinfo=UTC)) == 2  # day 1: official + supervisor
    assert remind(datetime(2027, 1, 1, 5, 0, tzinfo=UTC)) == 0
    assert remind(datetime(2027, 1, 9, 2, 0, tzinfo=UTC)) == 2  # day 8 reached (caught up on 9)
    assert remind(datetime(2027, 1, 16, 2, 0, tzinfo=UTC)) == 1  # township staff, SCH-09
    assert remind(datetime(2027, 1, 17, 2, 0, tzinfo=UTC)) == 0
    assert remind(datetime(2027, 2, 1, 2, 0, tzinfo=UTC)) == 0  # not a quarter's first month
    alert = rt.store.db.execute(
        "SELECT payload FROM outbox WHERE idempotency_key = ?", [f"late:2026Q4:{STAFF}"]
    ).fetchone()
    assert "青山村" in alert[0] and "河西村" in alert[0]


def test_disclosure_config_defaults_and_errors(tmp_path, emulator=None):
    base = {"villages": [{"code": "qingshan", "name": "青山村"}]}
    config = parse_config(base, environ={})
    assert config.disclosure.required_signoffs == "all"
    assert config.disclosure.publish_day == 10 and config.disclosure.reminder_days == (1, 8)
    assert config.disclosure.categories[0] == "财务收支"
    two = parse_config({**base, "disclosure": {"required_signoffs": 2}}, environ={})
    assert two.disclosure.required_signoffs == 2
    for bad, key in (
        ({"required_signoffs": "most"}, "disclosure.required_signoffs"),
        ({"required_signoffs": 0}, "disclosure.required_signoffs"),
        ({"publish_time": "9am"}, "disclosure.publish_time"),
        ({"publish_day": 31}, "disclosure.publish_day"),
        ({"categories": ["a", "a"]}, "disclosure.categories[1]"),
        ({"township_alert_day": 12}, "disclosure.township_alert_day"),
        ({"publish_dya": 3}, "disclosure.publish_dya"),
    ):
        try:
            parse_config({**base, "disclosure": bad}, environ={})
        except ConfigError as error:
            assert error.key == key, (bad, error)
        else:
            raise AssertionError(f"accepted {bad}")


def test_township_digest_names_villages_late_with_their_quarterly_disclosure(tmp_path):
    """SCH-09: from the day after the deadline, the daily digest lists late villages."""
    from datetime import date

    from bot.config import parse_config
    from bot.services.bundle import Services
    from storage.db import Store

    config = parse_config(
        {"villages": [{"code": "qingshan", "name": "青山村"}, {"code": "hexi", "name": "河西村"}]},
        environ={},
    )
    store = Store(tmp_path / "d.db")
    services = Services.build(config, store)
    services.membership.sync_config()
    assert services.disclosures.reminders.digest_lines(store.db, date(2026, 10, 15)) == []
    (line,) = services.disclosures.reminders.digest_lines(store.db, date(2026, 10, 16))
    assert line == (
        "disc.digest_late",
        {"period": "2026Q3", "villages": "河西村、青山村", "count": 2},
    )
    assert services.disclosures.reminders.digest_lines in services.topic_schedule.sections
    store.close()


def test_a_disclosure_covers_a_quarter_month_or_day_written_any_way_but_not_a_year():
    from datetime import date

    from bot.services.disclosures.publication_calendar import (
        disclosure_period,
        publication_month,
    )

    assert disclosure_period("2026年第三季度").text == "2026Q3"
    assert disclosure_period("２０２６年９月").text == "2026-09"
    assert disclosure_period("2026年9月15日").first == date(2026, 9, 15)
    assert disclosure_period("2026") is None and disclosure_period("2026年") is None
    assert publication_month(disclosure_period("2026Q4")) == (2027, 1)
    assert publication_month(disclosure_period("2026-05")) == (2026, 6)
    assert publication_month(disclosure_period("2026-05-20")) is None
