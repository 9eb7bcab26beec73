"""Discovery, layering and merge by key, isolation, and what happens to broken plugins."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wijkteamkit import MunicipalityLoadError, Signal, UnknownMunicipality, load, load_municipality
from wijkteamkit.plugins import PLUGIN_DIR_ENV

MakeDist = Callable[..., Path]

MUNICIPALITY = """
from wijkteamkit import hookimpl, Municipality

@hookimpl
def wijkteamkit_municipality():
    return Municipality(code="{code}", name="{name}", regions={regions})

def wijkteamkit_neighbourhoods():
    return [{{"key": "centrum", "name": "Centrum {name}", "postcodes": ["{postcode}"]}}]

def wijkteamkit_teams():
    return [{{"key": "team-centrum", "name": "Team", "neighbourhood": "centrum"}}]

def wijkteamkit_escalation_targets():
    return [{{"key": "veiligheidshuis", "name": "Veiligheidshuis {name}", "kind": "safety_house", "level": "city"}}]
"""

REGION = """
def wijkteamkit_escalation_targets(municipality):
    return [
        {"key": "veiligheidshuis", "name": "Veiligheidshuis regio", "kind": "safety_house", "level": "region"},
        {"key": "fact", "name": "FACT " + municipality.name, "kind": "mental_health_team", "level": "region"},
    ]

def wijkteamkit_funding_streams():
    return [{"key": "awbz", "name": "AWBZ", "law": "awbz", "funder_kind": "zorgkantoor",
             "funder": "Zorgkantoor Regio", "valid_from": "1968-01-01", "valid_to": "2014-12-31"}]
