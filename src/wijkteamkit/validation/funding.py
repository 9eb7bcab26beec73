"""Rules about provisions and their funding periods, on the date checked and over time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise

from ..domain import Delivery, FundingStream, ProvisionFunding, ProvisionKind
from .finding import Check, Finding


def _span(period: ProvisionFunding) -> str:
    return f"{period.valid_from or '…'} to {period.valid_to or '…'}"


def unfunded_provisions(check: Check) -> Iterator[Finding]:
    """Every provision has a funding period, with a stream valid then, covering the date checked."""
    streams = {s.key: s for s in check.setup.funding_streams}
    for provision in check.setup.provisions:
        covering = provision.funding_on(check.on)
        valid = [
            p for p in covering if p.stream in streams and streams[p.stream].contains(check.on)
        ]
        if not valid:
            yield check.finding(
                "error",
                "provision-unfunded",
                f"provisions/{provision.key}/funding",
                f"provision {provision.key!r} has no funding stream valid on {check.on}; add a "
                "funding period that covers it, or check with --on another date.",
            )


def streams_outside_their_period(check: Check) -> Iterator[Finding]:
    """A funding period must lie within the validity of the stream it names."""
    streams = {s.key: s for s in check.setup.funding_streams}
    for provision in check.setup.provisions:
        for i, period in enumerate(provision.funding):
            stream = streams.get(period.stream)
            if stream is None or _within(period, stream):
                continue
            yield check.finding(
                "error",
                "funding-stream-period",
                f"provisions/{provision.key}/funding/{i}",
                f"provision {provision.key!r} is funded by {stream.key!r} from {_span(period)}, "
                f"but that stream runs from {stream.valid_from or '…'} to {stream.valid_to or '…'}.",
            )


def _within(period: ProvisionFunding, stream: FundingStream) -> bool:
    starts_ok = stream.valid_from is None or (
        period.valid_from is not None and period.valid_from >= stream.valid_from
    )
    ends_ok = stream.valid_to is None or (
        period.valid_to is not None and period.valid_to <= stream.valid_to
    )
    return starts_ok and ends_ok


def overlaps_and_gaps(check: Check) -> Iterator[Finding]:
    """A provision's funding periods neither overlap nor leave a gap between them."""
    for provision in check.setup.provisions:
        ordered = sorted(provision.funding, key=lambda p: p.valid_from or date.min)
        for earlier, later in pairwise(ordered):
            where = f"provisions/{provision.key}/funding"
            end = earlier.valid_to or date.max
            start = later.valid_from or date.min
            if start <= end:
                yield check.finding(
                    "error",
                    "funding-overlap",
                    where,
                    f"provision {provision.key!r}: {earlier.stream} ({_span(earlier)}) overlaps "
                    f"{later.stream} ({_span(later)}); one date must have one funder.",
                )
            elif end != date.max and start - end > timedelta(days=1):
                yield check.finding(
                    "error",
                    "funding-gap",
                    where,
                    f"provision {provision.key!r} has no funding between {end} and {start} "
                    f"({earlier.stream} ends, {later.stream} starts).",
                )


def pgb_for_algemene_voorziening(check: Check) -> Iterator[Finding]:
    """An algemene voorziening is open access without assessment, so it has no PGB."""
    for provision in check.setup.provisions:
        if provision.kind is ProvisionKind.ALGEMEEN and Delivery.PGB in provision.delivery:
            yield check.finding(
                "error",
                "pgb-algemeen",
                f"provisions/{provision.key}/delivery",
                f"provision {provision.key!r} is an algemene voorziening but allows a PGB; a "
                "persoonsgebonden budget is only for a maatwerkvoorziening.",
            )
