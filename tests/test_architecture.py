"""The shape of the tree, checked on every run: small modules and functions with names that say
what they hold (the import arrows are checked by import-linter in `make test`)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Migrations are a ledger of schema steps, each one whole; they are the one exception.
EXEMPT = {ROOT / "storage" / "migrations.py"}
MODULE_LINES, FUNCTION_LINES = 400, 60


def product_files() -> list[Path]:
    files = [ROOT / "run.py"]
    for folder in ("bot", "handlers", "storage"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return [f for f in files if f not in EXEMPT]


def test_no_module_is_over_400_lines():
    long = {
        str(f.relative_to(ROOT)): n
        for f in product_files()
        if (n := len(f.read_text().splitlines())) > MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_60_lines():
    long = []
    for f in product_files():
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > FUNCTION_LINES:
                    long.append(f"{f.relative_to(ROOT)}:{node.lineno} {node.name} ({length})")
    assert long == []


def test_module_names_are_unique_across_the_tree():
    names = Counter(f.name for f in product_files() if f.name not in ("__init__.py", "__main__.py"))
    assert [name for name, count in names.items() if count > 1] == []
