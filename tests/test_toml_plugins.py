"""Plugins written as TOML: loaded from a file, the plugin directory or an entry point, through
the same registration, merge and validation as Python plugins; every problem named with its
key path and line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from sample_town import SampleTown
from typer.testing import CliRunner

from wijkteamkit import validate
from wijkteamkit.cli.app import app
from wijkteamkit.declarative import PluginFileError, key_path, read_plugin
from wijkteamkit.loading import MunicipalityLoadError, assemble, layers_below, load, load_one
from wijkteamkit.plugins import (
    LOAD_PLUGINS_ENV,
    NATIONAL_PLUGIN,
    PLUGIN_DIR_ENV,
    Layer,
    PluginSource,
)
from wijkteamkit.toml_writer import dumps

TOWN = """\
format = 1

[municipality]
code = "GM0004"
name = "Vierdestad"

[[neighbourhoods]]
key = "centrum"
name = "Centrum"
postcodes = ["1234"]

[[teams]]
key = "team-centrum"
name = "Team Centrum"
neighbourhood = "centrum"

[[laws]]
remove = "awbz"
"""

BAD_MEMBER = """\
[municipality]
code = "GM0004"
name = "Vierdestad"

[[teams]]
key = "a"
name = "A"
neighbourhood = "centrum"

[[teams]]
key = "b"
name = "B"
neighbourhood = "centrum"

[[teams.members]]
function = "nurse"
organisation = "Zorg"
hours_per_week = "lots"
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(PluginFileError) as caught:
        read_plugin(path)
    return [e.message for e in caught.value.errors]


def test_a_toml_municipality_loads_like_a_python_one(tmp_path: Path, site: Path) -> None:
    loaded = load_one("vierdestad", [write(tmp_path, "vier.toml", TOWN)])
    setup = loaded.setup
    assert setup.code == "GM0004" and [t.key for t in setup.teams] == ["team-centrum"]
    assert setup.origins["teams/team-centrum"].endswith("vier.toml")
    hooks = {p.name for p in loaded.plugins.plugins}
    assert "municipality:" + str(tmp_path / "vier.toml") in hooks


def test_a_remove_marker_removes_a_national_item(tmp_path: Path, site: Path) -> None:
    setup = load_one("GM0004", [write(tmp_path, "vier.toml", TOWN)]).setup
    assert "awbz" not in {law.key for law in setup.laws} and "wmo-2015" in {
        law.key for law in setup.laws
    }


def test_a_full_municipality_as_toml_validates_as_its_python_plugin(
    tmp_path: Path, site: Path
) -> None:
    town = SampleTown()
    source = PluginSource("town", Layer.MUNICIPALITY, module=town)
    municipality = town.wijkteamkit_municipality()
    python = assemble(municipality, [PluginSource(NATIONAL_PLUGIN, Layer.NATIONAL), source])
    assert python is not None
    path = write(tmp_path, "town.toml", dumps(python.setup, layers_below(municipality)))
    setup = load_one("GM0001", [path]).setup
    errors = [f for f in validate(setup) if f.severity == "error"]
    assert errors == [] and setup.teams == python.setup.teams


def test_an_overlay_without_municipality_applies_to_the_municipality(
    tmp_path: Path, site: Path
) -> None:
    town = write(tmp_path, "vier.toml", TOWN)
    overlay = write(
        tmp_path, "extra.toml", '[[principles]]\nkey = "p"\nname = "P"\nstatement = "S"\n'
    )
    setup = load_one("GM0004", [town, overlay]).setup
    assert [p.key for p in setup.principles] == ["p"]
    assert setup.origins["principles/p"].endswith("extra.toml")


def test_the_plugin_directory_loads_toml_files(
    tmp_path: Path, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    write(folder, "vier.toml", TOWN)
    monkeypatch.setenv(PLUGIN_DIR_ENV, str(folder))
    assert load_one("GM0004").setup.municipality.name == "Vierdestad"


def test_an_entry_point_naming_a_packaged_toml_file_loads_it(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = site / "wtk_vier"
    package.mkdir()
    (package / "__init__.py").write_text("")
    write(package, "vier.toml", TOWN)
    info = site / "wtk_vier-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: wtk-vier\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[wijkteamkit.municipalities]\nGM0004 = wtk_vier:vier.toml\n"
    )
    monkeypatch.setenv(LOAD_PLUGINS_ENV, "wtk-vier")
    setup = load_one("vierdestad").setup
    assert setup.origins["teams/team-centrum"] == "wtk-vier 1.0"
    (info / "entry_points.txt").write_text(
        "[wijkteamkit.municipalities]\nGM0004 = wtk_vier:missing.toml\n"
    )
    with pytest.raises(MunicipalityLoadError, match=r"wtk-vier 1\.0 .*missing\.toml"):
        load_one("GM0004")


def test_a_syntax_error_names_the_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "x.toml", 'a = 1\nb = [\nc = "x"\n')
    (message,) = errors_of(path)
    assert message.startswith("line 3, column 1: TOML syntax error:")


