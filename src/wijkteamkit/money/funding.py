"""Which stream pays for a provision on a date, and how (zorg in natura or a personal budget).

``resolve_funding`` answers from the merged setup: the provision's funding period that covers the
date, the stream (with its funder and law) valid then, and the delivery asked for. A plugin may
answer first through the ``wijkteamkit_resolve_funding`` hook. When nothing funds it, or a PGB is
asked for an algemene voorziening, :class:`FundingRefused` says why.

``indication_funding`` answers the same for an indication on a date: nothing before it starts or
after it ends (its own end, or earlier the end of the transitional right that continues an AWBZ
indication past the 2015 reform); in between, the provision's funding then.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..domain import (
    Delivery,
    Ending,
    FundingStream,
    IndicationIn,
    Law,
    MunicipalitySetup,
    Provision,
    ProvisionKind,
    Source,
)
from ..domain.common import Model
from ..domain.indication import continues, effective_end

PGB_ARTICLE = "art. 2.3.6 Wmo 2015"


class FundingRefused(LookupError):
    """No funding applies; the message says why and what would."""


class Resolution(Model):
    """The answer: which stream pays, who funds it, under which law, and why."""

    provision: str
    on: date
    delivery: Delivery
    stream: str
    stream_name: str
    funder: str
    funder_kind: str
    law: str | None = None
    law_name: str | None = None
    law_short: str | None = None
    legal_basis: str
    iwmo_category: str | None = None
    source: Source | None = None


def resolve_funding(
    setup: MunicipalitySetup,
    provision: str,
    on: date,
    delivery: Delivery = Delivery.ZIN,
    hook: Any = None,
) -> Resolution:
    """Resolve the funding of ``provision`` on ``on`` for ``delivery``.

    ``hook`` is a pluggy hook caller for ``wijkteamkit_resolve_funding`` (the municipality's
    plugin manager's ``hook.wijkteamkit_resolve_funding``); a plugin that answers wins.
    """
    found = setup.get("provisions", provision)
    if not isinstance(found, Provision):
        known = ", ".join(sorted(p.key for p in setup.provisions))
        raise FundingRefused(
            f"{setup.municipality.name} has no provision {provision!r}; known: {known}"
        )
    if hook is not None:
        answer = hook(setup=setup, provision=found, on=on, delivery=delivery)
        if answer is not None:
            return answer if isinstance(answer, Resolution) else Resolution.model_validate(answer)
    return _from_setup(setup, found, on, delivery)


def _from_setup(
    setup: MunicipalitySetup, provision: Provision, on: date, delivery: Delivery
) -> Resolution:
    if delivery is Delivery.PGB and provision.kind is ProvisionKind.ALGEMEEN:
        raise FundingRefused(
            f"{provision.name!r} is an algemene voorziening: open access without an assessment, so no "
            f"persoonsgebonden budget ({PGB_ARTICLE} allows a PGB only for a maatwerkvoorziening)"
        )
    if delivery not in provision.delivery:
        allowed = ", ".join(sorted(d.value.upper() for d in provision.delivery))
        raise FundingRefused(
            f"{provision.name!r} is delivered as {allowed} only, not {delivery.value.upper()}"
        )
    streams = {s.key: s for s in setup.funding_streams}
    periods = provision.funding_on(on)
    valid = [
        (p, streams[p.stream])
        for p in periods
        if p.stream in streams and streams[p.stream].contains(on)
    ]
    if not valid:
        spans = "; ".join(
            f"{p.stream} {p.valid_from or '…'} to {p.valid_to or '…'}" for p in provision.funding
        )
        raise FundingRefused(
            f"nothing funds {provision.name!r} on {on} in {setup.municipality.name}"
            + (f" (funded: {spans})" if spans else " (the provision has no funding periods)")
        )
    period, stream = valid[0]
    law = setup.get("laws", stream.law) if stream.law else None
    return Resolution(
        provision=provision.key,
        on=on,
        delivery=delivery,
        stream=stream.key,
        stream_name=stream.name,
        funder=stream.funder,
        funder_kind=stream.funder_kind.value,
        law=stream.law,
        law_name=law.name if isinstance(law, Law) else None,
        law_short=law.short_name if isinstance(law, Law) else None,
        legal_basis=_basis(stream, law, provision, delivery),
        iwmo_category=provision.iwmo_category,
        source=period.source or stream.source or provision.source,
    )


def _basis(stream: FundingStream, law: Any, provision: Provision, delivery: Delivery) -> str:
    name = law.short_name if isinstance(law, Law) else (stream.scheme or stream.name)
    if delivery is Delivery.PGB and stream.law == "wmo-2015":
        return f"{name}, {PGB_ARTICLE}"
    if provision.kind is ProvisionKind.MAATWERK and stream.law == "wmo-2015":
        return f"{name}, maatwerkvoorziening (art. 2.3.5)"
    return name


def funding_matrix(setup: MunicipalitySetup, on: date, hook: Any = None) -> list[dict[str, Any]]:
    """Every provision with its stream, funder and law on ``on`` (or why nothing funds it)."""
    rows: list[dict[str, Any]] = []
    for provision in setup.provisions:
        try:
            r = resolve_funding(
                setup,
                provision.key,
                on,
                Delivery.ZIN
                if Delivery.ZIN in provision.delivery
                else next(iter(provision.delivery)),
                hook,
            )
            rows.append(
                {
                    "provision": provision.key,
                    "name": provision.name,
                    "kind": provision.kind.value if provision.kind else None,
                    "stream": r.stream,
                    "funder": r.funder,
                    "funder_kind": r.funder_kind,
                    "law": r.law_short or r.law,
                    "iwmo": provision.iwmo_category,
                    "pgb": Delivery.PGB in provision.delivery,
                    "note": None,
                }
            )
        except FundingRefused as exc:
            rows.append(
                {
                    "provision": provision.key,
                    "name": provision.name,
                    "kind": provision.kind.value if provision.kind else None,
                    "stream": None,
                    "funder": None,
                    "funder_kind": None,
                    "law": None,
                    "iwmo": provision.iwmo_category,
                    "pgb": Delivery.PGB in provision.delivery,
                    "note": str(exc),
                }
            )
    return rows


class IndicationFunding(Model):
    """Who pays an indication on a date, and on what footing.

    ``continued`` is true when an indication of an earlier law is paid under transitional law
    (``continuity`` says which right, with its source); ``ending`` says when and why it ends.
    """

    on: date
    funding: Resolution
    continued: bool
    ending: Ending
    basis: str


def indication_funding(
    setup: MunicipalitySetup, indication: IndicationIn, on: date, hook: Any = None
) -> IndicationFunding:
    """Which stream pays ``indication`` on ``on``; :class:`FundingRefused` (saying why) before it
    starts, after it ends, or when nothing funds its provision then."""
    provision = setup.get("provisions", indication.provision)
    if not isinstance(provision, Provision):
        raise FundingRefused(
            f"{setup.municipality.name} has no provision {indication.provision!r}; the "
            "indication cannot be funded"
        )
    law = setup.get("laws", indication.law)
    ending = effective_end(indication, provision, law if isinstance(law, Law) else None)
    if on < indication.valid_from:
        raise FundingRefused(
            f"the indication for {provision.key!r} starts on {indication.valid_from}; nothing "
            f"funds it on {on}"
        )
    if ending.on is not None and on > ending.on:
        raise FundingRefused(
            f"the indication for {provision.key!r} ended on {ending.on} because {ending.why()}; "
            f"nothing funds it on {on}"
        )
    resolution = resolve_funding(setup, provision.key, on, indication.delivery, hook)
    continuity = provision.continuity
    continued = (
        continuity is not None and continues(indication, continuity) and on > continuity.held_on
    )
    granted = law.short_name if isinstance(law, Law) else indication.law
    basis = f"{granted} indication"
    if continued:
        assert continuity is not None
        cite = continuity.source.cite() if continuity.source else "no source given"
        basis += (
            f" continued under {resolution.law_short or resolution.stream} by transitional law "
            f"({cite}) through {ending.on}"
        )
    return IndicationFunding(
        on=on, funding=resolution, continued=continued, ending=ending, basis=basis
    )
