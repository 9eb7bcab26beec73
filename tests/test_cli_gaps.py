"""Issue 10's command-line gaps: JSON errors on every command (9), strict dates on every date
option (10), unwrapped one-line output (11), and what ``show`` and ``tender show`` say (14, 15)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from wijkteamkit import Neighbourhood
from wijkteamkit.cli.app import app
from wijkteamkit.cli.common import plural
from wijkteamkit.cli.render import _target_group

MISSPELT = "nijmegn"

COMMANDS: dict[str, list[str]] = {
    "validate": ["validate", "{m}"],
    "show": ["show", "{m}"],
    "keys": ["keys", "{m}"],
    "budget": ["budget", "{m}"],
    "ingest": ["ingest", "{m}", "{feed}", "--database", "{db}"],
    "screen": ["screen", "{m}", "--database", "{db}"],
    "deadlines": ["deadlines", "{m}", "--database", "{db}"],
    "funding resolve": ["funding", "resolve", "begeleiding", "-m", "{m}", "--on", "2016-01-01"],
    "funding matrix": ["funding", "matrix", "{m}", "--on", "2016-01-01"],
    "tender show": ["tender", "show", "{m}"],
    "tender score": ["tender", "score", "{m}", "wijkaanpak"],
    "tender award": ["tender", "award", "{m}", "wijkaanpak"],
    "generate caseload": ["generate", "caseload", "{m}", "--households", "1", "--database", "{db}"],
    "indications import": ["indications", "import", "{m}", "{indications}", "--database", "{db}"],
    "indications ending": ["indications", "ending", "{m}", "--database", "{db}"],
}
"""Every command that loads a municipality and has ``--format json``, invoked minimally."""

NOT_LOADING = {"audit verify", "generate feed"}
"""Commands with a municipality option and ``--format`` that are not in COMMANDS: ``audit
verify`` takes a CBS code without loading it, ``generate feed``'s ``--format`` is the feed's."""

DATE_OPTIONS: dict[tuple[str, str], list[str]] = {
    ("validate", "--on"): ["validate", "{m}"],
    ("show", "--on"): ["show", "{m}"],
    ("demo", "--on"): ["demo", "{m}"],
    ("screen", "--on"): ["screen", "{m}", "--database", "{db}"],
    ("deadlines", "--on"): ["deadlines", "{m}", "--database", "{db}"],
    ("funding resolve", "--on"): ["funding", "resolve", "begeleiding", "-m", "{m}"],
    ("funding matrix", "--on"): ["funding", "matrix", "{m}"],
    ("funding matrix", "--compare"): ["funding", "matrix", "{m}", "--on", "2016-01-01"],
    ("tender export", "--published"): ["tender", "export", "{m}"],
    ("generate caseload", "--start"): ["generate", "caseload", "{m}", "--households", "1"],
    ("indications ending", "--on"): ["indications", "ending", "{m}", "--database", "{db}"],
}
"""Every option that takes a date, with an invocation that reaches it."""


def commands() -> Iterator[tuple[str, Any]]:
    """Every leaf command of the application, by its path (``"funding matrix"``)."""

    def walk(command: Any, path: list[str]) -> Iterator[tuple[str, Any]]:
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])
        if not hasattr(command, "commands"):
            yield " ".join(path), command

    return walk(typer.main.get_command(app), [])


def _options(command: Any) -> dict[str, Any]:
    return {o: p for p in command.params for o in getattr(p, "opts", ())}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "external_id,signal_date,creditor_kind,creditor,surname,initials,postcode,house_number\n"
    )
    indications = tmp_path / "indications.csv"
    indications.write_text("household,provision,law,valid_from\n")
    broken = tmp_path / "broken.py"
    broken.write_text("import wijkteamkit_no_such_module\n")
    return {
        "feed": str(feed),
        "indications": str(indications),
        "db": f"sqlite:///{tmp_path / 'none' / 'cases.db'}",
        "broken": str(broken),
    }


def invoke(template: list[str], municipality: str, files: dict[str, str], *extra: str) -> Result:
    args = [a.format(m=municipality, **files) for a in template]
    return CliRunner().invoke(app, [*args, *extra], env={"COLUMNS": "250"})


def json_error(result: Result) -> dict[str, Any]:
    """The error object on stdout, after checking the exit code and the one stderr line."""
    assert result.exit_code == 2, result.stdout + result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert result.stderr.splitlines() == [f"wijkteamkit: error: {document['error']['message']}"]
    error: dict[str, Any] = document["error"]
    return error


# -- gap 9: with --format json every error is also a JSON error object on stdout --


def test_every_loading_command_with_json_output_is_covered() -> None:
    found = {
        path
        for path, command in commands()
        if "--format" in _options(command)
        and any(p.name in ("municipality", "municipalities") for p in command.params)
    }
    assert found - NOT_LOADING == set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_a_misspelt_municipality_is_a_json_error(path: str, files: dict[str, str]) -> None:
    result = invoke(COMMANDS[path], MISSPELT, files, "--format", "json")
    assert json_error(result)["code"] == "unknown-municipality"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_a_plugin_that_fails_to_import_is_a_json_error(path: str, files: dict[str, str]) -> None:
    template = [*COMMANDS[path], "--plugin-file", "{broken}"]
    result = invoke(template, "nijmegen", files, "--format", "json")
    if path == "validate":  # its own document, carrying the error and the load errors
        document = json.loads(result.stdout)
        assert result.exit_code == 2 and document["error"]["code"] == "load"
        assert "wijkteamkit_no_such_module" in document["load_errors"][0]["message"]
    else:
        error = json_error(result)
        assert error["code"] == "load" and "wijkteamkit_no_such_module" in error["message"]


def test_without_json_an_error_writes_nothing_to_stdout(files: dict[str, str]) -> None:
    result = invoke(COMMANDS["show"], MISSPELT, files)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("wijkteamkit: error: unknown municipality 'nijmegn'")


# -- gap 10: every date option is YYYY-MM-DD or exit 2 --


def test_every_date_option_is_covered() -> None:
    found = {
        (path, name)
        for path, command in commands()
        for name, option in _options(command).items()
        if name.startswith("--") and re.search(r"YYYY-MM-DD|\bdates?\b", option.help or "")
    }
    assert found == set(DATE_OPTIONS)


@pytest.mark.parametrize("key", sorted(DATE_OPTIONS), ids=" ".join)
def test_a_date_without_dashes_is_refused(key: tuple[str, str], files: dict[str, str]) -> None:
    path, option = key
    extra = [option, "20160601"]
    if "--format" in _options(dict(commands())[path]):
        error = json_error(invoke(DATE_OPTIONS[key], "nijmegen", files, *extra, "--format", "json"))
        assert error["code"] == "usage"
        assert error["message"].startswith(f"{option} '20160601' is not a date")
    result = invoke(DATE_OPTIONS[key], "nijmegen", files, *extra)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"wijkteamkit: error: {option} '20160601' is not a date")


@pytest.mark.parametrize("key", sorted(DATE_OPTIONS), ids=" ".join)
def test_a_dashed_date_passes_the_option(key: tuple[str, str], files: dict[str, str]) -> None:
    result = invoke(DATE_OPTIONS[key], MISSPELT, files, key[1], "2016-06-01")
    assert result.exit_code == 2  # it gets as far as the municipality
    assert "unknown municipality 'nijmegn'" in result.stderr


# -- gap 11: one line per finding and per load error, also when piped at 80 columns --


def test_validate_findings_are_one_line_each_when_piped() -> None:
    runner = CliRunner()  # 80 columns, not a terminal
    document = json.loads(runner.invoke(app, ["validate", "nijmegen", "--format", "json"]).stdout)
    findings = document["municipalities"][0]["findings"]
    assert any(len(f["message"]) > 80 for f in findings)
    text = runner.invoke(app, ["validate", "nijmegen"])
    assert len(text.stdout.splitlines()) == 1 + len(findings)
    for finding in findings:
        assert finding["message"] in text.stdout


def test_load_errors_are_one_unwrapped_line_each_on_stderr(tmp_path: Path) -> None:
    broken = tmp_path / ("a_plugin_with_a_rather_long_file_name_" * 2 + ".py")
    broken.write_text("import wijkteamkit_no_such_module\n")
    result = CliRunner().invoke(app, ["validate", "nijmegen", "--plugin-file", str(broken)])
    assert result.exit_code == 2
    assert str(broken) not in result.stdout
    first, last = result.stderr.splitlines()
    assert first.startswith(f"wijkteamkit: error: file {broken}: failed to import")
    assert "wijkteamkit_no_such_module" in first and len(first) > 80
    assert last == (
        "wijkteamkit: error: 1 plugin problem stopped loading; fix or remove each plugin named above"
    )


# -- gap 14: counts with their nouns, the target group, legal bases, procedures --


@pytest.mark.parametrize(
    ("count", "noun", "nouns", "said"),
    [
        (1, "error", None, "1 error"),
        (0, "error", None, "0 errors"),
        (2, "entry", "entries", "2 entries"),
        (1, "entry", "entries", "1 entry"),
    ],
)
def test_plural(count: int, noun: str, nouns: str | None, said: str) -> None:
    assert plural(count, noun, nouns) == said


def test_no_command_prints_a_noun_with_s_in_brackets() -> None:
    cli = Path(__file__).resolve().parent.parent / "src" / "wijkteamkit" / "cli"
    code = "\n".join(
        line
        for path in sorted(cli.glob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"f\"|f'", line)  # f-strings: output, not docstrings
    )
    assert re.findall(r"\w+\(s\)", code) == []


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"target_share": 0.25, "target_households": 900}, "25% (900 households)"),
        ({"target_share": 0.25, "households": 3600}, "25% of 3.600 households (≈ 900)"),
        ({"target_share": 0.25}, "25% (households not given)"),
        ({"target_households": 1}, "1 household"),
        ({}, ""),
    ],
)
def test_the_target_group_gives_share_and_households(fields: dict[str, Any], said: str) -> None:
    assert _target_group(Neighbourhood(key="wijk", name="Wijk", **fields)) == said


def _show(*args: str) -> str:
    result = CliRunner().invoke(app, ["show", *args], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_show_gives_postcodes_the_target_group_and_the_legal_bases() -> None:
    text = _show("nijmegen", "--on", "2015-06-01")
    lindenholt = next(line for line in text.splitlines() if "│ Lindenholt " in line)
    assert "6543-6546" in lindenholt and "15% (900 households)" in lindenholt
    (meldrecht,) = [line for line in text.splitlines() if "│ meldrecht-veilig-thuis" in line]
    assert "art. 5.2.6 wmo-2015" in meldrecht and "2015-01-01 – …" in meldrecht
    assert "legal bases" not in text  # listed, not counted


def test_show_on_a_day_before_a_legal_basis_leaves_it_out() -> None:
    assert "meldrecht-veilig-thuis" not in _show("nijmegen", "--on", "2012-06-01")


def test_show_says_when_a_neighbourhood_has_no_postcodes() -> None:
    (malburgen,) = [line for line in _show("arnhem").splitlines() if "│ malburgen" in line]
    assert "│ none" in malburgen


def test_tender_show_without_procedures_says_so_and_exits_0() -> None:
    runner = CliRunner()
    text = runner.invoke(app, ["tender", "show", "zwolle"])
    assert (text.exit_code, text.stdout) == (0, "Zwolle has no tender procedures\n")
    json_result = runner.invoke(app, ["tender", "show", "zwolle", "--format", "json"])
    assert (json_result.exit_code, json.loads(json_result.stdout)) == (0, [])


def test_tender_show_with_a_procedure_lists_it() -> None:
    text = CliRunner().invoke(app, ["tender", "show", "nijmegen"])
    assert text.exit_code == 0 and "no tender procedures" not in text.stdout
    assert text.stdout.startswith("noord-2013: ")


def test_shows_lines_outside_the_tables_are_not_wrapped_when_piped() -> None:
    result = CliRunner().invoke(app, ["show", "nijmegen"])  # 80 columns, not a terminal
    lines = result.stdout.splitlines()
    commissioned = next(line for line in lines if line.startswith("  commissioned by "))
    assert "criteria: " in commissioned and len(commissioned) > 80
    assert all(len(line) <= 80 for line in lines if line[:1] in "┏┃┡│└")  # tables fit
