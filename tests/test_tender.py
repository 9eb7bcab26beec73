"""Maatschappelijk opdrachtgeverschap: bids, eligibility, scoring, award, contracts, OCDS export."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sample_town import SRC, SampleTown, defaults

from wijkteamkit.domain import (
    AwardCriterion,
    Bid,
    NeighbourhoodProfile,
    Outcome,
    Participation,
    Provider,
    Regime,
    Requirements,
    TenderProcedure,
)
from wijkteamkit.interop.ocds import release_package, validate_package
from wijkteamkit.money.tender import AwardRefused, BidError, award, check_bids, read_bids, score
from wijkteamkit.testing import PluginHarness

OCDS = Path(__file__).resolve().parents[2] / "shared" / "ocds"
PUBLISHED = datetime(2013, 1, 15, tzinfo=UTC)


def procedure(**changes: Any) -> TenderProcedure:
    base: TenderProcedure = defaults()["tender_procedures"][0]
    return base.model_copy(
        update={
            "award_criteria": (
                AwardCriterion(key="outcomes", name="Outcomes", weight=50),
                AwardCriterion(key="network", name="Own strength and network", weight=20),
                AwardCriterion(key="price", name="Price", weight=30, kind="price"),
            ),
            "participants": (
                Participation(municipality="GM0001", share=50, area="Centrum"),
                Participation(municipality="GM0002", share=30),
                Participation(municipality="GM0003", share=20),
            ),
            "providers": (
                Provider(key="swon", name="Swon", kvk="41055629"),
                Provider(key="tandem", name="Tandem"),
                Provider(key="coop", name="Wijkcoöperatie"),
            ),
            "profile": NeighbourhoodProfile(
                population=20000,
                households=8000,
                problems=("eenzaamheid",),
                opportunities=("actieve bewoners",),
                source=SRC,
            ),
            "requirements": Requirements(
                written_by="Wijknetwerk Centrum",
                budget_ceiling=Decimal(200000),
                starts=date(2013, 1, 1),
                ends=date(2014, 12, 31),
                outcomes=(
                    Outcome(
                        key="minder-eenzaam",
                        description="Minder eenzaamheid",
                        domain="sociaal-netwerk",
                    ),
                ),
            ),
            **changes,
        }
    )


def bid(
    provider: str,
    price: int,
    outcomes: int = 8,
    network: int = 6,
    committed: tuple[str, ...] = ("minder-eenzaam",),
) -> Bid:
    return Bid(
        provider=provider,
        price=Decimal(price),
        outcomes=frozenset(committed),
        points={"outcomes": outcomes, "network": network},
    )


BIDS = [bid("swon", 180000, 8, 6), bid("tandem", 150000, 6, 7), bid("coop", 210000, 9, 9)]


def test_scoring_is_reproducible_and_follows_the_weights() -> None:
    first = score(procedure(), BIDS)
    assert first == score(procedure(), list(reversed(BIDS)))[::-1]
    by = {s.provider: s for s in first}
    assert by["coop"].eligible is False and "exceeds the ceiling" in by["coop"].reasons[0]
    # swon: 0.5*8 + 0.2*6 + 0.3*10*150/180 = 7.7; tandem: 0.5*6 + 0.2*7 + 0.3*10 = 7.4
    assert (by["swon"].total, by["swon"].rank) == (7.7, 1)
    assert (by["tandem"].total, by["tandem"].rank) == (7.4, 2)


def test_a_bid_not_committing_to_every_outcome_is_not_eligible() -> None:
    (scored,) = score(procedure(), [bid("swon", 100000, committed=())])
    assert not scored.eligible and scored.reasons == (
        "does not commit to outcome(s) minder-eenzaam",
    )


def test_award_writes_a_rationale_and_splits_the_contract_by_share() -> None:
    result = award(procedure(), BIDS)
    assert result.winners == ("swon",)
    assert "Awarded on the best price-quality ratio to Swon" in result.rationale
    assert "Not eligible: Wijkcoöperatie" in result.rationale
    (contract,) = result.contracts
    assert contract.value == Decimal(180000)
    assert contract.parts == {
        "GM0001": Decimal("90000.00"),
        "GM0002": Decimal("54000.00"),
        "GM0003": Decimal("36000.00"),
    }
    assert sum(contract.parts.values()) == contract.value


def test_award_to_an_ineligible_or_lower_ranked_bid_is_refused() -> None:
    with pytest.raises(
        AwardRefused, match=r"'coop' is not eligible: price EUR 210,000\.00 exceeds"
    ):
        award(procedure(), BIDS, provider="coop")
    with pytest.raises(
        AwardRefused,
        match=r"'tandem' ranks 2; the award goes to the best price-quality ratio, 'swon'",
    ):
        award(procedure(), BIDS, provider="tandem")
    assert award(procedure(), BIDS, provider="swon").winners == ("swon",)


def test_open_house_contracts_every_eligible_provider() -> None:
    result = award(procedure(regime=Regime.OPEN_HOUSE), BIDS)
    assert result.winners == ("swon", "tandem") and len(result.contracts) == 2
    assert award(procedure(regime=Regime.OPEN_HOUSE), BIDS, provider="tandem").winners == (
        "swon",
        "tandem",
    )


def test_a_scoring_hook_can_override() -> None:
    def hook(procedure: Any, bid: Bid, bids: Any) -> float | None:
        return 9.9 if bid.provider == "tandem" else None

    assert award(procedure(), BIDS, hook=hook).winners == ("tandem",)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"provider": "swon", "points": {"outcomes": 8, "network": 6}}],
            r"row 1, field 'price': missing",
        ),
        (
            [{"provider": "swon", "price": -5, "points": {"outcomes": 8, "network": 6}}],
            r"row 1, field 'price': Input should be greater than 0",
        ),
        (
            [{"provider": "acme", "price": 5, "points": {"outcomes": 8, "network": 6}}],
            r"row 1, field 'provider': unknown provider 'acme'; registered: coop, swon, tandem",
        ),
        (
            [{"provider": "swon", "price": 5, "points": {"outcomes": 8, "network": 6, "speed": 3}}],
            r"row 1, field 'points.speed': unknown criterion",
        ),
        (
            [{"provider": "swon", "price": 5, "points": {"outcomes": 8}}],
            r"row 1, field 'points.network': missing",
        ),
        (
            [{"provider": "swon", "price": 5, "points": {"outcomes": 11, "network": 6}}],
            r"row 1, field 'points'",
        ),
        (
            [
                {"provider": "swon", "price": 5, "points": {"outcomes": 8, "network": 6}},
                {"provider": "swon", "price": 6, "points": {"outcomes": 8, "network": 6}},
            ],
            r"row 2, field 'provider': 'swon' bids twice",
        ),
    ],
)
def test_bad_bids_name_the_row_and_field(rows: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(BidError, match=message):
        check_bids(rows, procedure())


def test_bids_from_csv_and_json_files(tmp_path: Path) -> None:
    csv_file = tmp_path / "bids.csv"
    csv_file.write_text(
        "provider,price,outcomes,points.outcomes,points.network\n"
        "swon,180000,minder-eenzaam,8,6\ntandem,150000,minder-eenzaam,6,7\n"
    )
    json_file = tmp_path / "bids.json"
    json_file.write_text(json.dumps({"bids": [b.model_dump(mode="json") for b in BIDS[:2]]}))
    assert read_bids(csv_file, procedure()) == read_bids(json_file, procedure()) == BIDS[:2]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "provider,price,outcomes,points.outcomes,points.network\nswon,,minder-eenzaam,8,6\n"
    )
    with pytest.raises(BidError, match=r"bad\.csv row 1, field 'price': missing"):
        read_bids(bad, procedure())


@pytest.mark.skipif(not OCDS.is_dir(), reason=f"the OCDS schemas are not at {OCDS}")
def test_ocds_export_validates_against_the_shared_schemas() -> None:
    harness = PluginHarness()
    harness.register(SampleTown(tender_procedures=[procedure()]))
    setup = harness.setup()
    package = release_package(setup, procedure(), BIDS, PUBLISHED)
    assert validate_package(package, OCDS) == []
    (release,) = package["releases"]
    assert release["tag"] == ["tender", "award", "contract"]
    assert [b["status"] for b in release["bids"]["details"]] == ["valid", "valid", "disqualified"]
    assert release["awards"][0]["suppliers"] == [{"id": "NL-KVK-41055629", "name": "Swon"}]
    buyers = [p["id"] for p in release["parties"] if "buyer" in p["roles"]]
    assert buyers == ["GM0001", "GM0002", "GM0003"]


@pytest.mark.skipif(not OCDS.is_dir(), reason=f"the OCDS schemas are not at {OCDS}")
def test_the_ocds_validator_rejects_a_broken_package() -> None:
    harness = PluginHarness()
    harness.register(SampleTown(tender_procedures=[procedure()]))
    package = release_package(harness.setup(), procedure(), BIDS, PUBLISHED)
    del package["releases"][0]["ocid"]
    package["releases"][0]["bids"]["details"][0]["status"] = "won"
    problems = validate_package(package, OCDS)
    assert any("'ocid' is a required property" in p for p in problems)
    assert any("'won' is not one of" in p for p in problems)


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wijkteamkit", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def tender_town(site: Path, tmp_path: Path) -> Path:
    path = tmp_path / "tender_town.py"
    path.write_text(
        f"import sys\nsys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_tender import procedure, BIDS\n"
        "from sample_town import SampleTown\n"
        "_town = SampleTown(tender_procedures=[procedure(example_bids=tuple(BIDS))])\n"
        + "".join(f"{h} = _town.{h}\n" for h in dir(SampleTown) if h.startswith("wijkteamkit_"))
    )
    return path


def test_cli_score_award_export(tender_town: Path, tmp_path: Path) -> None:
    scored = _cli("tender", "score", "teststad", "centrum-2016", "--plugin-file", tender_town)
    assert scored.returncode == 0, scored.stderr
    assert scored.stdout.splitlines()[0].startswith("1. swon: 7.70 of 10")
    awarded = _cli(
        "tender",
        "award",
        "GM0001",
        "centrum-2016",
        "--plugin-file",
        tender_town,
        "--provider",
        "coop",
    )
    assert awarded.returncode == 1 and "is not eligible" in awarded.stderr
    exported = _cli(
        "tender", "export", "teststad", "--plugin-file", tender_town, "--published", "2013-01-15"
    )
    assert exported.returncode == 0
    package = json.loads(exported.stdout)
    assert package["publishedDate"] == "2013-01-15T00:00:00Z"
    if OCDS.is_dir():
        assert validate_package(package, OCDS) == []
    bad = tmp_path / "bids.csv"
    bad.write_text(
        "provider,price,outcomes,points.outcomes,points.network\nacme,5,minder-eenzaam,8,6\n"
    )
    refused = _cli(
        "tender", "score", "teststad", "centrum-2016", "--plugin-file", tender_town, "--bids", bad
    )
    assert (
        refused.returncode == 2
        and "row 1, field 'provider': unknown provider 'acme'" in refused.stderr
    )
    assert "Traceback" not in refused.stderr
