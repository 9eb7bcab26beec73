"""``wijkteamkit keys``: the keys a plugin can refer to, for a municipality or the national layer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any


def keys(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wijkteamkit", "keys", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )


def collections(result: subprocess.CompletedProcess[str]) -> dict[str, list[dict[str, Any]]]:
    document: dict[str, Any] = json.loads(result.stdout)
    return document["collections"]


def test_national_keys_before_any_municipality() -> None:
    result = keys("--national", "--format", "json")
    assert result.returncode == 0, result.stderr
    found = collections(result)
    assert len(found["life_domains"]) == 13
    assert found["escalation_targets"] == []
    meldrecht = found["legal_bases"][0]
    assert meldrecht["key"] == "meldrecht-veilig-thuis"
    assert meldrecht["origin"] == "wijkteamkit national defaults"
    assert json.loads(result.stdout)["municipality"] is None


def test_national_keys_as_text() -> None:
    result = keys("--national")
    assert result.returncode == 0, result.stderr
    assert "life_domains (13)" in result.stdout
    assert "wmo-2015" in result.stdout
    assert "No keys yet in: neighbourhoods, teams" in result.stdout


def test_a_municipality_adds_its_own_keys_and_says_who_supplied_them() -> None:
    result = keys("GM0268", "--format", "json")
    assert result.returncode == 0, result.stderr
    found = collections(result)
    origins = {e["origin"] for e in found["teams"]}
    assert found["teams"] and all("nijmegen" in o for o in origins)
    assert {e["key"] for e in found["laws"]} >= {"wmo-2015", "jeugdwet"}
    text = keys("nijmegen")
    assert text.returncode == 0 and "teams (" in text.stdout


def test_an_unknown_municipality_is_one_line_and_exit_2() -> None:
    result = keys("nowhere")
    assert result.returncode == 2
    assert result.stderr.startswith("wijkteamkit: error: unknown municipality 'nowhere'")
    assert result.stderr.count("\n") == 1
    as_json = keys("nowhere", "--format", "json")
    assert as_json.returncode == 2
    assert json.loads(as_json.stdout)["error"]["code"] == "unknown-municipality"


def test_a_municipality_or_national_but_not_both() -> None:
    for args in ((), ("GM0268", "--national")):
        result = keys(*args)
        assert result.returncode == 2
        assert "give a municipality" in result.stderr
    result = keys("--national", "--plugin-file", "town.py")
    assert result.returncode == 2 and "--plugin-file needs a municipality" in result.stderr
