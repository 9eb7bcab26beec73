"""One exit-code enum, documented as it is, and one path from an exception to an exit code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkteamkit.cli.app import app
from wijkteamkit.cli.common import CliError, ExitCode
from wijkteamkit.cli.guard import exit_code_of

CLI_MD = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
SRC = Path(__file__).resolve().parent.parent / "src" / "wijkteamkit"


def _section(title: str) -> str:
    text = CLI_MD.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def documented_exit_codes(section: str) -> list[tuple[int, str]]:
    """The ``(code, name)`` rows of the exit-code table in ``section``."""
    return [
        (int(code), name)
        for code, name in re.findall(r"^\| `(\d+)` \| `([A-Z_]+)` \|", section, re.MULTILINE)
    ]


def test_the_exit_code_table_lists_every_member_of_the_enum_in_order() -> None:
    assert documented_exit_codes(_section("Exit codes")) == [(c.value, c.name) for c in ExitCode]


def test_a_table_missing_a_member_is_caught() -> None:
    section = _section("Exit codes").replace("| `141` | `PIPE` |", "| `141` | pipe |")
    assert documented_exit_codes(section) != [(c.value, c.name) for c in ExitCode]


def test_every_exit_of_the_json_error_codes_table_is_a_member() -> None:
    exits = re.findall(r"^\| `[a-z-]+` \| (\d+) \|", _section("Errors"), re.MULTILINE)
    assert exits and {int(e) for e in exits} <= {c.value for c in ExitCode}


def test_no_command_keeps_exit_constants_or_reports_an_error_itself() -> None:
    sources = {path.name: path.read_text(encoding="utf-8") for path in (SRC / "cli").glob("*.py")}
    constants = sorted(name for name, text in sources.items() if re.search(r"\bEXIT_[A-Z]", text))
    reporting = sorted(
        name
        for name, text in sources.items()
        if "report_error(" in text and name not in {"common.py", "guard.py"}
    )
    assert (constants, reporting) == ([], [])


def test_a_cli_error_becomes_its_exit_code_and_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = exit_code_of(CliError("no such\nthing", ExitCode.FINDINGS, "refused"))
    assert code is ExitCode.FINDINGS
    assert capsys.readouterr().err == "wijkteamkit: error: no such thing\n"


def test_an_error_already_in_the_document_is_not_printed_twice() -> None:
    result = CliRunner().invoke(app, ["plugins", "--plugin-file", "missing.py", "--format", "json"])
    assert result.exit_code == ExitCode.CANNOT_RUN
    document = json.loads(result.stdout)  # one JSON document, not the document plus an object
    assert document["ok"] is False
    assert document["error"] == {
        "code": "load",
        "exit": 2,
        "message": "1 plugin problem; fix or remove each plugin named above",
    }
    assert result.stderr.splitlines() == [f"wijkteamkit: error: {document['error']['message']}"]


def test_an_error_not_in_a_document_is_written_as_the_json_error_object() -> None:
    result = CliRunner().invoke(app, ["show", "atlantis", "--format", "json"])
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert json.loads(result.stdout)["error"]["code"] == "unknown-municipality"