"""


def municipality(
    code: str = "GM0001",
    name: str = "Eerstestad",
    regions: tuple[str, ...] = (),
    postcode: str = "1234",
) -> str:
    return MUNICIPALITY.format(code=code, name=name, regions=regions, postcode=postcode)


@pytest.fixture
def two_towns(make_dist: MakeDist) -> None:
    make_dist(
        "wtk-eerstestad",
        "wijkteamkit.municipalities",
        "GM0001",
        "wtk_eerstestad",
        municipality(regions=("regio",)),
    )
    make_dist(
        "wtk-tweedestad",
        "wijkteamkit.municipalities",
        "GM0002",
        "wtk_tweedestad",
        municipality("GM0002", "Tweedestad", postcode="5678"),
    )
    make_dist("wtk-regio", "wijkteamkit.regions", "regio", "wtk_regio", REGION)


def test_entry_point_plugins_load_by_code_or_name_in_any_case(two_towns: None) -> None:
    assert load_municipality("gm0001").municipality.name == "Eerstestad"
    assert load_municipality("TWEEDESTAD").code == "GM0002"
    assert load_municipality("Eerste Stad").code == "GM0001"


def test_layers_merge_by_key_most_specific_wins(two_towns: None) -> None:
    setup = load_municipality("GM0001")
    targets = {t.key: t for t in setup.escalation_targets}
    assert (
        targets["veiligheidshuis"].name == "Veiligheidshuis Eerstestad"
    )  # municipality beats region
    assert targets["fact"].name == "FACT Eerstestad"  # region supplies, told the municipality
    awbz = next(s for s in setup.funding_streams if s.key == "awbz")
    assert awbz.funder == "Zorgkantoor Regio"  # region beats national
    assert setup.origin("funding_streams/awbz") == "wtk-regio 1.0"
    assert setup.origin("funding_streams/wmo-2015") == "wijkteamkit national defaults"
    assert setup.origin("escalation_targets/veiligheidshuis") == "wtk-eerstestad 1.0"


def test_municipalities_side_by_side_are_isolated(two_towns: None) -> None:
    report = load()
    assert [m.setup.code for m in report.loaded] == ["GM0001", "GM0002"]
    first, second = report.loaded
    assert first.plugins.manager is not second.plugins.manager
    assert "fact" not in {t.key for t in second.setup.escalation_targets}
    assert {p.layer.label for p in second.plugins.plugins} == {"national", "municipality"}


def test_local_file_overrides_and_removes(two_towns: None, tmp_path: Path) -> None:
    local = tmp_path / "local.py"
    local.write_text(
        "from wijkteamkit import Remove\n"
        "def wijkteamkit_escalation_targets(municipality):\n"
        "    if municipality.code != 'GM0001':\n"
        "        return []\n"
        "    return [Remove(remove='fact'), {'key': 'veiligheidshuis', 'name': 'Lokaal', 'kind': 'safety_house', 'level': 'city'}]\n"
    )
    report = load(plugin_files=[local])
    first, second = (m.setup for m in report.loaded)
    assert {t.key: t.name for t in first.escalation_targets} == {"veiligheidshuis": "Lokaal"}
    assert first.origin("escalation_targets/veiligheidshuis") == f"file {local}"
    assert {t.key: t.name for t in second.escalation_targets} == {
        "veiligheidshuis": "Veiligheidshuis Tweedestad"
    }


def test_plugin_directory_from_the_environment(
    two_towns: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "derde.py").write_text(municipality("GM0003", "Derdestad"))
    monkeypatch.setenv(PLUGIN_DIR_ENV, str(folder))
    assert [m.setup.code for m in load().loaded] == ["GM0001", "GM0002", "GM0003"]


def test_a_local_file_alone_can_define_a_municipality(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "vierde.py"
    path.write_text(municipality("GM0004", "Vierdestad"))
    assert load_municipality("vierdestad", [path]).neighbourhoods[0].name == "Centrum Vierdestad"


def test_the_merged_setup_is_immutable(two_towns: None) -> None:
    setup = load_municipality("GM0001")
    with pytest.raises(ValueError, match="frozen"):
        setup.municipality.name = "Other"  # type: ignore[misc]
    assert isinstance(setup.teams, tuple)


def test_routing_by_postcode_and_a_municipal_override(two_towns: None, tmp_path: Path) -> None:
    report = load(["GM0001"])
    loaded = report.loaded[0]
    signal = Signal(reporter="gp", received_at=datetime(2015, 3, 1, tzinfo=UTC), postcode="1234 AB")
    hook = loaded.plugins.manager.hook.wijkteamkit_route_signal
    assert hook(setup=loaded.setup, signal=signal) == "team-centrum"
    elsewhere = signal.model_copy(update={"postcode": "9999XX"})
    assert hook(setup=loaded.setup, signal=elsewhere) is None
    override = tmp_path / "route.py"
    override.write_text("def wijkteamkit_route_signal(setup, signal):\n    return 'crisis-team'\n")
    loaded = load(["GM0001"], [override]).loaded[0]
    assert (
        loaded.plugins.manager.hook.wijkteamkit_route_signal(setup=loaded.setup, signal=signal)
        == "crisis-team"
    )


def test_unknown_municipality_says_what_is_known(two_towns: None) -> None:
    with pytest.raises(
        UnknownMunicipality, match=r"unknown municipality 'Atlantis'; known: GM0001 \(Eerstestad\)"
    ):
        load_municipality("Atlantis")


def test_a_misspelt_municipality_gets_a_suggestion(two_towns: None) -> None:
    with pytest.raises(UnknownMunicipality, match=r"Did you mean 'Eerstestad'\?"):
        load_municipality("eerstestadt")
    with pytest.raises(UnknownMunicipality) as refused:
        load_municipality("Atlantis")
    assert "Did you mean" not in str(refused.value)


# --- broken plugins -----------------------------------------------------------------------------

BROKEN = {
    "syntax": (
        "def wijkteamkit_teams(:\n    pass\n",
        r"failed to import: SyntaxError: .* \(at .*broken\.py:1\)",
        None,
    ),
    "import": (
        "import not_a_module_anywhere\n",
        r"failed to import: ModuleNotFoundError: .*not_a_module_anywhere.* \(at .*broken\.py:1\)",
        None,
    ),
    "raises": (
        "def wijkteamkit_teams():\n    raise RuntimeError('database down')\n",
        r"raised RuntimeError: database down \(at .*broken\.py:2\)",
        "wijkteamkit_teams",
    ),
    "wrong type": (
        "def wijkteamkit_teams():\n    return 'team-centrum'\n",
        r"returned str, expected a list of Team",
        "wijkteamkit_teams",
    ),
    "bad field": (
        "def wijkteamkit_teams():\n    return [{'key': 'x', 'name': 'X', 'neighbourhood': 'centrum',"
        " 'members': [{'function': 'f', 'organisation': 'o', 'hours_per_week': 60}]}]\n",
        r"item 0: members\.0\.hours_per_week: Input should be less than or equal to 40",
        "wijkteamkit_teams",
    ),
    "unknown hook": (
        "def wijkteamkit_provide_teamz():\n    return []\n",
        r"implements unknown hook wijkteamkit_provide_teamz; did you mean wijkteamkit_teams\?",
        "wijkteamkit_provide_teamz",
    ),
    "bad argument": (
        "def wijkteamkit_teams(town):\n    return []\n",
        r"Argument\(s\) \{'town'\} are declared in the hookimpl",
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_local_file_is_reported_and_others_still_load(
    two_towns: None, tmp_path: Path, case: str
) -> None:
    code, pattern, hook = BROKEN[case]
    path = tmp_path / "broken.py"
    path.write_text(code)
    report = load(plugin_files=[path])
    assert report.errors, "the broken file must be reported"
    error = report.errors[0]
    assert error.plugin == f"file {path}"
    assert error.hook == hook
    assert re.search(pattern, error.message), error.message


def test_a_broken_municipality_plugin_does_not_stop_the_others(
    two_towns: None, make_dist: MakeDist
) -> None:
    make_dist(
        "wtk-kapot",
        "wijkteamkit.municipalities",
        "GM0009",
        "wtk_kapot",
        municipality("GM0009", "Kapotstad")
        + "\ndef wijkteamkit_budgets():\n    return [{'key': 'b'}]\n",
    )
    report = load()
    assert [m.setup.code for m in report.loaded] == ["GM0001", "GM0002"]
    (error,) = report.errors
    assert error.plugin == "wtk-kapot 1.0 (entry point wijkteamkit.municipalities:GM0009)"
    assert error.hook == "wijkteamkit_budgets" and error.municipality == "GM0009"
    with pytest.raises(MunicipalityLoadError, match="wijkteamkit_budgets"):
        load_municipality("GM0009")


def test_a_plugin_that_fails_to_import_does_not_block_finding_another_by_name(
    two_towns: None, make_dist: MakeDist
) -> None:
    make_dist(
        "wtk-stuk",
        "wijkteamkit.municipalities",
        "GM0009",
        "wtk_stuk",
        "import not_a_module_anywhere\n",
    )
    report = load(["tweedestad"])
    assert [m.setup.code for m in report.loaded] == ["GM0002"] and report.errors == []
    (error,) = load().errors
    assert error.municipality == "GM0009" and "not_a_module_anywhere" in error.message
    with pytest.raises(
        UnknownMunicipality, match=r"Could not load wtk-stuk 1\.0 .*not_a_module_anywhere"
    ):
        load_municipality("stukstad")


def test_entry_point_name_must_match_the_code(make_dist: MakeDist) -> None:
    make_dist(
        "wtk-verkeerd",
        "wijkteamkit.municipalities",
        "GM0007",
        "wtk_verkeerd",
        municipality("GM0008", "Verkeerd"),
    )
    (error,) = load().errors
    assert "entry point is named GM0007 but the plugin describes GM0008" in error.message


def test_two_plugins_claiming_one_code(two_towns: None, tmp_path: Path) -> None:
    path = tmp_path / "dubbel.py"
    path.write_text(municipality("GM0001", "Dubbelstad"))
    report = load(plugin_files=[path])
    (error,) = report.errors
    assert error.message.startswith("claims GM0001 (Dubbelstad), which wtk-eerstestad 1.0")
    assert [m.setup.municipality.name for m in report.loaded] == ["Eerstestad", "Tweedestad"]


def test_unknown_region_is_a_load_error(make_dist: MakeDist) -> None:
    make_dist(
        "wtk-eenzaam",
        "wijkteamkit.municipalities",
        "GM0005",
        "wtk_eenzaam",
        municipality("GM0005", "Eenzaam", regions=("nergens",)),
    )
    report = load()
    assert not report.loaded
    assert (
        "uses region 'nergens', but no region plugin of that name is installed"
        in report.errors[0].message
    )


def test_missing_plugin_file(site: Path, tmp_path: Path) -> None:
    report = load(plugin_files=[tmp_path / "missing.py"])
    assert report.errors[0].message == "no such file; check the path given to --plugin-file"


def test_load_plugins_variable_limits_installed_plugins(
    two_towns: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WIJKTEAMKIT_LOAD_PLUGINS", "wtk_tweedestad")
    assert [m.setup.code for m in load().loaded] == ["GM0002"]
