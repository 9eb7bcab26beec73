"""The ``wijkteamkit.testing`` pytest plugin: active without a conftest, and its harness loads
plugin objects, plugin files (Python and TOML) and installed plugins."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wijkteamkit.loading import MunicipalityLoadError, UnknownMunicipality
from wijkteamkit.testing import PluginHarness

pytest_plugins = ["pytester"]

MakeDist = Callable[..., Path]

TOML_PLUGIN = """\
[municipality]
code = "GM0150"
name = "Deventer"

[[neighbourhoods]]
key = "centrum"
name = "Centrum"

[[function_groups]]
key = "welzijn"
name = "Welzijn"

[[team_functions]]
key = "maatschappelijk-werker"
name = "Maatschappelijk werker"
group = "welzijn"

[[composition_rules]]
key = "default"
name = "Basisteam"
min_members = 2
requirements = [{ group = "welzijn" }]

[[teams]]
key = "team-centrum"
name = "Team Centrum"
neighbourhood = "centrum"
members = [
    { function = "maatschappelijk-werker", organisation = "Welzijn", hours_per_week = 24 },
    { function = "maatschappelijk-werker", organisation = "Welzijn", hours_per_week = 24 },
]
leader = { employer = "municipality", organisation = "Gemeente Deventer", hours_per_week = 32 }
"""

TEAM_OF_ONE = """\
[[teams]]
key = "team-centrum"
name = "Team Centrum"
neighbourhood = "centrum"
members = [{ function = "maatschappelijk-werker", organisation = "Welzijn", hours_per_week = 24 }]
leader = { employer = "municipality", organisation = "Gemeente Deventer", hours_per_week = 32 }
"""

AUTHOR_TEST = """\
from pathlib import Path


def test_the_plugin(wijkteamkit_plugins):
    wijkteamkit_plugins.register(Path("deventer.toml"))
    wijkteamkit_plugins.register(Path("correction.toml"), layer="local")
    assert wijkteamkit_plugins.errors() == []
"""


def test_a_plugin_authors_test_needs_no_conftest(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", deventer=TOML_PLUGIN, correction="")
    pytester.makepyfile(test_deventer=AUTHOR_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_plugin_with_errors_fails_the_authors_test(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", deventer=TOML_PLUGIN, correction=TEAM_OF_ONE)
    pytester.makepyfile(test_deventer=AUTHOR_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*team-size*"])


def test_an_old_conftest_naming_the_plugin_still_works(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["wijkteamkit.testing"]')
    pytester.makefile(".toml", deventer=TOML_PLUGIN, correction="")
    pytester.makepyfile(test_deventer=AUTHOR_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_python_plugin_file_registers_by_path(tmp_path: Path) -> None:
    path = tmp_path / "stad.py"
    path.write_text(
        'def wijkteamkit_municipality():\n    return {"code": "GM0151", "name": "Stad"}\n'
    )
    harness = PluginHarness()
    harness.register(path)
    assert harness.setup().municipality.name == "Stad"


def test_a_broken_toml_file_fails_the_load(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[[teams]]\nkey = "Not A Key"\n')
    harness = PluginHarness()
    harness.register(path)
    with pytest.raises(MunicipalityLoadError, match=r"teams\[0\]"):
        harness.setup()


def test_an_installed_plugin_registers_by_its_code(make_dist: MakeDist) -> None:
    make_dist(
        "wijkteamkit-stad",
        "wijkteamkit.municipalities",
        "GM0151",
        "wijkteamkit_stad",
        'def wijkteamkit_municipality():\n    return {"code": "GM0151", "name": "Stad"}\n',
    )
    harness = PluginHarness()
    harness.register_installed("gm0151")
    assert harness.setup().origins["municipality"] == "wijkteamkit-stad 1.0"


def test_a_code_nobody_installed_is_refused(make_dist: MakeDist) -> None:
    harness = PluginHarness()
    with pytest.raises(UnknownMunicipality, match="GM0152"):
        harness.register_installed("GM0152")
