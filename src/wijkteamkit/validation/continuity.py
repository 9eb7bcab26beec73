"""Rules about transitional rights (a provision's ``continuity``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import pairwise

from ..domain import FundingStream, Provision, ProvisionKind
from .finding import Check, Finding


def continuity_before_reform(check: Check) -> Iterator[Finding]:
    """A transitional right continues indications after the day they were held: its ``until``
    lies after ``held_on``."""
    for provision in check.setup.provisions:
        right = provision.continuity
        if right is not None and right.until <= right.held_on:
            yield check.finding(
                "error",
                "continuity-before-reform",
                f"provisions/{provision.key}/continuity",
                f"provision {provision.key!r} continues {right.law} indications held on "
                f"{right.held_on} only until {right.until}, before the day after, when the new "
                f"law took over; give an 'until' after {right.held_on} (art. 8.6.1 Wmo 2015: "
                "through 2015, beschermd wonen through 2019).",
            )


def continuity_not_funded_before(check: Check) -> Iterator[Finding]:
    """A transitional right continues indications of a law that funded the provision on the day
    they were held (an AWBZ indication of a provision the AWBZ paid for before 2015)."""
    streams = {s.key: s for s in check.setup.funding_streams}
    for provision in check.setup.provisions:
        right = provision.continuity
        if right is None or _funded_by(provision, streams, right.law, right.held_on):
            continue
        yield check.finding(
            "error",
            "continuity-not-funded-before",
            f"provisions/{provision.key}/continuity",
            f"provision {provision.key!r} continues {right.law} indications held on "
            f"{right.held_on}, but no {right.law} funding stream paid for it that day; fund it "
            f"by {right.law} until then, or remove the continuity (no such indications exist).",
        )


def _funded_by(provision: Provision, streams: dict[str, FundingStream], law: str, on: date) -> bool:
    return any(
        period.contains(on) and period.stream in streams and streams[period.stream].law == law
        for period in provision.funding
    )


TRANSITIONAL_LAW = "art. 8.6.1 Wmo 2015"
OLD_LAW, NEW_LAW = "awbz", "wmo-2015"
"""The move that art. 8.6.1 Wmo 2015 governs: from the AWBZ to the Wmo 2015."""


def continuity_missing(check: Check) -> Iterator[Finding]:
    """A maatwerkvoorziening the Wmo 2015 took over from the AWBZ continues existing AWBZ
    indications (art. 8.6.1 Wmo 2015); without a continuity they would end with the AWBZ. An
    algemene voorziening has no indications to continue."""
    streams = {s.key: s for s in check.setup.funding_streams}
    for provision in check.setup.provisions:
        if provision.continuity is not None or provision.kind is not ProvisionKind.MAATWERK:
            continue
        laws = [
            streams[p.stream].law
            for p in sorted(provision.funding, key=lambda p: p.valid_from or date.min)
            if p.stream in streams
        ]
        moved = any(earlier == OLD_LAW and later == NEW_LAW for earlier, later in pairwise(laws))
        if moved:
            yield check.finding(
                "warning",
                "continuity-missing",
                f"provisions/{provision.key}",
                f"provision {provision.key!r} moved from the AWBZ to the Wmo 2015 but has no "
                "continuity: its AWBZ indications would end on the AWBZ's last day; add "
                f"Continuity(law='awbz', held_on=2014-12-31, until=...) ({TRANSITIONAL_LAW}: "
                "through 2015, beschermd wonen through 2019).",
            )
