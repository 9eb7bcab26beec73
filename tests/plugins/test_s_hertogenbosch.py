"""The 's-Hertogenbosch plugin (GM0796, 2016) reproduces its sources and marks what it invents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from wijkteamkit import KEYED_COLLECTIONS, MunicipalitySetup, load_municipality, validate
from wijkteamkit.money.tender import award


@pytest.fixture(scope="module")
def setup() -> MunicipalitySetup:
    return load_municipality("GM0796")


def test_it_validates_without_findings(setup: MunicipalitySetup) -> None:
    assert validate(setup) == []


def test_the_300000_from_the_sociaal_en_zorgfonds(setup: MunicipalitySetup) -> None:
    (budget,) = setup.budgets
    assert budget.total_costs == budget.total_coverage == Decimal(300000)
    assert [c.name for c in budget.coverage] == ["Sociaal & Zorgfonds"]
    assert budget.source is not None and budget.source.document == "002_7a918f7c8e3d779a.txt"


def test_the_principles_of_the_sources(setup: MunicipalitySetup) -> None:
    statements = {p.key: p.statement for p in setup.principles}
    assert (
        statements["een-huishouden-een-plan"]
        == "Eén huishouden, één plan en één regisseur en nabijheid."
    )
    assert "mandate over their workers" in statements["mandaat-instellingen"]
    assert {
        "een-uitvalsbasis",
        "samen-leren",
        "boven-de-organisaties",
        "burgerinitiatieven",
    } <= set(statements)


def test_every_team_has_one_shared_base(setup: MunicipalitySetup) -> None:
    assert setup.teams and all(t.base for t in setup.teams)


def test_open_walk_in_day_activities_are_general_and_commissioned_by_the_cooperative(
    setup: MunicipalitySetup,
) -> None:
    provision = setup.get("provisions", "open-inloop-dagbesteding")
    assert provision is not None and provision.kind == "algemeen" and provision.access == "direct"  # type: ignore[attr-defined]
    (procedure,) = setup.tender_procedures
    assert (
        procedure.commissioning_body.startswith("Wijkcoöperatie")
        and procedure.regime == "open_house"
    )
    assert award(procedure, procedure.example_bids).winners == ("van-neynsel", "cello")


def test_every_item_cites_a_source_and_inventions_say_so(setup: MunicipalitySetup) -> None:
    for collection in KEYED_COLLECTIONS:
        for item in getattr(setup, collection):
            assert item.source is not None, f"{collection}/{item.key}"
    assert all(n.source and n.source.illustrative for n in setup.neighbourhoods)


@pytest.mark.parametrize(("code", "name"), [("GM0202", "Arnhem"), ("GM1705", "Lingewaard")])
def test_partners_of_the_joint_experiment_load_cleanly(code: str, name: str) -> None:
    setup = load_municipality(code)
    assert setup.municipality.name == name
    assert [f.code for f in validate(setup) if f.severity != "info"] == []
    assert setup.principles[0].key == "gezamenlijk-experiment"
