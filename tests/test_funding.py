"""Funding resolution across the 1 January 2015 reform, refusals with reasons, and the override hook."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sample_town import SampleTown

from wijkteamkit import MunicipalitySetup
from wijkteamkit.domain import Delivery
from wijkteamkit.money.funding import FundingRefused, Resolution, funding_matrix, resolve_funding
from wijkteamkit.testing import PluginHarness

BEFORE, AFTER = date(2012, 6, 1), date(2015, 6, 1)


@pytest.fixture
def setup() -> MunicipalitySetup:
    harness = PluginHarness()
    harness.register(SampleTown())
    return harness.setup()


@pytest.mark.parametrize(
    ("provision", "on", "stream", "funder_kind"),
    [
        ("begeleiding", BEFORE, "awbz", "zorgkantoor"),
        ("begeleiding", AFTER, "wmo-2015", "municipality"),
        ("dagbesteding", AFTER, "wmo-2015", "municipality"),
        ("beschermd-wonen", AFTER, "wmo-2015", "municipality"),
        ("wijkverpleging", BEFORE, "awbz", "zorgkantoor"),
        ("wijkverpleging", AFTER, "zvw", "health_insurer"),
        ("persoonlijke-verzorging", AFTER, "zvw", "health_insurer"),
        ("langdurig-verblijf", AFTER, "wlz", "zorgkantoor"),
        ("jeugdhulp", BEFORE, "wjz", "province"),
        ("jeugdhulp", AFTER, "jeugdwet", "municipality"),
        ("huishoudelijke-hulp", BEFORE, "wmo-2007", "municipality"),
        ("huishoudelijke-hulp", AFTER, "wmo-2015", "municipality"),
        ("re-integratie", BEFORE, "wwb", "municipality"),
        ("re-integratie", AFTER, "participatiewet", "municipality"),
    ],
)
def test_the_reform_moves_streams(
    setup: MunicipalitySetup, provision: str, on: date, stream: str, funder_kind: str
) -> None:
    answer = resolve_funding(setup, provision, on)
    assert (answer.stream, answer.funder_kind) == (stream, funder_kind)


def test_the_day_of_the_reform(setup: MunicipalitySetup) -> None:
    assert resolve_funding(setup, "begeleiding", date(2014, 12, 31)).stream == "awbz"
    assert resolve_funding(setup, "begeleiding", date(2015, 1, 1)).stream == "wmo-2015"


def test_pgb_for_an_algemene_voorziening_is_refused_with_the_reason(
    setup: MunicipalitySetup,
) -> None:
    with pytest.raises(
        FundingRefused,
        match=r"algemene voorziening.*no persoonsgebonden budget \(art\. 2\.3\.6 Wmo 2015",
    ):
        resolve_funding(setup, "schoonmaak", AFTER, Delivery.PGB)
    pgb = resolve_funding(setup, "begeleiding", AFTER, Delivery.PGB)
    assert pgb.legal_basis == "Wmo 2015, art. 2.3.6 Wmo 2015"


def test_a_date_outside_every_period_says_what_is_funded(setup: MunicipalitySetup) -> None:
    with pytest.raises(
        FundingRefused,
        match=r"nothing funds 'Begeleiding \(individueel\)' on 1960-01-01 .*awbz 1968-01-01",
    ):
        resolve_funding(setup, "begeleiding", date(1960, 1, 1))
    with pytest.raises(FundingRefused, match="has no provision 'bogus'"):
        resolve_funding(setup, "bogus", AFTER)


class CovenantPilot:
    """A local arrangement: in this pilot, begeleiding in 2014 is paid from a covenant."""

    def wijkteamkit_resolve_funding(
        self, setup: Any, provision: Any, on: date, delivery: Any
    ) -> Any:
        if provision.key == "begeleiding" and on.year == 2014:
            return {
                "provision": provision.key,
                "on": on,
                "delivery": delivery,
                "stream": "convenant",
                "stream_name": "Convenant zorgkantoor",
                "funder": "Zorgkantoor",
                "funder_kind": "zorgkantoor",
                "legal_basis": "convenant 2012",
            }
        return None


def test_a_plugin_may_override_resolution(setup: MunicipalitySetup) -> None:
    harness = PluginHarness()
    harness.register(SampleTown())
    harness.register(CovenantPilot(), layer="local")
    loaded = harness.load()
    hook = loaded.plugins.manager.hook.wijkteamkit_resolve_funding
    override = resolve_funding(loaded.setup, "begeleiding", date(2014, 6, 1), hook=hook)
    assert isinstance(override, Resolution) and override.stream == "convenant"
    assert resolve_funding(loaded.setup, "begeleiding", AFTER, hook=hook).stream == "wmo-2015"


def test_matrix_lists_every_provision_and_what_is_unfunded(setup: MunicipalitySetup) -> None:
    rows = {r["provision"]: r for r in funding_matrix(setup, BEFORE)}
    assert set(rows) == {p.key for p in setup.provisions}
    assert rows["begeleiding"]["law"] == "AWBZ"
    assert rows["schoonmaak"]["stream"] is None and "nothing funds" in rows["schoonmaak"]["note"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wijkteamkit", *args], capture_output=True, text=True, check=False
    )


def test_cli_matrix_compares_two_dates(site: Path, tmp_path: Path) -> None:
    from test_cli import town_file

    town = town_file(tmp_path)
    result = _cli(
        "funding",
        "matrix",
        "teststad",
        "--plugin-file",
        str(town),
        "--on",
        "2012-06-01",
        "--compare",
        "2015-06-01",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    rows = {r["provision"]: r for r in json.loads(result.stdout)["provisions"]}
    assert (rows["wijkverpleging"]["stream"], rows["wijkverpleging"]["stream_then"]) == (
        "awbz",
        "zvw",
    )
    assert rows["wijkverpleging"]["moved"] is True
    csv_out = _cli(
        "funding",
        "matrix",
        "GM0001",
        "--plugin-file",
        str(town),
        "--on",
        "2015-06-01",
        "--format",
        "csv",
    )
    assert csv_out.stdout.splitlines()[0].startswith("provision,name,kind,stream,funder")


def test_cli_resolve_and_refusal_exit_codes(site: Path, tmp_path: Path) -> None:
    from test_cli import town_file

    town = town_file(tmp_path)
    ok = _cli(
        "funding",
        "resolve",
        "begeleiding",
        "-m",
        "teststad",
        "--plugin-file",
        str(town),
        "--on",
        "2012-06-01",
    )
    assert ok.returncode == 0 and "AWBZ, paid by zorgkantoor" in ok.stdout
    refused = _cli(
        "funding",
        "resolve",
        "schoonmaak",
        "-m",
        "teststad",
        "--plugin-file",
        str(town),
        "--on",
        "2015-06-01",
        "--delivery",
        "pgb",
    )
    assert refused.returncode == 1 and refused.stdout.startswith("refused: ")
    bad = _cli(
        "funding",
        "resolve",
        "begeleiding",
        "-m",
        "teststad",
        "--plugin-file",
        str(town),
        "--on",
        "2015-02-30",
    )
    assert bad.returncode == 2 and "is not a date" in bad.stderr


def test_cli_budget_shows_totals_and_fails_when_coverage_falls_short(
    site: Path, tmp_path: Path
) -> None:
    from test_cli import town_file

    town = town_file(tmp_path)
    ok = _cli("budget", "teststad", "--plugin-file", str(town), "--format", "json")
    assert ok.returncode == 0, ok.stderr
    (budget,) = json.loads(ok.stdout)["budgets"]
    assert (budget["total_costs"], budget["total_coverage"], budget["balance"]) == (
        "1000",
        "1000",
        "0",
    )
    short = town_file(
        tmp_path,
        name="short.py",
        budgets=("[defaults()['budgets'][0].model_copy(update={'coverage': ()})]"),
    )
    result = _cli("budget", "teststad", "--plugin-file", str(short))
    assert result.returncode == 1 and "a deficit of EUR 1.000" in result.stdout
