"""`show --format toml`: the written plugin, loaded alone on the layers below, gives the setup."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkteamkit.cli.app import app
from wijkteamkit.domain import Provision, Remove
from wijkteamkit.loading import layers_below, load, load_municipality
from wijkteamkit.toml_writer import dumps, plain, plugin_document

MUNICIPALITIES = ["nijmegen", "zwolle", "s-hertogenbosch", "arnhem", "lingewaard"]
ONLY_THE_REGION = {"WIJKTEAMKIT_LOAD_PLUGINS": "wijkteamkit-regio-nijmegen"}
"""Installed plugins restricted to the region, so the file is the municipality's only plugin."""


def written(municipality: str) -> str:
    result = CliRunner().invoke(app, ["show", municipality, "--format", "toml"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_the_written_plugin_reproduces_the_setup(municipality: str, tmp_path: Path) -> None:
    original = load_municipality(municipality)
    path = tmp_path / f"{municipality}.toml"
    path.write_text(written(municipality), encoding="utf-8")
    report = load(None, [path], ONLY_THE_REGION, files_only=True)
    assert report.errors == []
    [loaded] = report.loaded
    assert loaded.setup.model_dump(exclude={"origins"}) == original.model_dump(exclude={"origins"})
    assert set(loaded.setup.origins) == set(original.origins)


@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_the_output_is_deterministic(municipality: str) -> None:
    assert written(municipality) == written(municipality)


def test_the_file_says_what_wrote_it_and_holds_only_differences() -> None:
    text = written("zwolle")
    assert text.startswith("# Zwolle (GM0193) as a TOML plugin, written by\n")
    assert "`wijkteamkit show GM0193 --format toml`" in text
    document = tomllib.loads(text)
    assert document["format"] == 1 and document["municipality"]["code"] == "GM0193"
    assert {"remove": "huishoudelijke-hulp"} in document["provisions"]
    keys = {entry.get("key") for entry in document["provisions"]}
    assert "hh-1" in keys
    setup = load_municipality("zwolle")
    below = layers_below(setup.municipality)
    unchanged = [law.key for law in setup.laws if below.get("laws", law.key) == law]
    assert unchanged and "laws" not in document


def test_a_setup_equal_to_the_layers_below_writes_only_the_municipality() -> None:
    setup = load_municipality("zwolle")
    below = layers_below(setup.municipality)
    document = plugin_document(below, below)
    assert set(document) == {"format", "municipality"}


def test_a_changed_consent_policy_is_written() -> None:
    setup = load_municipality("zwolle")
    below = layers_below(setup.municipality)
    policy = below.consent_policy.model_copy(update={"exceptions": ()})
    changed = setup.model_copy(update={"consent_policy": policy})
    assert "consent_policy" in plugin_document(changed, below)


def test_defaults_are_left_out_but_a_discriminator_is_kept() -> None:
    setup = load_municipality("nijmegen")
    target = next(t for t in setup.escalation_targets if t.accepts is not None)
    table = plain(target)
    assert "valid_to" not in table
    assert "kind" in table["accepts"]
    assert plain(Remove(remove="x")) == {"remove": "x"}


def test_sets_are_written_sorted() -> None:
    setup = load_municipality("zwolle")
    hh1 = setup.get("provisions", "hh-1")
    assert isinstance(hh1, Provision)
    assert plain(hh1)["delivery"] == sorted(plain(hh1)["delivery"])


def test_a_value_toml_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="has no TOML form"):
        plain(None)


def test_on_is_refused_with_toml() -> None:
    result = CliRunner().invoke(app, ["show", "zwolle", "--format", "toml", "--on", "2015-06-01"])
    assert result.exit_code == 2
    assert result.stderr == (
        "wijkteamkit: error: --on does not apply to --format toml, which writes the whole "
        "dated setup; leave --on out\n"
    )


def test_dumps_matches_the_command() -> None:
    setup = load_municipality("arnhem")
    assert dumps(setup, layers_below(setup.municipality)) == written("arnhem")
