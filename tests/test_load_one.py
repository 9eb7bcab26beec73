"""One way to load one municipality: the library, show, demo and budget agree on what fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkteamkit.cli.app import app
from wijkteamkit.loading import MunicipalityLoadError, UnknownMunicipality, load_one

MakeDist = Callable[..., Path]

TOWN = """
from wijkteamkit import Municipality

def wijkteamkit_municipality():
    return Municipality(code="{code}", name="{name}")
"""

RAISES = """
def wijkteamkit_municipality():
    raise RuntimeError("no municipality today")
"""

OVERLAY_BROKEN = "import not_a_module_anywhere\n\ndef wijkteamkit_principles():\n    return []\n"

OVERLAY_RAISES = """
def wijkteamkit_principles():
    raise RuntimeError("no principles today")
"""

COMMANDS = (["show"], ["demo"], ["budget"])


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env={"COLUMNS": "250"})
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stderr


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(code)
    return path


@pytest.fixture
def town(tmp_path: Path, site: Path) -> Path:
    return write(tmp_path, "town.py", TOWN.format(code="GM0001", name="Eerstestad"))


def test_the_library_loads_a_municipality_with_sound_files(town: Path) -> None:
    assert load_one("eerstestad", [town]).setup.code == "GM0001"


def test_a_second_file_whose_municipality_hook_raises_fails_the_library(
    town: Path, tmp_path: Path
) -> None:
    other = write(tmp_path, "other.py", RAISES)
    with pytest.raises(MunicipalityLoadError, match="no municipality today"):
        load_one("GM0001", [town, other])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_second_file_whose_municipality_hook_raises_fails_every_command(
    town: Path, tmp_path: Path, command: list[str]
) -> None:
    other = write(tmp_path, "other.py", RAISES)
    code, stderr = run(
        [*command, "GM0001", "--plugin-file", str(town), "--plugin-file", str(other)]
    )
    assert code == 2
    assert stderr.startswith("wijkteamkit: error: could not load the setup: file ")
    assert "no municipality today" in stderr and len(stderr.splitlines()) == 1


@pytest.mark.parametrize("overlay", [OVERLAY_BROKEN, OVERLAY_RAISES], ids=["import", "hook"])
def test_a_failed_overlay_keeps_the_municipality_from_loading(
    town: Path, tmp_path: Path, overlay: str
) -> None:
    path = write(tmp_path, "overlay.py", overlay)
    with pytest.raises(MunicipalityLoadError, match=r"overlay\.py"):
        load_one("GM0001", [town, path])


@pytest.mark.parametrize("overlay", [OVERLAY_BROKEN, OVERLAY_RAISES], ids=["import", "hook"])
def test_validate_does_not_print_ok_for_a_municipality_a_failed_overlay_applies_to(
    town: Path, tmp_path: Path, overlay: str
) -> None:
    path = write(tmp_path, "overlay.py", overlay)
    result = CliRunner().invoke(
        app, ["validate", "--plugin-file", str(town), "--plugin-file", str(path)]
    )
    assert result.exit_code == 2
    assert "Eerstestad: ok" not in result.stdout + result.stderr


def test_validate_prints_ok_without_the_overlay(town: Path) -> None:
    result = CliRunner().invoke(app, ["validate", "--plugin-file", str(town)])
    assert "GM0001 Eerstestad" in result.stdout and result.exit_code in (0, 1)


def test_a_broken_installed_plugin_asked_for_by_code_is_a_load_error(
    make_dist: MakeDist,
) -> None:
    make_dist("wtk-stuk", "wijkteamkit.municipalities", "GM0009", "wtk_stuk", OVERLAY_BROKEN)
    with pytest.raises(MunicipalityLoadError, match=r"failed to import.*not_a_module_anywhere"):
        load_one("GM0009")
    code, stderr = run(["show", "GM0009"])
    assert code == 2
    assert "could not load the setup: wtk-stuk 1.0" in stderr and "Install its plugin" not in stderr


def test_an_unknown_code_lists_the_installed_codes_without_importing_them(
    make_dist: MakeDist,
) -> None:
    make_dist("wtk-een", "wijkteamkit.municipalities", "GM0150", "wtk_een", OVERLAY_BROKEN)
    with pytest.raises(UnknownMunicipality, match=r"known: GM0150\."):
        load_one("GM0151")
    code, stderr = run(["validate", "GM0151"])
    assert code == 2 and "known: GM0150" in stderr


def test_an_unknown_name_names_the_known_municipalities(town: Path) -> None:
    with pytest.raises(UnknownMunicipality, match=r"known: GM0001 \(Eerstestad\)"):
        load_one("atlantis", [town])


BAD_MODEL_IN_HOOK = """
from wijkteamkit import Municipality, Team, TeamMember

def wijkteamkit_municipality():
    return Municipality(code="GM0005", name="Vijfstad")

def wijkteamkit_teams():
    member = TeamMember(function="f", organisation="o", hours_per_week="lots")
    return [Team(key="x", name="X", neighbourhood="c", members=[member])]
"""

BAD_MODEL_AT_IMPORT = """
from wijkteamkit import Municipality, TeamMember

MEMBER = TeamMember(function="f", organisation="o", hours_per_week="lots")

def wijkteamkit_municipality():
    return Municipality(code="GM0005", name="Vijfstad")
"""


@pytest.mark.parametrize(
    ("code", "line"), [(BAD_MODEL_IN_HOOK, 8), (BAD_MODEL_AT_IMPORT, 4)], ids=["hook", "import"]
)
def test_a_model_built_with_a_wrong_field_names_the_plugins_line_and_the_field(
    tmp_path: Path, site: Path, code: str, line: int
) -> None:
    path = write(tmp_path, "vijf.py", code)
    with pytest.raises(MunicipalityLoadError) as caught:
        load_one("GM0005", [path])
    message = str(caught.value)
    assert "invalid TeamMember: hours_per_week: Input should be a valid number" in message
    assert message.endswith(f"(at {path}:{line})") and "\n" not in message
    assert "pydantic" not in message
