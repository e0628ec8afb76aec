"""The slim Bot API reference shipped with the sandbox matches the full one in shared/."""

from __future__ import annotations

import json

from bot.sandbox.emulator.reference import SHIPPED, slim
from tests.botapi_schema import schema_path


def test_shipped_reference_is_derived_from_the_full_reference():
    full = json.loads(schema_path().read_text(encoding="utf-8"))
    assert json.loads(SHIPPED.read_text(encoding="utf-8")) == slim(full)
