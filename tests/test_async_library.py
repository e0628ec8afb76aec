"""The HTTP client's async-library check, answered without searching sys.path at each request."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from httpcore._synchronization import current_async_library

from bot.delivery.async_library import remember_sniffio_missing


@pytest.fixture
def modules(monkeypatch):
    """sys.modules without sniffio; whatever the test records for it is undone after."""
    monkeypatch.setitem(sys.modules, "sniffio", None)  # undone by deleting it again
    del sys.modules["sniffio"]
    return sys.modules


async def test_a_missing_sniffio_is_remembered_and_asyncio_still_named(modules, monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert remember_sniffio_missing() is True
    assert modules["sniffio"] is None
    with pytest.raises(ModuleNotFoundError):
        import sniffio  # noqa: F401
    assert current_async_library() == "asyncio"


def test_an_installed_sniffio_is_left_alone(modules, monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    assert remember_sniffio_missing() is False
    assert "sniffio" not in modules
