"""Every permission is decided by the one table (DESIGN §2): no command, button, service or web
endpoint compares a person's role itself. A new `m.role == "official"`, `who.has("township")` or
`person.is_township` outside the table and the code that grants and ends roles fails here."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.services.people import ROLES

ROOT = Path(__file__).resolve().parents[1]
TREES = ("bot", "handlers", "run.py")

# Files whose business is roles themselves, each for its reason.
EXEMPT = {
    "bot/services/permissions.py": "the table and its reading",
    "bot/services/people.py": "the person and the roles they hold",
    "bot/services/membership.py": "joining, invites, /revoke and /leave grant and end roles",
    "bot/services/role_endings.py": "what happens when a role ends",
    "bot/sandbox/demo.py": "seeds the sandbox's demo people with their roles",
    "bot/services/township_scope.py": "the township a staff role reads and an invite grants",
}
# Single expressions that read a role without deciding a permission (none today).
ALLOWED: set[tuple[str, str]] = set()


def _is_role_name(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in ROLES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and all(_is_role_name(e) for e in node.elts)
    return False


def _reads_role(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in ("role", "role_names")


def _names_role(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return "role" in name


def _checks_role(node: ast.AST) -> bool:
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        named = any(_names_role(o) for o in operands)
        return any(_reads_role(o) for o in operands) or (
            named and any(_is_role_name(o) for o in operands)
        )
    if isinstance(node, ast.Attribute):
        return node.attr == "is_township"
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("has", "require")
        and bool(node.args)
        and _is_role_name(node.args[0])
    )


def role_checks(tree: ast.AST) -> list[ast.AST]:
    """Comparisons with a role, and the person's own role tests (`has`, `require`, ...)."""
    return [node for node in ast.walk(tree) if _checks_role(node)]


def _sources() -> list[Path]:
    paths: list[Path] = []
    for name in TREES:
        top = ROOT / name
        paths.extend([top] if top.is_file() else sorted(top.rglob("*.py")))
    return paths


def test_no_role_check_outside_the_table():
    strays = []
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        if rel in EXEMPT:
            continue
        for node in role_checks(ast.parse(path.read_text(encoding="utf-8"))):
            where = (rel, ast.unparse(node))
            if where not in ALLOWED:
                strays.append(f"{rel}:{node.lineno}: {where[1]}")
    assert not strays, "decide these through bot/services/permissions.py:\n" + "\n".join(strays)


def test_the_detector_sees_each_way_of_checking_a_role():
    caught = [
        'if m.role == "official": pass',
        'ok = who.role in ("official", "supervisor")',
        'ok = "township" != person.roles[0].role',
        'ok = role == "resident"',
        "ok = person.is_township",
        'who.require("township")',
        'ok = who.has("official", code)',
        'ok = "official" in who.role_names',
    ]
    for source in caught:
        assert role_checks(ast.parse(source)), source
    missed = [
        'require(who, "topic.urge")',
        'ok = allowed(who, "topic.stats", village=code)',
        'ok = kind == "notice"',
        'ok = topic.routed_to == "township"',
        "ok = calendar_days.has(db, day)",
    ]
    for source in missed:
        assert not role_checks(ast.parse(source)), source


def test_the_allowances_are_still_there():
    # An allowance left behind after its code moved would silently allow the next check there.
    seen = set()
    for rel, _ in ALLOWED:
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        seen |= {(rel, ast.unparse(n)) for n in role_checks(tree)}
    assert seen >= ALLOWED
    for rel in EXEMPT:
        assert (ROOT / rel).is_file(), rel
