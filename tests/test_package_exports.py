"""The package's public names: each resolves, is the object its module defines, and importing
the package imports none of them (the engine, SQLAlchemy and the models load on first use)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

import wijkteamkit

PROBE = """
import json, sys
import wijkteamkit
before = sorted(sys.modules)
wijkteamkit.Casework
print(json.dumps({"before": before, "after": sorted(sys.modules)}))
"""


def modules_around_first_use() -> dict[str, list[str]]:
    """The modules loaded by ``import wijkteamkit``, and after ``wijkteamkit.Casework``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


def heavy(modules: list[str]) -> set[str]:
    return {
        name
        for name in modules
        if name.split(".")[0] in ("sqlalchemy", "pydantic")
        or name.startswith(("wijkteamkit.engine", "wijkteamkit.domain"))
    }


def test_importing_the_package_is_lazy_until_a_name_is_used() -> None:
    modules = modules_around_first_use()
    assert not heavy(modules["before"])
    assert {"wijkteamkit.engine.casework", "sqlalchemy"} <= heavy(modules["after"])


@pytest.mark.parametrize("name", sorted(set(wijkteamkit.__all__) - {"__version__", "hookimpl"}))
def test_every_exported_name_resolves_to_its_definition(name: str) -> None:
    value = getattr(wijkteamkit, name)
    assert getattr(importlib.import_module(value.__module__), name) is value


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Caseworks'"):
        _ = wijkteamkit.Caseworks  # type: ignore[attr-defined]
