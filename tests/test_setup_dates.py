"""Dates that govern, without a database: the setup as it stands on a day, a team's start, the
validation of periods and case registration, and ``show --on`` (docs/casework.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from typing import Any

import pytest
from sample_town import ON, SampleTown, defaults

from wijkteamkit import EscalationRule, EscalationTarget, Neighbourhood, load_municipality
from wijkteamkit.domain.common import Period
from wijkteamkit.engine.starts import not_started, start_text
from wijkteamkit.testing import PluginHarness
from wijkteamkit.validation import validate
from wijkteamkit.validation.dates import first_day_outside

VEILIG_THUIS_FROM = date(2015, 1, 1)


def findings(plugin: Any, on: date = ON) -> list[tuple[str, str, str]]:
    harness = PluginHarness()
    harness.register(plugin)
    return [(f.severity, f.code, f.location) for f in harness.findings(on)]


def veilig_thuis(**changes: Any) -> list[EscalationTarget]:
    return [
        t.model_copy(update=changes) if t.key == "veilig-thuis" else t
        for t in defaults()["escalation_targets"]
    ]


def dv_rule(**changes: Any) -> list[EscalationRule]:
    return [
        r.model_copy(update=changes) if r.key == "dv" else r for r in defaults()["escalation_rules"]
    ]


# --- MunicipalitySetup.on -------------------------------------------------------------------


@pytest.mark.parametrize("municipality", ["nijmegen", "zwolle", "s-hertogenbosch"])
def test_veilig_thuis_and_the_meldrecht_exist_from_2015(municipality: str) -> None:
    setup = load_municipality(municipality)
    before, after = setup.on(date(2014, 12, 31)), setup.on(VEILIG_THUIS_FROM)
    for day in (before, after):
        rules = {r.target for r in day.escalation_rules}
        assert rules <= {t.key for t in day.escalation_targets}  # no rule without its target
    assert "veilig-thuis" not in {t.key for t in before.escalation_targets}
    assert "meldrecht-veilig-thuis" not in {b.key for b in before.legal_bases}
    assert "meldrecht-veilig-thuis" not in before.consent_policy.exceptions
    assert not any(k.endswith("/veilig-thuis") for k in before.origins)
    assert "veilig-thuis" in {t.key for t in after.escalation_targets}
    assert "meldrecht-veilig-thuis" in after.consent_policy.exceptions


def test_the_dates_cite_the_law() -> None:
    setup = load_municipality("nijmegen")
    target = setup.get("escalation_targets", "veilig-thuis")
    basis = setup.get("legal_bases", "meldrecht-veilig-thuis")
    assert isinstance(target, EscalationTarget) and target.source is not None
    assert (target.valid_from, target.source.document, target.source.section) == (
        VEILIG_THUIS_FROM,
        "Wmo 2015",
        "art. 4.1.1",
    )
    assert basis is not None and basis.source is not None
    assert (basis.source.document, basis.source.section) == ("Wmo 2015", "art. 5.2.6")


def test_before_2015_nijmegen_escalates_domestic_violence_to_the_veiligheidshuis() -> None:
    setup = load_municipality("nijmegen").on(date(2012, 6, 1))
    targets = {
        r.target for r in setup.escalation_rules if r.when.describe() == "flagged domestic-violence"
    }
    assert targets == {"veiligheidshuis"}


# --- a team's start -------------------------------------------------------------------------


def test_a_start_is_said_as_precisely_as_it_is_known() -> None:
    setup = load_municipality("nijmegen")
    areas = {n.key: n for n in setup.neighbourhoods}
    assert start_text(areas["lindenholt"]) == "1 April 2012"
    assert start_text(areas["dukenburg"]) == "September 2012"
    assert start_text(Neighbourhood(key="x", name="X")) == "an unknown date"


def test_nijmegen_noord_receives_signals_from_december_2012() -> None:
    setup = load_municipality("nijmegen")
    team = next(t.key for t in setup.teams if t.neighbourhood == "nijmegen-noord")
    refused = not_started(setup, team, date(2012, 11, 30))
    assert refused is not None and refused.rule == "team-not-started"
    assert "starts in December 2012" in str(refused)
    assert not_started(setup, team, date(2012, 12, 1)) is None
    lindenholt = next(t.key for t in setup.teams if t.neighbourhood == "lindenholt")
    assert "starts on 1 April 2012" in str(not_started(setup, lindenholt, date(2012, 3, 31)))
    assert not_started(setup, lindenholt, date(2012, 4, 1)) is None


# --- validation -----------------------------------------------------------------------------


def test_periods_nest() -> None:
    year = Period(valid_from=date(2015, 1, 1), valid_to=date(2015, 12, 31))
    assert (
        first_day_outside(Period(valid_from=date(2015, 3, 1), valid_to=date(2015, 4, 1)), year)
        is None
    )
    assert first_day_outside(Period(), year) == date.min
    assert first_day_outside(Period(valid_from=date(2015, 6, 1)), year) == date(2016, 1, 1)
    assert first_day_outside(year, Period()) is None


def test_a_rule_valid_when_its_target_is_not_is_an_error() -> None:
    town = SampleTown(escalation_targets=veilig_thuis(valid_from=date(2016, 6, 1)))
    found = findings(town)
    assert ("error", "rule-target-not-valid", "escalation_rules/dv") in found
    assert not any(code == "rule-target-not-valid" for _, code, _ in findings(SampleTown()))


def test_a_rule_valid_when_its_legal_basis_is_not_is_an_error() -> None:
    early = date(2014, 1, 1)
    town = SampleTown(
        escalation_targets=veilig_thuis(valid_from=early),
        escalation_rules=dv_rule(valid_from=early),
    )
    assert ("error", "rule-basis-not-valid", "escalation_rules/dv") in findings(town)
    assert not any(code == "rule-basis-not-valid" for _, code, _ in findings(SampleTown()))


def test_a_case_registration_before_the_start_is_an_error() -> None:
    start = date(2016, 1, 1)
    areas = [n.model_copy(update={"team_start": start}) for n in defaults()["neighbourhoods"]]

    def town(registration: date) -> SampleTown:
        teams = [
            t.model_copy(update={"case_registration_from": registration})
            for t in defaults()["teams"]
        ]
        return SampleTown(neighbourhoods=areas, teams=teams)

    assert ("error", "case-registration-before-start", "teams/team-centrum") in findings(
        town(date(2015, 12, 31))
    )
    assert not any(
        c == "case-registration-before-start" for _, c, _ in findings(town(date(2016, 4, 1)))
    )


@pytest.mark.parametrize("municipality", ["nijmegen", "zwolle", "s-hertogenbosch"])
def test_the_bundled_setups_have_no_period_findings(municipality: str) -> None:
    codes = {"rule-target-not-valid", "rule-basis-not-valid", "case-registration-before-start"}
    assert not {f.code for f in validate(load_municipality(municipality))} & codes


# --- show --on ------------------------------------------------------------------------------


def show(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wijkteamkit", "show", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )


def _words(text: str) -> set[str]:
    """The Veilig Thuis spellings found in ``text``, in any case."""
    return {name for name in ("veilig-thuis", "veilig thuis") if name in text.lower()}


def test_show_nijmegen_has_veilig_thuis_only_from_2015() -> None:
    for output in ("text", "json"):
        before = show("nijmegen", "--on", "2012-06-01", "--format", output)
        after = show("nijmegen", "--on", "2015-06-01", "--format", output)
        assert before.returncode == after.returncode == 0, before.stderr + after.stderr
        assert not {"veilig-thuis", "veilig thuis"} & _words(before.stdout)
        assert "veilig-thuis" in after.stdout
    dump = json.loads(show("nijmegen", "--on", "2015-06-01", "--format", "json").stdout)
    target = next(t for t in dump["escalation_targets"] if t["key"] == "veilig-thuis")
    assert target["valid_from"] == "2015-01-01"


def test_show_without_on_uses_the_reference_date() -> None:
    result = show("nijmegen")
    assert result.returncode == 0 and "— on 2012-06-01" in result.stdout
    assert "veilig-thuis" not in result.stdout


def test_show_gives_each_target_what_it_accepts_and_its_period() -> None:
    result = show("nijmegen", "--on", "2015-06-01")
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("Escalation targets", 1)[1].split("\nEscalation\n", 1)[0]
    fact = next(line for line in table.splitlines() if line.startswith("│ fact"))
    assert "flagged severe-psychiatric" in fact
    veilig_thuis = next(line for line in table.splitlines() if line.startswith("│ veilig-thuis"))
    assert "2015-01-01" in veilig_thuis
