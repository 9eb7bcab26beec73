"""Validation of the ladder's and access's inputs: a provision without a kind, a
maatwerkvoorziening open to direct access; each with a failing and a passing case."""

from __future__ import annotations

from datetime import date

import pytest
from sample_town import SRC, SampleTown, defaults

from wijkteamkit import Provision, ProvisionFunding
from wijkteamkit.testing import PluginHarness

FUNDED = (ProvisionFunding(stream="wmo-2015", valid_from=date(2015, 1, 1)),)


def codes(provision: Provision) -> list[tuple[str, str]]:
    harness = PluginHarness()
    harness.register(SampleTown(provisions=[*defaults()["provisions"], provision]))
    return [
        (f.code, f.location)
        for f in harness.findings(date(2016, 1, 1))
        if f.code in {"provision-kind", "provision-access"}
    ]


@pytest.mark.parametrize(
    ("fields", "found"),
    [
        ({}, [("provision-kind", "provisions/hulp/kind")]),
        ({"kind": "algemeen"}, []),
        (
            {"kind": "maatwerk", "access": "direct"},
            [("provision-access", "provisions/hulp/access")],
        ),
        ({"kind": "maatwerk", "access": "team"}, []),
        ({"kind": "maatwerk", "access": "referral"}, []),
        ({"kind": "algemeen", "access": "direct"}, []),
    ],
)
def test_kind_and_access(fields: dict[str, str], found: list[tuple[str, str]]) -> None:
    provision = Provision.model_validate(
        {"key": "hulp", "name": "Hulp", "funding": FUNDED, "source": SRC, **fields}
    )
    assert codes(provision) == found
