"""Every rule code the engine can refuse with is described in docs/casework.md.

The codes are read from the engine's source: ``rule="..."`` keywords, the rule argument of
``require_valid``, ``Tx.refuse`` and ``_refuse_query``, and the ``rule`` class attributes of the error classes. A new refusal without a
row in the table "Rules the engine enforces" fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import wijkteamkit

ENGINE = Path(wijkteamkit.__file__).parent / "engine"
CASEWORK_MD = Path(__file__).parents[1] / "docs" / "casework.md"
TABLE = "## Rules the engine enforces"


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def engine_rule_codes() -> dict[str, set[str]]:
    """Each code the engine's source can refuse with, and the modules that use it."""
    codes: dict[str, set[str]] = {}
    for path in sorted(ENGINE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found: list[str | None] = []
            if isinstance(node, ast.Call):
                found += [_literal(k.value) for k in node.keywords if k.arg == "rule"]
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "require_valid" and len(node.args) >= 3:
                    found.append(_literal(node.args[2]))
                if name == "refuse" and len(node.args) >= 2:
                    found.append(_literal(node.args[1]))
                if name == "_refuse_query" and len(node.args) >= 3:
                    found.append(_literal(node.args[2]))
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and [
                        getattr(t, "id", None) for t in statement.targets
                    ] == ["rule"]:
                        found.append(_literal(statement.value))
            for code in filter(None, found):
                codes.setdefault(code, set()).add(path.name)
    return codes


def documented_rule_codes() -> set[str]:
    """The codes in the first column of the rules table of docs/casework.md."""
    text = CASEWORK_MD.read_text(encoding="utf-8")
    section = text.split(TABLE, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {code for row in rows for code in re.findall(r"`([a-z0-9-]+)`", row.split("|")[1])}


def test_the_engine_has_rule_codes() -> None:
    codes = engine_rule_codes()
    assert {"one-active-plan", "ladder", "transition", "conflict"} <= set(codes)


def test_every_engine_rule_code_is_documented() -> None:
    missing = {
        code: sorted(modules)
        for code, modules in engine_rule_codes().items()
        if code not in documented_rule_codes()
    }
    assert not missing, (
        f"docs/casework.md ({TABLE!r}) has no row for these rule codes (code: modules): {missing}"
    )


def test_every_documented_rule_code_exists() -> None:
    extra = sorted(documented_rule_codes() - set(engine_rule_codes()))
    assert not extra, f"docs/casework.md documents rule codes the engine never uses: {extra}"
