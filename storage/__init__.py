"""The SQLite layer. sqlite-utils is loaded here without numpy and pandas: it imports them only
to map their number types to columns, we never store their values, and numpy alone adds about
11 MB to the serving process (it is still imported where a chart needs it)."""

import sys

_blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
for _name in _blocked:
    sys.modules[_name] = None  # type: ignore[assignment]  # an import of it fails: skipped
try:
    import sqlite_utils  # noqa: F401
finally:
    for _name in _blocked:
        if sys.modules.get(_name, False) is None:
            del sys.modules[_name]
