"""'s-Hertogenbosch's mandate data: which institutions mandate the teams, from when, and why."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from wijkteamkit import Mandate, MunicipalitySetup, load_municipality, validate
from wijkteamkit.cli.app import app
from wijkteamkit.engine.mandate import Standing, standing

EVALUATION = "002_7a918f7c8e3d779a.txt"


@pytest.fixture(scope="module")
def setup() -> MunicipalitySetup:
    return load_municipality("GM0796")


def test_the_institutions_of_the_evaluation_mandate_the_teams(setup: MunicipalitySetup) -> None:
    named = {m.organisation: m for m in setup.mandates if m.source and not m.source.illustrative}
    assert sorted(named) == ["Cello", "Reinier van Arkel", "Van Neynsel"]
    for mandate in named.values():
        assert mandate.source is not None and mandate.source.document == EVALUATION
        assert "mandaat over de werkers in een huishouden" in (mandate.source.section or "")
        assert (mandate.valid_from, mandate.valid_to) == (date(2016, 5, 10), None)
    assert setup.origin("mandates/cello").startswith("wijkteamkit-s-hertogenbosch")


def test_the_welfare_organisation_is_an_assumption_and_says_so(setup: MunicipalitySetup) -> None:
    mandate = setup.get("mandates", "welzijnsorganisatie")
    assert isinstance(mandate, Mandate) and mandate.source is not None
    assert mandate.source.illustrative and "de instellingen" in (mandate.source.note or "")


def test_every_mandating_organisation_seconds_members(setup: MunicipalitySetup) -> None:
    members = {m.organisation for t in setup.teams for m in t.members}
    assert {m.organisation for m in setup.mandates} == members
    assert [f for f in validate(setup) if f.code == "mandate-without-members"] == []


def test_a_mandate_for_an_organisation_outside_the_teams_is_a_warning(
    setup: MunicipalitySetup,
) -> None:
    stray = Mandate(key="corona-wonen", organisation="Corona Wonen", valid_from=date(2016, 5, 10))
    findings = [
        f
        for f in validate(setup.model_copy(update={"mandates": (*setup.mandates, stray)}))
        if f.code == "mandate-without-members"
    ]
    assert [(f.severity, f.location) for f in findings] == [("warning", "mandates/corona-wonen")]
    assert "'Corona Wonen', which seconds no member to any team" in findings[0].message


def test_the_plugins_mandates_decide_standing_from_the_councils_decision(
    setup: MunicipalitySetup,
) -> None:
    on_decision, before = date(2016, 5, 10), date(2016, 5, 9)
    assert standing(setup.mandates, "professional", "Cello", on_decision) is Standing.BINDING
    assert standing(setup.mandates, "professional", "Cello", before) is Standing.REQUESTED
    assert (
        standing(setup.mandates, "professional", "Corona Wonen", on_decision) is Standing.REQUESTED
    )


def test_show_lists_the_mandates_with_their_periods() -> None:
    result = CliRunner().invoke(app, ["show", "GM0796"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    shown = result.output.split("Mandates over their workers in a household", 1)[1]
    for organisation in ("Cello", "Van Neynsel", "Reinier van Arkel"):
        assert organisation in shown
    assert "2016-05-10 – …" in shown
