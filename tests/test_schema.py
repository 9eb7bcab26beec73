"""The JSON Schema of the TOML plugin format: current, checked in, and it agrees with loading."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from wijkteamkit.cli.app import app
from wijkteamkit.schema import plugin_schema, schema_text

ROOT = Path(__file__).resolve().parents[1]
CHECKED_IN = ROOT / "docs" / "wijkteamkit.schema.json"
BUNDLED = sorted(ROOT.glob("plugins/*/src/**/*.toml"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = plugin_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_the_schema_names_its_dialect_and_format() -> None:
    schema = plugin_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "wijkteamkit plugin (format 1)"
    assert {"format", "municipality", "consent_policy", "teams"} <= set(schema["properties"])


def test_the_checked_in_schema_is_current() -> None:
    assert CHECKED_IN.read_text(encoding="utf-8") == schema_text(), (
        "docs/wijkteamkit.schema.json is stale: run "
        "`wijkteamkit schema --output docs/wijkteamkit.schema.json`"
    )


def test_the_command_prints_and_writes_the_schema(tmp_path: Path) -> None:
    printed = CliRunner().invoke(app, ["schema"])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout) == plugin_schema()
    target = tmp_path / "wijkteamkit.schema.json"
    written = CliRunner().invoke(app, ["schema", "--output", str(target)])
    assert written.exit_code == 0 and written.stdout == ""
    assert target.read_text(encoding="utf-8") == schema_text()


def test_an_unwritable_output_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schema", "--output", str(tmp_path / "no" / "x.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith("wijkteamkit: error: could not write ")
    assert result.stderr.count("\n") == 1


def test_there_is_a_bundled_toml_plugin() -> None:
    assert any(path.name == "zwolle.toml" for path in BUNDLED)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_toml_plugin_validates(path: Path, validator: Draft202012Validator) -> None:
    document = _as_json(tomllib.loads(path.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(document)] == []


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ({"format": 2}, "2 is greater than the maximum of 1"),
        ({"teams": [{"name": "no key"}]}, "'key' is a required property"),
        ({"team": []}, "Additional properties are not allowed ('team' was unexpected)"),
        ({"municipality": {"code": "0193", "name": "Zwolle"}}, "does not match"),
    ],
)
def test_a_broken_document_fails(
    document: dict[str, Any], complaint: str, validator: Draft202012Validator
) -> None:
    errors = list(validator.iter_errors(document))
    messages = [e.message for error in errors for e in (error, *_nested(error.context))]
    assert any(complaint in m for m in messages), messages


def test_a_minimal_document_validates(validator: Draft202012Validator) -> None:
    document = {"format": 1, "teams": [{"remove": "noord"}]}
    assert list(validator.iter_errors(document)) == []


def _nested(errors: Any) -> list[Any]:
    """The errors under an ``anyOf``: why each alternative failed."""
    return [e for error in errors or () for e in (error, *_nested(error.context))]


def _as_json(value: Any) -> Any:
    """TOML's dates as the strings a JSON document holds (an editor validates them so)."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
