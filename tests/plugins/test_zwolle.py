"""The Zwolle plugin (GM0193, 2015) reproduces its source and marks what it invents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from wijkteamkit import KEYED_COLLECTIONS, MunicipalitySetup, load_municipality, validate
from wijkteamkit.domain import Delivery, Provision, ProvisionKind
from wijkteamkit.money.funding import FundingRefused, funding_matrix, resolve_funding

FRAMEWORKS = "003_f84d4cc7902fdc3d.txt"
HEADINGS = (
    "intro",
    "Diensten in en aan huis",
    "Dagbesteding",
    "Participatie",
    "Beschermd wonen GGZ",
    "Vervolg",
)
IN_2015 = date(2015, 6, 1)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "zwolle" / "kitchen_table.py"
BEFORE_TOML = Path(__file__).with_name("zwolle_setup.json")
"""What the Python plugin supplied (its items as ``show zwolle --format json`` printed them on
the reference date) before Zwolle became a TOML plugin."""


@pytest.fixture(scope="module")
def setup() -> MunicipalitySetup:
    return load_municipality("GM0193")


def provision(setup: MunicipalitySetup, key: str) -> Provision:
    found = setup.get("provisions", key)
    assert isinstance(found, Provision), key
    return found


def test_it_loads_by_name_and_code(setup: MunicipalitySetup) -> None:
    assert setup.municipality.name == "Zwolle"
    assert setup.municipality.province == "Overijssel"
    assert setup.municipality.reference_date == date(2015, 1, 1)
    assert load_municipality("zwolle").code == "GM0193"


@pytest.mark.parametrize("on", [None, IN_2015])
def test_it_validates_without_findings(setup: MunicipalitySetup, on: date | None) -> None:
    assert validate(setup, on) == []


def test_the_principles_of_the_source(setup: MunicipalitySetup) -> None:
    statements = {p.key: p.statement for p in setup.principles}
    assert "één regisseur en één plan voor een huishouden" in statements["een-regisseur-een-plan"]
    assert "(ZIN)" in statements["keuzevrijheid-zin-pgb"]
    assert "(PGB)" in statements["keuzevrijheid-zin-pgb"]
    assert "health insurers" in statements["wijkverpleging-zorgverzekeraars"]
    assert "first shell" in statements["eerste-schil"]
    assert "existing organisations" in statements["bestaande-organisaties"]


@pytest.mark.parametrize("key", ["hh-1", "hh-2"])
def test_household_help_is_maatwerk_through_the_kitchen_table(
    setup: MunicipalitySetup, key: str
) -> None:
    help_at_home = provision(setup, key)
    assert help_at_home.kind is ProvisionKind.MAATWERK
    assert help_at_home.access == "team"
    assert help_at_home.iwmo_category == "01"
    assert help_at_home.delivery == {Delivery.ZIN, Delivery.PGB}
    for delivery in Delivery:
        answer = resolve_funding(setup, key, IN_2015, delivery)
        assert (answer.stream, answer.funder_kind) == ("wmo-2015", "municipality")


def test_zwolle_replaces_the_national_household_help_by_hh1_and_hh2(
    setup: MunicipalitySetup,
) -> None:
    assert setup.get("provisions", "huishoudelijke-hulp") is None
    assert resolve_funding(setup, "hh-1", date(2014, 6, 1)).stream == "wmo-2007"


def test_cleaning_support_is_general_direct_and_refuses_a_pgb(setup: MunicipalitySetup) -> None:
    cleaning = provision(setup, "schoonmaakondersteuning")
    assert cleaning.kind is ProvisionKind.ALGEMEEN
    assert cleaning.access == "direct"
    assert cleaning.delivery == {Delivery.ZIN}
    assert resolve_funding(setup, cleaning.key, IN_2015).stream == "wmo-2015"
    with pytest.raises(FundingRefused, match=r"algemene voorziening.*no persoonsgebonden budget"):
        resolve_funding(setup, cleaning.key, IN_2015, Delivery.PGB)


def test_begeleiding_moves_from_awbz_to_wmo_2015(setup: MunicipalitySetup) -> None:
    begeleiding = provision(setup, "begeleiding")
    assert begeleiding.kind is ProvisionKind.MAATWERK and begeleiding.access == "team"
    assert begeleiding.delivery == {Delivery.ZIN, Delivery.PGB}
    assert resolve_funding(setup, "begeleiding", date(2014, 12, 31)).stream == "awbz"
    assert resolve_funding(setup, "begeleiding", date(2015, 1, 1)).stream == "wmo-2015"
    assert resolve_funding(setup, "begeleiding", IN_2015, Delivery.PGB).stream == "wmo-2015"


def test_the_funding_matrix_of_2015(setup: MunicipalitySetup) -> None:
    rows = {row["provision"]: row for row in funding_matrix(setup, IN_2015)}
    assert rows["begeleiding"]["law"] == "Wmo 2015"
    assert rows["dagbesteding"]["law"] == "Wmo 2015"
    assert rows["wijkverpleging"]["law"] == "Zvw"
    assert rows["wijkverpleging"]["funder_kind"] == "health_insurer"
    assert rows["re-integratie"]["stream"] == "participatiewet"
    assert all(row["note"] is None for row in rows.values())


def test_day_activities_note_the_2020_ambition(setup: MunicipalitySetup) -> None:
    day = provision(setup, "dagbesteding")
    assert day.access == "team" and day.iwmo_category == "07"
    assert day.source is not None and day.source.section == "Dagbesteding"
    assert day.source.note is not None and "2020" in day.source.note


def test_sheltered_housing_keeps_current_clients_for_five_years(setup: MunicipalitySetup) -> None:
    sheltered = provision(setup, "beschermd-wonen")
    assert sheltered.continuity is not None
    assert sheltered.continuity.until == date(2019, 12, 31)
    source = sheltered.continuity.source
    assert source is not None and source.document == FRAMEWORKS
    assert source.section is not None and source.section.startswith("Beschermd wonen GGZ")
    assert resolve_funding(setup, "beschermd-wonen", IN_2015).stream == "wmo-2015"


def test_teams_are_compact_with_a_first_shell(setup: MunicipalitySetup) -> None:
    assert len(setup.teams) == len(setup.neighbourhoods)
    first = setup.teams[0]
    area = next(n for n in setup.neighbourhoods if n.key == first.neighbourhood)
    assert area.postcodes and area.team_start == date(2015, 1, 1)
    for team in setup.teams:
        assert team.shell
        offered = {key for shell in team.shell for key in shell.provisions}
        assert {"hh-1", "hh-2", "begeleiding"} <= offered


def test_a_signal_is_routed_by_postcode(setup: MunicipalitySetup) -> None:
    for area in setup.neighbourhoods:
        low = area.postcodes[0].split("-")[0]
        assert area.covers_postcode(low + "AB")
        others = [n.key for n in setup.neighbourhoods if n.covers_postcode(low + "AB")]
        assert others == [area.key]


def test_domestic_violence_goes_directly_to_veilig_thuis_ijsselland(
    setup: MunicipalitySetup,
) -> None:
    rule = next(r for r in setup.escalation_rules if r.key == "huiselijk-geweld")
    assert rule.direct and rule.legal_basis == "meldrecht-veilig-thuis"
    target = setup.get("escalation_targets", rule.target)
    assert target is not None and target.name == "Veilig Thuis IJsselland"  # type: ignore[attr-defined]
    assert rule.fires({}, {"domestic-violence"})


def test_every_item_cites_a_source_and_inventions_say_so(setup: MunicipalitySetup) -> None:
    assert setup.municipality.source is not None
    assert setup.municipality.source.document == FRAMEWORKS
    own = 0
    for collection in KEYED_COLLECTIONS:
        for item in getattr(setup, collection):
            assert item.source is not None, f"{collection}/{item.key}"
            if setup.origin(f"{collection}/{item.key}").startswith("wijkteamkit-zwolle"):
                own += 1
                section = item.source.section or ""
                if item.source.document == "Wmo 2015":  # a legal fact cites the law's article
                    assert section.startswith("art. "), f"{collection}/{item.key}: {section}"
                else:
                    assert item.source.document == FRAMEWORKS, f"{collection}/{item.key}"
                    assert section.startswith(HEADINGS), f"{collection}/{item.key}: {section}"
                if item.source.illustrative:
                    assert item.source.note, f"{collection}/{item.key}"
    assert own > 0
    for collection in ("neighbourhoods", "teams", "escalation_targets", "escalation_rules"):
        assert all(i.source and i.source.illustrative for i in getattr(setup, collection))
    for key in ("hh-1", "hh-2", "schoonmaakondersteuning", "begeleiding"):
        source = provision(setup, key).source
        assert source is not None and not source.illustrative
    sheltered = provision(setup, "beschermd-wonen").source
    assert sheltered is not None and sheltered.illustrative and "access" in (sheltered.note or "")


def test_the_kitchen_table_example_runs(tmp_path: Path) -> None:
    env = {**os.environ, "WIJKTEAMKIT_DATABASE_URL": f"sqlite:///{tmp_path}/zwolle.db"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "HH-1" in done.stdout and "Wmo 2015" in done.stdout
    assert (tmp_path / "zwolle.db").exists()


def test_zwolle_is_a_packaged_toml_plugin() -> None:
    from importlib.metadata import entry_points

    [entry] = [e for e in entry_points(group="wijkteamkit.municipalities") if e.name == "GM0193"]
    assert entry.value == "wijkteamkit_zwolle:zwolle.toml"


def test_the_toml_plugin_supplies_what_the_python_plugin_did(setup: MunicipalitySetup) -> None:
    expected = json.loads(BEFORE_TOML.read_text(encoding="utf-8"))
    on = setup.on(date.fromisoformat(expected["on"]))
    assert on.municipality == type(on.municipality).model_validate(expected["municipality"])
    assert on.origin("municipality") == expected["origin"]
    own = {loc for loc, origin in on.origins.items() if origin == expected["origin"]}
    assert own - {"municipality"} == set(expected["items"])
    for location, item in expected["items"].items():
        collection, key = location.split("/", 1)
        actual = on.get(collection, key)
        assert actual is not None, location
        assert actual == type(actual).model_validate(item), location
    for location in expected["removed"]:
        assert on.get(*location.split("/", 1)) is None, location