def test_an_unknown_key_is_named_with_a_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, "x.toml", '[[temas]]\nkey = "a"\n')
    (message,) = errors_of(path)
    assert message.startswith("line 1: unknown key 'temas'; did you mean 'teams'? (known: ")


def test_a_wrong_type_is_named_by_key_path_and_line(tmp_path: Path) -> None:
    messages = errors_of(write(tmp_path, "x.toml", BAD_MEMBER))
    assert messages == [
        "line 18: teams[1].members[0].hours_per_week: Input should be a valid number, "
        "unable to parse string as a number"
    ]


@pytest.mark.parametrize("value", ["2", '"1"', "true", "1.0"])
def test_a_format_other_than_1_is_refused_on_its_line(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, "x.toml", f"# a plugin\nformat = {value}\n")
    (message,) = errors_of(path)
    assert message.startswith("line 2: format: is ")
    assert message.endswith("reads format 1; write format = 1")


def test_every_problem_of_the_file_is_reported_at_once(tmp_path: Path) -> None:
    text = BAD_MEMBER + '\n[[temas]]\nkey = "c"\n\n[[laws]]\nremove = 3\n'
    messages = errors_of(write(tmp_path, "x.toml", text))
    assert [m.split(":")[1].strip() for m in messages] == [
        "teams[1].members[0].hours_per_week",
        "unknown key 'temas'; did you mean 'teams'? (known",
        "laws[0].remove",
    ]


def test_a_sound_file_reports_nothing(tmp_path: Path) -> None:
    plugin = read_plugin(write(tmp_path, "x.toml", TOWN))
    assert callable(plugin.wijkteamkit_teams)
    assert not hasattr(plugin, "wijkteamkit_principles")  # only the hooks the file fills


def test_key_paths() -> None:
    assert key_path(("teams", 1, "members", 0, "hours")) == "teams[1].members[0].hours"
    assert key_path(()) == "(document)"


@pytest.mark.parametrize("command", ["show", "validate", "budget"])
def test_the_cli_reports_a_broken_toml_plugin_in_one_line(
    tmp_path: Path, site: Path, command: str
) -> None:
    path = write(tmp_path, "x.toml", BAD_MEMBER)
    result = CliRunner().invoke(app, [command, "GM0004", "--plugin-file", str(path)])
    assert result.exit_code == 2
    everything = result.stdout + result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("wijkteamkit: error: ")
    assert "line 18: teams[1].members[0].hours_per_week" in everything
    assert "Traceback" not in everything


def test_load_reports_a_broken_toml_file_as_a_load_error(tmp_path: Path, site: Path) -> None:
    report = load(plugin_files=[write(tmp_path, "x.toml", BAD_MEMBER)], files_only=True)
    (error,) = report.errors
    assert error.plugin == f"file {tmp_path / 'x.toml'}"
    assert "line 18: teams[1].members[0].hours_per_week" in error.message


def documented_examples() -> list[str]:
    """The TOML blocks of docs/plugins.md's section "A plugin as a TOML file"."""
    text = (Path(__file__).parents[1] / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = text.split("## A plugin as a TOML file\n")[1].split("\n## ")[0]
    return re.findall(r"```toml\n(.*?)```", section, flags=re.DOTALL)


def test_the_documented_example_validates_and_its_overlay_removes(
    tmp_path: Path, site: Path
) -> None:
    town_text, overlay_text = documented_examples()
    town = write(tmp_path, "tomlstad.toml", town_text)
    setup = load_one("tomlstad", [town]).setup
    assert [f for f in validate(setup) if f.severity != "info"] == []
    assert [p.key for p in setup.principles] == ["een-plan"]
    overlay = write(tmp_path, "overlay.toml", overlay_text)
    assert load_one("GM9998", [town, overlay]).setup.principles == ()
