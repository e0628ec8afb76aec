"""Tampering is visible (SEC-11, ARC-01, AUD-02): published versions, their rows, filing records
and audit events cannot be changed or deleted; when someone gets round the triggers anyway, the
disclosure page warns, `run.py verify` names the first break, and the index shows the chain head.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import run
from bot.services.bundle import Services
from bot.services.disclosures.tamper_check import Break, first_break
from storage import audit, disclosure_filings
from tests.procs import bot_config, write_config
from tests.test_web_disclosures import Demo, client, demo, services, text_of

__all__ = ["client", "demo", "services"]  # fixtures, imported for pytest

FORBIDDEN = [
    pytest.param("UPDATE disclosure_rows SET amount_fen = 1 WHERE disclosure_id = {id}", id="row"),
    pytest.param("DELETE FROM disclosure_rows WHERE disclosure_id = {id}", id="row-delete"),
    pytest.param(
        "INSERT INTO disclosure_rows (disclosure_id, position, section, data, amount_fen) "
        "VALUES ({id}, 99, 'income', '{{}}', 1)",
        id="row-insert",
    ),
    pytest.param("UPDATE disclosures SET title = 'x' WHERE id = {id}", id="title"),
    pytest.param("UPDATE disclosures SET closing_fen = 1 WHERE id = {id}", id="balance"),
    pytest.param("UPDATE disclosures SET status = 'draft' WHERE id = {id}", id="unpublish"),
    pytest.param("DELETE FROM disclosures WHERE id = {id}", id="delete"),
    pytest.param("UPDATE disclosure_filings SET checksum = 'x'", id="filing"),
    pytest.param("DELETE FROM disclosure_filings", id="filing-delete"),
    pytest.param("UPDATE audit_events SET action = 'x'", id="audit"),
    pytest.param("DELETE FROM audit_events", id="audit-delete"),
]


@pytest.mark.parametrize("sql", FORBIDDEN)
def test_published_data_filings_and_audit_events_cannot_be_rewritten(services, demo, sql):
    assert audit.recent(services.store.db)  # publication left audit events to protect
    with pytest.raises(sqlite3.IntegrityError, match=r"immutable|append-only"):
        services.store.db.execute(sql.format(id=demo.ledger_v2))


def test_a_superseded_version_is_frozen_too(services, demo):
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        services.store.db.execute(
            "UPDATE disclosures SET status = 'published' WHERE id = ?", [demo.ledger_v1]
        )


def test_drafts_stay_editable(services, demo):
    db = services.store.db
    db.execute("UPDATE disclosures SET title = '改个标题' WHERE id = ?", [demo.draft])
    db.execute("DELETE FROM disclosures WHERE id = ?", [demo.draft])


def forge_amount(services: Services, disclosure_id: int) -> None:
    """What someone with the database file can do: drop the trigger and change a figure."""
    db = services.store.db
    db.execute("DROP TRIGGER disclosure_rows_published_no_update")
    db.execute(
        "UPDATE disclosure_rows SET amount_fen = amount_fen + 100000 "
        "WHERE disclosure_id = ? AND section = 'expense'",
        [disclosure_id],
    )


async def test_an_intact_page_has_no_warning(client, demo):
    html = await (await client.get(f"/d/{demo.ledger_v2}")).text()
    assert 'id="tampered"' not in html


async def test_a_changed_amount_shows_a_warning_on_its_page(client, services, demo):
    forge_amount(services, demo.ledger_v2)
    response = await client.get(f"/d/{demo.ledger_v2}")
    text = text_of(await response.text())
    assert "警告" in text and "校验码对不上" in text
    english = await (await client.get(f"/d/{demo.ledger_v2}?lang=en")).text()
    assert "no longer matches the checksum" in text_of(english)
    # Only the changed version warns.
    assert 'id="tampered"' not in await (await client.get(f"/d/{demo.ledger_v1}")).text()


def test_verify_finds_nothing_on_an_untouched_database(services, demo):
    assert first_break(services.store.db) is None


def test_verify_names_the_first_changed_version(services, demo):
    forge_amount(services, demo.ledger_v2)
    forge_amount_too = demo.hexi_late  # a later version changed as well: still the first named
    services.store.db.execute(
        "UPDATE disclosure_rows SET amount_fen = 1 WHERE disclosure_id = ?", [forge_amount_too]
    )
    assert first_break(services.store.db) == Break(demo.ledger_v2, "content")


def test_verify_names_a_filing_record_changed_behind_the_triggers(services, demo):
    db = services.store.db
    db.execute("DROP TRIGGER disclosure_filings_no_update")
    db.execute(
        "UPDATE disclosure_filings SET drafted_by_name = '别人' WHERE disclosure_id = ?",
        [demo.subsidy],
    )
    assert first_break(db) == Break(demo.subsidy, "record")


def test_verify_names_the_record_after_a_removed_one(services, demo):
    db = services.store.db
    db.execute("DROP TRIGGER disclosure_filings_no_delete")
    db.execute("DROP TRIGGER disclosures_published_no_delete")
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("DELETE FROM disclosure_filings WHERE disclosure_id = ?", [demo.subsidy])
    following = [f.disclosure_id for f, _ in disclosure_filings.chain(db)]
    assert first_break(db) == Break(following[following.index(demo.ledger_v2) + 1], "chain")


def test_verify_names_a_version_published_without_a_record(services, demo):
    db = services.store.db
    db.execute("DROP TRIGGER disclosure_filings_no_delete")
    last = list(disclosure_filings.chain(db))[-1][0].disclosure_id
    db.execute("DELETE FROM disclosure_filings WHERE disclosure_id = ?", [last])
    assert first_break(db) == Break(last, "unfiled")


def config_file(tmp_path: Path) -> Path:
    return write_config(tmp_path / "config.toml", bot_config(tmp_path, token="1:x"))


def test_the_verify_command_exits_zero_or_names_the_break(tmp_path, services, demo, capsys):
    path = config_file(tmp_path)  # the same database file as the services fixture
    assert run.main(["--config", str(path), "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    forge_amount(services, demo.ledger_v2)
    assert run.main(["--config", str(path), "verify"]) == run.EXIT_TAMPERED
    err = capsys.readouterr().err
    assert f"disclosure {demo.ledger_v2}" in err and "checksum" in err


async def test_the_index_shows_the_chain_head(client, services, demo):
    head = disclosure_filings.head(services.store.db)
    html = await (await client.get("/")).text()
    assert head in html and 'id="filing-chain"' in html


def test_the_chain_head_moves_with_each_publication(services, demo: Demo):
    board = services.disclosures.board
    assert board.chain_head() == disclosure_filings.head(services.store.db)
    records = list(disclosure_filings.chain(services.store.db))
    assert board.chain_head() == records[-1][0].hash != records[-2][0].hash
