"""What a command imports, which keeps start-up fast (benchmarks/startup.py has the timings).

Each command runs in a fresh interpreter that then lists ``sys.modules``; no time is measured.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys

import pytest
import typer

from wijkteamkit.cli.app import COMMANDS, app

PROBE = """
import contextlib, io, json, sys
from wijkteamkit.cli.app import app
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = app(sys.argv[1:], standalone_mode=False)
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

RICH_HELP = ("rich", "markdown_it", "pygments")


@functools.cache
def imported_by(*args: str) -> frozenset[str]:
    """The modules imported by ``wijkteamkit ARGS`` (run once per ARGS)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("WIJKTEAMKIT_PLUGIN_DIR", "WIJKTEAMKIT_LOAD_PLUGINS")
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["code"] in (0, 1), result["code"]
    return frozenset(result["modules"])


def test_help_is_plain_and_imports_no_rich_markdown_or_pygments() -> None:
    modules = imported_by("--help")
    assert not {name for name in modules if name.split(".")[0] in RICH_HELP}


def test_help_loads_no_setup_models() -> None:
    assert "wijkteamkit.domain" not in imported_by("--help")


@pytest.mark.parametrize("args", [("show", "nijmegen")])
def test_text_output_imports_rich(args: tuple[str, ...]) -> None:
    assert "rich.console" in imported_by(*args)


@pytest.mark.parametrize(
    "args",
    [("validate", "nijmegen", "--format", "json"), ("show", "nijmegen", "--format", "json")],
)
def test_json_output_imports_no_rich(args: tuple[str, ...]) -> None:
    modules = imported_by(*args)
    assert "wijkteamkit.domain.setup" in modules  # the command did load the setup
    assert not {name for name in modules if name.split(".")[0] == "rich"}


@pytest.mark.parametrize(
    "module",
    [
        "wijkteamkit.domain.events",  # the event hooks' models
        "wijkteamkit.domain.case",  # households, actors, plans
        "wijkteamkit.engine.consent",  # the consent decision and its requests
    ],
)
def test_validating_a_setup_builds_no_casework_models(module: str) -> None:
    modules = imported_by("validate", "nijmegen", "--format", "json")
    assert "wijkteamkit.engine.policy" in modules  # the check that reads the policy ran
    assert module not in modules


def test_help_imports_no_command_module() -> None:
    modules = imported_by("--help")
    assert not {name for name in modules if name.endswith("_cmd")}


def test_a_command_imports_no_other_command_module() -> None:
    modules = imported_by("validate", "nijmegen", "--format", "json")
    commands = {name for name in modules if name.endswith("_cmd")}
    # plugins_cmd: validate shares its --plugin-file option
    assert commands == {"wijkteamkit.cli.validate_cmd", "wijkteamkit.cli.plugins_cmd"}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_summary_is_the_commands_first_sentence(name: str) -> None:
    group = typer.main.get_command(app)
    command = group.get_command(typer.Context(group), name)
    assert command is not None
    assert command.get_short_help_str(limit=1000) == COMMANDS[name].summary
