"""The Bot API reference in the repository: the version the code targets, derived exactly from
the full reference when one is named by $BOTAPI_FULL_REFERENCE (the repository itself holds
everything its tests need; the full reference is only for checking the shipped copy)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.sandbox.emulator.reference import BOT_API_VERSION, SHIPPED, slim

FULL = Path(os.environ.get("BOTAPI_FULL_REFERENCE", "/nonexistent/bot-api-10.1.json"))


def test_shipped_reference_is_the_version_the_code_targets():
    assert BOT_API_VERSION == "10.1"
    assert SHIPPED.name == "bot-api-10.1.slim.json" and SHIPPED.is_file()
    assert json.loads(SHIPPED.read_text(encoding="utf-8"))["version"] == "Bot API 10.1"


@pytest.mark.skipif(
    not FULL.is_file(), reason="no full Bot API reference named by $BOTAPI_FULL_REFERENCE"
)
def test_shipped_reference_is_derived_from_the_full_reference():
    full = json.loads(FULL.read_text(encoding="utf-8"))
    # On a mismatch: python -m bot.sandbox.emulator "$BOTAPI_FULL_REFERENCE"
    assert json.loads(SHIPPED.read_text(encoding="utf-8")) == slim(full)
