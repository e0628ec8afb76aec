"""Starting the bot does not load the heavy libraries: each is imported where it is first used."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("matplotlib", "reportlab", "openpyxl", "segno", "jieba", "numpy", "pkg_resources")


def test_import_run_leaves_the_heavy_libraries_unloaded():
    probe = f"import sys, run; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
