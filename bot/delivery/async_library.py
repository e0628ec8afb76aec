"""The HTTP client's question "which async library is running?", answered without a search.

httpcore asks at every request (for each of its locks) by importing sniffio, which this project
does not install: each failed import searches every directory on sys.path again (a few tens of
microseconds, and a directory listing whenever one of them changed). Recording the miss once
makes every later import fail at once, exactly as it would have failed anyway.
"""

from __future__ import annotations

import importlib.util
import sys


def remember_sniffio_missing() -> bool:
    """When sniffio is not installed, record that (True); an installed one is left alone."""
    if "sniffio" in sys.modules or importlib.util.find_spec("sniffio") is not None:
        return False
    sys.modules["sniffio"] = None  # an import of it now raises ModuleNotFoundError at once
    return True
