"""Transitional law (art. 8.6.1 Wmo 2015): who pays an indication begun in 2014 under the AWBZ on
every date, when it ends, what the plugins declare, and what validation reports."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sample_town import SRC, SampleTown

from wijkteamkit import (
    Law,
    MunicipalitySetup,
    Provision,
    ProvisionFunding,
    load_municipality,
    validate,
)
from wijkteamkit.domain import Continuity, EndReason, IndicationIn
from wijkteamkit.domain.indication import effective_end
from wijkteamkit.money.funding import FundingRefused, indication_funding
from wijkteamkit.testing import PluginHarness

IN_2014, IN_2015, IN_2016 = date(2014, 6, 1), date(2015, 6, 1), date(2016, 6, 1)
ART_861 = "Wmo 2015 art. 8.6.1"


def _national() -> MunicipalitySetup:
    harness = PluginHarness()
    harness.register(SampleTown())
    return harness.setup()


@pytest.fixture(scope="module")
def zwolle() -> MunicipalitySetup:
    return load_municipality("GM0193")


def _begun_2014(provision: str, valid_to: date | None = None) -> IndicationIn:
    return IndicationIn(
        household=1, provision=provision, law="awbz", valid_from=date(2014, 3, 1), valid_to=valid_to
    )


# The six cases of the "Done when": begeleiding (national layer) and Zwolle's beschermd
# wonen, each begun in 2014 under the AWBZ, on 2014-06-01, 2015-06-01 and 2016-06-01.


@pytest.mark.parametrize("setup_of", ["national", "zwolle"])
def test_begeleiding_begun_2014_is_awbz_then_wmo_2015_then_ended(
    setup_of: str, zwolle: MunicipalitySetup
) -> None:
    setup = _national() if setup_of == "national" else zwolle
    indication = _begun_2014("begeleiding", valid_to=date(2017, 3, 1))

    in_2014 = indication_funding(setup, indication, IN_2014)
    assert in_2014.funding.stream == "awbz" and in_2014.funding.funder_kind == "zorgkantoor"
    assert not in_2014.continued and in_2014.basis == "AWBZ indication"

    in_2015 = indication_funding(setup, indication, IN_2015)
    assert in_2015.funding.stream == "wmo-2015" and in_2015.funding.funder_kind == "municipality"
    assert in_2015.continued and ART_861 in in_2015.basis
    assert in_2015.ending.on == date(2015, 12, 31)

    with pytest.raises(FundingRefused, match=r"ended on 2015-12-31 because its transitional"):
        indication_funding(setup, indication, IN_2016)


def test_zwolle_beschermd_wonen_begun_2014_continues_through_2019(
    zwolle: MunicipalitySetup,
) -> None:
    indication = _begun_2014("beschermd-wonen")

    assert indication_funding(zwolle, indication, IN_2014).funding.stream == "awbz"
    for on in (IN_2015, IN_2016, date(2019, 12, 31)):
        paid = indication_funding(zwolle, indication, on)
        assert paid.funding.stream == "wmo-2015" and paid.continued
        assert "003_f84d4cc7902fdc3d.txt" in paid.basis
    ending = paid.ending
    assert ending.on == date(2019, 12, 31) and ending.reason is EndReason.TRANSITIONAL

    with pytest.raises(FundingRefused, match=r"ended on 2019-12-31 .*vijf jaar"):
        indication_funding(zwolle, indication, date(2020, 1, 1))


def test_an_indication_is_not_funded_before_it_starts_or_after_its_own_end() -> None:
    setup = _national()
    indication = _begun_2014("begeleiding", valid_to=date(2015, 4, 30))
    with pytest.raises(FundingRefused, match="starts on 2014-03-01"):
        indication_funding(setup, indication, date(2014, 2, 28))
    assert indication_funding(setup, indication, date(2015, 4, 30)).continued
    with pytest.raises(FundingRefused, match="ended on 2015-04-30 because it was granted until"):
        indication_funding(setup, indication, date(2015, 5, 1))


def test_an_awbz_indication_without_a_transitional_right_ends_with_the_awbz() -> None:
    setup = _national()
    # wijkverpleging went to the Zvw with no continuity in the setup
    indication = _begun_2014("wijkverpleging")
    assert indication_funding(setup, indication, IN_2014).funding.stream == "awbz"
    with pytest.raises(FundingRefused, match="AWBZ ended then and no transitional right"):
        indication_funding(setup, indication, IN_2015)


def test_an_indication_begun_after_the_reform_keeps_its_own_end() -> None:
    setup = _national()
    provision = setup.get("provisions", "begeleiding")
    assert isinstance(provision, Provision)
    law = setup.get("laws", "wmo-2015")
    assert isinstance(law, Law)
    new = IndicationIn(
        household=1,
        provision="begeleiding",
        law="wmo-2015",
        valid_from=date(2015, 3, 1),
        valid_to=date(2017, 3, 1),
    )
    ending = effective_end(new, provision, law)
    assert ending.on == date(2017, 3, 1) and ending.reason is EndReason.OWN
    assert not indication_funding(setup, new, IN_2016).continued


def test_the_national_layer_continues_the_provisions_art_8_6_1_names() -> None:
    setup = _national()
    for key, until in (
        ("begeleiding", date(2015, 12, 31)),
        ("dagbesteding", date(2015, 12, 31)),
        ("kortdurend-verblijf", date(2015, 12, 31)),
        ("beschermd-wonen", date(2019, 12, 31)),
    ):
        provision = setup.get("provisions", key)
        assert isinstance(provision, Provision) and provision.continuity is not None, key
        right = provision.continuity
        assert (right.law, right.held_on, right.until) == ("awbz", date(2014, 12, 31), until)
        assert right.source is not None and right.source.cite() == ART_861
    wijkverpleging = setup.get("provisions", "wijkverpleging")
    assert isinstance(wijkverpleging, Provision) and wijkverpleging.continuity is None


def test_s_hertogenbosch_continues_existing_begeleiding_and_dagbesteding() -> None:
    setup = load_municipality("GM0796")
    for key in ("begeleiding", "dagbesteding"):
        provision = setup.get("provisions", key)
        assert isinstance(provision, Provision) and provision.continuity is not None, key
        source = provision.continuity.source
        assert source is not None and source.document == "004_e77a5182fdc1e0dd.txt"
        assert source.section is not None and "voortzetting van bestaande indicaties" in (
            source.section
        )
        paid = indication_funding(setup, _begun_2014(key, date(2016, 6, 30)), IN_2015)
        assert paid.continued and paid.funding.stream == "wmo-2015"


# Validation: a continuity that ends before the reform, or continues a law that did not fund
# the provision.


def _codes(provision: Provision) -> list[str]:
    harness = PluginHarness()
    harness.register(SampleTown(provisions=[provision]))
    return [f.code for f in harness.findings(date(2016, 1, 1))]


def _provision(**continuity: Any) -> Provision:
    right: dict[str, Any] = {
        "law": "awbz",
        "held_on": date(2014, 12, 31),
        "until": date(2015, 12, 31),
    }
    return Provision(
        key="begeleiding-lokaal",
        name="Begeleiding",
        kind="maatwerk",
        funding=(
            ProvisionFunding(
                stream="awbz", valid_from=date(1968, 1, 1), valid_to=date(2014, 12, 31)
            ),
            ProvisionFunding(stream="wmo-2015", valid_from=date(2015, 1, 1)),
        ),
        continuity=Continuity.model_validate({**right, **continuity, "source": SRC}),
        source=SRC,
    )


def test_a_continuity_must_end_after_the_reform() -> None:
    assert "continuity-before-reform" not in _codes(_provision())
    assert "continuity-before-reform" in _codes(_provision(until=date(2014, 12, 31)))
    assert "continuity-before-reform" in _codes(_provision(until=date(2014, 6, 30)))


def test_a_continuity_continues_a_law_that_funded_the_provision() -> None:
    assert "continuity-not-funded-before" not in _codes(_provision())
    assert "continuity-not-funded-before" in _codes(_provision(law="wmo-2007"))
    assert "continuity-not-funded-before" in _codes(_provision(held_on=date(2015, 6, 30)))


def test_a_maatwerkvoorziening_taken_over_from_the_awbz_continues_its_indications() -> None:
    assert "continuity-missing" not in _codes(_provision())
    bare = _provision().model_copy(update={"continuity": None})
    assert "continuity-missing" in _codes(bare)
    open_access = bare.model_copy(update={"kind": "algemeen", "delivery": frozenset({"zin"})})
    assert "continuity-missing" not in _codes(open_access)  # no indications to continue


def test_the_bundled_setups_have_no_continuity_findings() -> None:
    for code in ("GM0193", "GM0268", "GM0796"):
        found = [
            f.code for f in validate(load_municipality(code)) if f.code.startswith("continuity-")
        ]
        assert found == [], code
