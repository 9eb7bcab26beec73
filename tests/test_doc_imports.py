"""One canonical import path: code in the docs, the README and the example scripts imports public
names from ``wijkteamkit`` itself (the models, the engine, its case inputs and errors), never from
``wijkteamkit.domain`` or another module that holds them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import wijkteamkit

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SCRIPTS = sorted((ROOT / "examples").rglob("*.py"))
FENCE = re.compile(r"^```(?:python|py)\n(.*?)^```$", re.M | re.S)
PUBLIC = frozenset(name for name in dir(wijkteamkit) if not name.startswith("_"))


def private_imports(code: str) -> list[str]:
    """The ``from wijkteamkit.X import ...`` statements that should import from ``wijkteamkit``:
    any from ``wijkteamkit.domain``, and any other that imports a name the package exports."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        if not node.module.startswith("wijkteamkit."):
            continue
        names = {alias.name for alias in node.names}
        if node.module == "wijkteamkit.domain" or names & PUBLIC:
            found.append(f"from {node.module} import {', '.join(sorted(names))}")
    return found


def test_the_check_finds_a_private_path() -> None:
    assert private_imports("from wijkteamkit.domain import Team")
    assert private_imports("from wijkteamkit.loading import load")
    assert private_imports("from wijkteamkit.domain.team import Team")
    assert private_imports("from wijkteamkit.engine.casework import Casework")
    assert private_imports("from wijkteamkit.domain.case import Actor, Role")
    assert private_imports("from wijkteamkit.engine.errors import AccessDenied")
    assert private_imports("from wijkteamkit.loading import load_one")
    assert not private_imports("from wijkteamkit import Actor, Casework, CaseworkError, load_one")
    assert not private_imports("from wijkteamkit import Team, hookimpl")
    assert not private_imports("from wijkteamkit.domain.events import SignalReceived")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_code_blocks_import_public_names_from_the_package(page: Path) -> None:
    found = [
        statement
        for block in FENCE.findall(page.read_text(encoding="utf-8"))
        for statement in private_imports(block)
    ]
    assert not found, (
        f"{page.name} imports public names from a private path: {found}; write "
        "`from wijkteamkit import ...` (the one canonical import path, docs/plugins.md)"
    )


def test_there_are_example_scripts() -> None:
    assert SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_example_scripts_import_public_names_from_the_package(script: Path) -> None:
    found = private_imports(script.read_text(encoding="utf-8"))
    assert not found, f"{script.name} imports public names from a private path: {found}"
