"""The Nijmegen plugin (GM0268, 2012) and its region plugin reproduce 001/000 and cite them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from wijkteamkit import KEYED_COLLECTIONS, MunicipalitySetup, load_municipality, validate
from wijkteamkit.demo import run_demo
from wijkteamkit.domain import CompositionRule, EscalationRule
from wijkteamkit.engine.casework import Casework
from wijkteamkit.interop.ocds import release_package, validate_package
from wijkteamkit.money.funding import resolve_funding
from wijkteamkit.money.tender import award, score

ROOT = Path(__file__).resolve().parents[2]
OCDS = ROOT.parent / "shared" / "ocds"
SOURCES = {"001_525b1e9afc52d031.txt", "000_dc26d9cf0f115e39.txt"}


@pytest.fixture(scope="module")
def setup() -> MunicipalitySetup:
    return load_municipality("nijmegen")


def test_it_validates_without_errors_or_warnings(setup: MunicipalitySetup) -> None:
    assert [f for f in validate(setup) if f.severity != "info"] == []
    assert [f for f in validate(setup, on=date(2015, 6, 1)) if f.severity != "info"] == []


def test_four_pilots_with_their_start_dates_and_target_households(
    setup: MunicipalitySetup,
) -> None:
    pilots = {n.key: (n.team_start, n.target_households) for n in setup.neighbourhoods}
    assert pilots == {
        "lindenholt": (date(2012, 4, 1), 900),
        "dukenburg": (date(2012, 9, 1), 1500),
        "hatert": (date(2012, 9, 1), 660),
        "nijmegen-noord": (date(2012, 12, 1), 610),
    }
    assert all(n.target_share == 0.15 for n in setup.neighbourhoods)
    subs = {n.key: [s.name for s in n.sub_areas] for n in setup.neighbourhoods}
    assert subs["lindenholt"] == ["Horstacker", "Kampwijken"]
    assert subs["dukenburg"] == ["Meijhorst", "Malvert"]


def test_the_base_composition_rule(setup: MunicipalitySetup) -> None:
    rule = setup.get("composition_rules", "default")
    assert isinstance(rule, CompositionRule)
    assert (rule.min_members, rule.max_members, rule.member_min_hours) == (5, 7, 16)
    assert (rule.leader_min_hours, rule.leader_municipality_paid_hours) == (24, 8)
    assert {r.group for r in rule.requirements if r.group} == {"wonen", "welzijn", "zorg"}
    assert any(r.function == "wmo-consulent" for r in rule.requirements)


def test_who_employs_each_team_leader(setup: MunicipalitySetup) -> None:
    employers = {t.neighbourhood: t.leader.employer for t in setup.teams if t.leader}
    assert employers == {
        "lindenholt": "institution",
        "dukenburg": "institution",
        "hatert": "municipality",
        "nijmegen-noord": "municipality",
    }


def test_case_registration_starts_three_months_after_each_team(setup: MunicipalitySetup) -> None:
    starts = {t.neighbourhood: t.case_registration_from for t in setup.teams}
    assert starts == {
        "lindenholt": date(2012, 7, 1),
        "dukenburg": date(2012, 12, 1),
        "hatert": date(2012, 12, 1),
        "nijmegen-noord": date(2013, 3, 1),
    }


def _targets(setup: MunicipalitySetup, scores: dict[str, int], flags: set[str]) -> set[str]:
    rules = [r for r in setup.escalation_rules if isinstance(r, EscalationRule)]
    return {r.target for r in rules if r.fires(scores, flags)}


@pytest.mark.parametrize(
    ("scores", "flags", "expected"),
    [
        ({"financien": 1, "huisvesting": 2, "sociaal-netwerk": 2}, set(), {"regieteam"}),
        ({"financien": 1, "huisvesting": 2, "sociaal-netwerk": 3}, set(), set()),
        ({"justitie": 3}, {"justice-involved"}, {"veiligheidshuis"}),
        ({}, {"veelpleger"}, {"veiligheidshuis"}),
        ({}, {"domestic-violence"}, {"veiligheidshuis", "veilig-thuis"}),
        ({}, {"severe-psychiatric"}, {"fact"}),
        ({"lichamelijke-gezondheid": 2}, set(), {"ketenzorg"}),
        ({"instrumentele-adl": 2}, set(), {"bureau-voorzieningen-wmo"}),
    ],
)
def test_escalation_follows_the_basisontwerp(
    setup: MunicipalitySetup, scores: dict[str, int], flags: set[str], expected: set[str]
) -> None:
    assert _targets(setup, scores, flags) == expected


def test_the_region_supplies_what_nijmegen_shares(setup: MunicipalitySetup) -> None:
    region = "wijkteamkit-regio-nijmegen"
    for location in (
        "escalation_targets/veiligheidshuis",
        "escalation_targets/fact",
        "escalation_targets/veilig-thuis",
        "funding_streams/awbz",
    ):
        assert setup.origin(location).startswith(region), location
    assert setup.origin("escalation_targets/regieteam").startswith("wijkteamkit-nijmegen")


def test_2012_funding_before_the_reform(setup: MunicipalitySetup) -> None:
    on = date(2012, 6, 1)
    begeleiding = resolve_funding(setup, "begeleiding", on)
    assert (begeleiding.stream, begeleiding.funder) == (
        "awbz",
        "Zorgkantoor Nijmegen (Coöperatie VGZ)",
    )
    assert resolve_funding(setup, "huishoudelijke-hulp", on).stream == "wmo-2007"
    assert resolve_funding(setup, "sociaal-wijkteam", on).funder == "Gemeente Nijmegen"
    assert resolve_funding(setup, "praktijkondersteuning-huisarts", on).funder == "Coöperatie VGZ"
    assert resolve_funding(setup, "begeleiding", date(2015, 6, 1)).stream == "wmo-2015"


def test_the_2012_development_budget(setup: MunicipalitySetup) -> None:
    (budget,) = setup.budgets
    groups = {g.key: g.total for g in budget.cost_groups}
    assert groups == {
        "algemeen": Decimal(156000),
        "communicatie": Decimal(90000),
        "wijkpilots": Decimal(125000),
        "randvoorwaarden": Decimal(105000),
    }
    assert budget.total_costs == budget.total_coverage == Decimal(476000)
    assert [c.amount for c in budget.coverage] == [Decimal(100000), Decimal(305000), Decimal(71000)]
    assert any("six months" in n for n in budget.notes)


def test_the_joint_procedure_in_nijmegen_noord(setup: MunicipalitySetup) -> None:
    (procedure,) = setup.tender_procedures
    assert procedure.lead_municipality == "GM0268"
    assert {p.municipality for p in procedure.participants} == {"GM0268", "GM0202", "GM1705"}
    ranked = score(procedure, procedure.example_bids)
    assert sorted((s.rank, s.provider) for s in ranked if s.eligible) == [
        (1, "tandem"),
        (2, "swon"),
    ]
    assert score(procedure, procedure.example_bids) == ranked
    assert award(procedure, procedure.example_bids).winners == ("tandem",)


@pytest.mark.skipif(not OCDS.is_dir(), reason=f"the OCDS schemas are not at {OCDS}")
def test_the_joint_procedure_exports_valid_ocds(setup: MunicipalitySetup) -> None:
    (procedure,) = setup.tender_procedures
    published = datetime(2012, 11, 1, tzinfo=UTC)
    package = release_package(setup, procedure, procedure.example_bids, published)
    assert validate_package(package, OCDS) == []


def test_every_item_cites_a_source(setup: MunicipalitySetup) -> None:
    for collection in KEYED_COLLECTIONS:
        for item in getattr(setup, collection):
            assert item.source is not None, f"{collection}/{item.key}"
    local = [t for t in setup.teams] + [n for n in setup.neighbourhoods]
    assert all(i.source and i.source.document in SOURCES for i in local)


def test_the_demo_runs_the_pilot(tmp_path: Path) -> None:
    casework = Casework.open("nijmegen", f"sqlite:///{tmp_path}/demo.db")
    lines: list[str] = []
    report = run_demo(casework, lines.append)
    casework.engine.dispose()
    assert report.escalated_to == "regieteam"
    assert report.refused == "no_consent"
    assert report.reported_under == "meldrecht-veilig-thuis"
    assert report.audit_intact and report.audit_entries > 0
    assert "Lindenholt" in lines[0]


def test_the_embedding_example_runs(tmp_path: Path) -> None:
    env = {**os.environ, "WIJKTEAMKIT_DATABASE_URL": f"sqlite:///{tmp_path}/example.db"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "nijmegen" / "receive_signal.py")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "plan 1 final" in result.stdout
