"""Rules about transitional rights (a provision's ``continuity``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..domain import FundingStream, Provision
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
