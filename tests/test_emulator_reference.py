"""The Bot API reference in the repository: the version the code targets, derived exactly from
the full reference when that lies beside the repository (../shared/reference in the workspace)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.sandbox.emulator.reference import BOT_API_VERSION, SHIPPED, slim

FULL = Path(__file__).resolve().parents[2] / "shared" / "reference" / "bot-api-10.1.json"


def test_shipped_reference_is_the_version_the_code_targets():
    assert BOT_API_VERSION == "10.1"
    assert SHIPPED.name == "bot-api-10.1.slim.json" and SHIPPED.is_file()
    assert json.loads(SHIPPED.read_text(encoding="utf-8"))["version"] == "Bot API 10.1"


@pytest.mark.skipif(
    not FULL.is_file(), reason=f"no full Bot API reference beside the repository ({FULL})"
)
def test_shipped_reference_is_derived_from_the_full_reference():
    full = json.loads(FULL.read_text(encoding="utf-8"))
    # On a mismatch: python -m bot.sandbox.emulator ../shared/reference/bot-api-10.1.json
    assert json.loads(SHIPPED.read_text(encoding="utf-8")) == slim(full)
