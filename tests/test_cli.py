"""The command line end to end, in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

TESTS = Path(__file__).parent

VALIDATE_SCHEMA = {
    "type": "object",
    "required": ["ok", "municipalities", "load_errors"],
    "properties": {
        "ok": {"type": "boolean"},
        "municipalities": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "name", "ok", "findings"],
                "properties": {
                    "findings": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["severity", "code", "location", "message", "plugin"],
                            "properties": {"severity": {"enum": ["error", "warning", "info"]}},
                        },
                    }
                },
            },
        },
        "load_errors": {
            "type": "array",
            "items": {"type": "object", "required": ["plugin", "message"]},
        },
    },
}


def town_file(folder: Path, name: str = "town.py", **parts: str) -> Path:
    """A plugin file exposing a SampleTown, with parts replaced by Python expressions."""
    overrides = ", ".join(f"{k}={v}" for k, v in parts.items())
    path = folder / name
    path.write_text(
        f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
        "from sample_town import SampleTown, defaults, members\n"
        f"_town = SampleTown({overrides})\n"
        + "".join(f"{hook} = _town.{hook}\n" for hook in dir_hooks())
    )
    return path


def dir_hooks() -> list[str]:
    sys.path.insert(0, str(TESTS))
    from sample_town import SampleTown

    return [name for name in dir(SampleTown) if name.startswith("wijkteamkit_")]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wijkteamkit", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture
def town(site: Path, tmp_path: Path) -> Path:
    return town_file(tmp_path)


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("plugins", "validate", "show"):
        assert command in result.stdout


def test_validate_clean_setup_exits_0(town: Path) -> None:
    result = run("validate", "--all", "--plugin-file", town)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "GM0001 Teststad: ok (0 errors, 0 warnings, 0 info)" in result.stdout


def test_validate_a_plugin_file_alone_checks_the_municipality_it_describes(
    town: Path, tmp_path: Path
) -> None:
    result = run("validate", "--plugin-file", town)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("GM0001 Teststad: ok")
    overlay = tmp_path / "overlay.py"
    overlay.write_text("def wijkteamkit_principles():\n    return []\n")
    refused = run("validate", "--plugin-file", overlay)
    assert refused.returncode == 2
    assert "no --plugin-file describes a municipality" in refused.stderr
    bare = run("validate")
    assert bare.returncode == 2 and bare.stderr.startswith(
        "wijkteamkit: error: name a MUNICIPALITY"
    )


def test_validate_errors_exit_1_and_json_has_the_documented_shape(
    site: Path, tmp_path: Path
) -> None:
    path = town_file(
        tmp_path, teams="[defaults()['teams'][0].model_copy(update={'members': members('nurse')})]"
    )
    result = run("validate", "GM0001", "--plugin-file", path, "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    jsonschema.validate(document, VALIDATE_SCHEMA)
    assert document["ok"] is False
    (municipality,) = document["municipalities"]
    assert (municipality["code"], municipality["name"], municipality["ok"]) == (
        "GM0001",
        "Teststad",
        False,
    )
    finding = next(f for f in municipality["findings"] if f["code"] == "team-size")
    assert finding["location"] == "teams/team-centrum/members"
    assert finding["plugin"] == f"file {path}"


def test_warnings_pass_unless_strict(site: Path, tmp_path: Path) -> None:
    path = town_file(
        tmp_path, principles="[defaults()['principles'][0].model_copy(update={'source': None})]"
    )
    assert run("validate", "teststad", "--plugin-file", path).returncode == 0
    strict = run("validate", "teststad", "--plugin-file", path, "--strict")
    assert strict.returncode == 1
    assert "missing-source" in strict.stdout


def test_on_date_changes_what_is_checked(town: Path) -> None:
    result = run(
        "validate", "GM0001", "--plugin-file", town, "--on", "2012-06-01", "--format", "json"
    )
    findings = json.loads(result.stdout)["municipalities"][0]["findings"]
    assert {"provision-unfunded", "consent-exception-inactive"} <= {f["code"] for f in findings}
    assert result.returncode == 1


def test_broken_plugin_exits_2_names_it_and_the_rest_still_validates(
    town: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def wijkteamkit_provide_teamz():\n    return []\n")
    result = run(
        "validate", "--all", "--plugin-file", town, "--plugin-file", broken, "--format", "json"
    )
    no_traceback(result)
    assert result.returncode == 2
    document = json.loads(result.stdout)
    jsonschema.validate(document, VALIDATE_SCHEMA)
    (error,) = document["load_errors"]
    assert error["plugin"] == f"file {broken}"
    assert "did you mean wijkteamkit_teams?" in error["message"]
    text = run("validate", "--all", "--plugin-file", town, "--plugin-file", broken)
    assert f"wijkteamkit: error: file {broken} (hook wijkteamkit_provide_teamz)" in text.stderr
    assert text.returncode == 2


def test_plugin_that_fails_to_import_exits_2_without_traceback(town: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("raise ImportError('no module named wijkdata')\n")
    result = run("validate", "--all", "--plugin-file", town, "--plugin-file", broken)
    no_traceback(result)
    assert result.returncode == 2
    assert "failed to import: ImportError: no module named wijkdata" in result.stderr
    assert "GM0001 Teststad: ok" not in result.stdout  # it may have been meant for GM0001


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["validate", "atlantis"],
            "wijkteamkit: error: unknown municipality 'atlantis'; known: GM0001 (Teststad).",
        ),
        (
            ["validate", "GM0001", "--on", "2012-13-01"],
            "wijkteamkit: error: --on '2012-13-01' is not a date",
        ),
        (
            ["validate", "GM0001", "--all"],
            "wijkteamkit: error: give MUNICIPALITY names or --all, not both",
        ),
        (["show", "atlantis"], "wijkteamkit: error: unknown municipality 'atlantis'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(town: Path, args: list[str], message: str) -> None:
    result = run(*args, "--plugin-file", town)
    no_traceback(result)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_two_plugins_claiming_one_code_exit_2(town: Path, tmp_path: Path) -> None:
    twin = town_file(tmp_path, name="twin.py")
    result = run("validate", "--all", "--plugin-file", town, "--plugin-file", twin)
    assert result.returncode == 2
    assert "claims GM0001 (Teststad), which file" in result.stderr


def test_show_json_is_the_setup_models_dump(town: Path) -> None:
    from sample_town import ON

    from wijkteamkit import load_municipality

    result = run("show", "teststad", "--plugin-file", town, "--format", "json")
    assert result.returncode == 0
    setup = load_municipality("GM0001", [town]).on(ON)  # as it stands on the reference date
    expected: dict[str, Any] = setup.model_dump(mode="json")
    assert json.loads(result.stdout) == expected


def test_show_on_a_date_keeps_what_is_valid_then(town: Path) -> None:
    result = run("show", "GM0001", "--plugin-file", town, "--on", "2012-06-01", "--format", "json")
    streams = {s["key"] for s in json.loads(result.stdout)["funding_streams"]}
    assert "awbz" in streams and "wmo-2015" not in streams


def test_show_text_has_the_tables(town: Path) -> None:
    result = run("show", "GM0001", "--plugin-file", town)
    assert result.returncode == 0
    for text in (
        "GM0001 Teststad",
        "Neighbourhoods",
        "Centrum",
        "team-centrum",
        "regieteam",
        "Budget b2016",
    ):
        assert text in result.stdout


def test_plugins_lists_layers_and_hooks(town: Path, tmp_path: Path) -> None:
    result = run("plugins", "--plugin-file", town, "--format", "json")
    assert result.returncode == 0
    entries = {e["name"]: e for e in json.loads(result.stdout)["plugins"]}
    national = entries["wijkteamkit.defaults.national"]
    assert national["layer"] == "national" and "wijkteamkit_laws" in national["hooks"]
    assert entries["town.py"]["layer"] == "municipality"
    assert entries["town.py"]["file"] == str(town)


def test_plugins_reports_a_broken_plugin_with_why(town: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def wijkteamkit_teams(town):\n    return []\n")
    result = run("plugins", "--plugin-file", town, "--plugin-file", broken, "--format", "json")
    no_traceback(result)
    assert result.returncode == 2
    entry = next(e for e in json.loads(result.stdout)["plugins"] if e["name"] == "broken.py")
    assert entry["ok"] is False and "town" in entry["error"]
