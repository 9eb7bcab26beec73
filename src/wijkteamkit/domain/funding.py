"""Laws, funding streams and provisions (voorzieningen), each with validity periods."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import StringConstraints, field_serializer, model_validator

from .common import Item, Key, Model, NonEmptyText, Period, Source


class Law(Item, Period):
    """A law or national scheme (Wmo 2015, AWBZ, Zvw, ...) and the period it was in force."""

    name: NonEmptyText
    """The law's full name."""
    short_name: NonEmptyText
    """The law's usual abbreviation (Wmo 2015)."""
    successor: Key | None = None
    """The key of the law that replaced it."""


class FunderKind(StrEnum):
    """Who pays out of a funding stream."""

    MUNICIPALITY = "municipality"
    HEALTH_INSURER = "health_insurer"
    ZORGKANTOOR = "zorgkantoor"
    STATE = "state"
    PROVINCE = "province"
    INSTITUTION = "institution"
    OTHER = "other"


class FundingStream(Item, Period):
    """A stream of money under a law or scheme, paid by a funder, valid for a period."""

    name: NonEmptyText
    """The stream's name."""
    law: Key | None = None
    """The key of the law or scheme the money falls under."""
    scheme: str | None = None
    """The scheme within the law, if any."""
    funder_kind: FunderKind
    """Who pays out of the stream."""
    funder: NonEmptyText
    """The paying body, by name."""

    @model_validator(mode="after")
    def _law_or_scheme(self) -> FundingStream:
        if self.law is None and not self.scheme:
            raise ValueError("a funding stream names the 'law' it rests on or a 'scheme'")
        return self


class ProvisionKind(StrEnum):
    """Wmo 2015: open access (algemeen) or after an assessment (maatwerk)."""

    ALGEMEEN = "algemeen"
    MAATWERK = "maatwerk"


class Delivery(StrEnum):
    """Care in kind (zorg in natura) or a personal budget (persoonsgebonden budget)."""

    ZIN = "zin"
    PGB = "pgb"


IwmoCategory = Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
"""An iWmo product category, two digits, e.g. ``01`` hulp bij het huishouden, ``02`` begeleiding;
validation checks it against the code list WMO020 (:mod:`wijkteamkit.defaults.codelists`)."""


class ProvisionFunding(Period):
    """Which funding stream pays for a provision during a period."""

    stream: Key
    """The key of the funding stream that pays during the period."""
    source: Source | None = None
    """Where the funding arrangement comes from."""


class Continuity(Model):
    """A transitional right (overgangsrecht): an indication granted under ``law`` and held on
    ``held_on`` continues under the provision's funding after that day until the indication
    ends, at the latest through ``until`` (art. 8.6.1 Wmo 2015: AWBZ indications held on
    31 December 2014).

    Validation reports one whose ``until`` lies before the reform, or on a provision that
    ``law`` did not fund on ``held_on``. The engine ends such indications on time
    (:func:`~wijkteamkit.domain.indication.effective_end`) and funds them on every date
    (:func:`~wijkteamkit.money.funding.indication_funding`).
    """

    law: Key
    """The key of the law under which the indication was granted."""
    held_on: date
    """The day the indication must have been held on."""
    until: date
    """The last day the indication continues, at the latest."""
    source: Source | None = None
    """Where the transitional right comes from."""


class Provision(Item):
    """A service a resident can get (voorziening) and the funding stream per period.

    ``access="team"`` means it is reached through the neighbourhood team's kitchen-table
    conversation (only in a plan after an assessment); ``"direct"`` that residents can use it
    without the team (the engine's direct grant); ``"referral"`` that another party (a GP, the
    health insurer, the zorgkantoor) refers to it. ``kind`` decides the rung of an action that
    uses it; validation reports a provision without one (``provision-kind``).
    """

    name: NonEmptyText
    """The provision's name."""
    kind: ProvisionKind | None = None
    """Open access (algemeen) or after an assessment (maatwerk); decides the rung of an action that
    uses it."""
    delivery: frozenset[Delivery] = frozenset({Delivery.ZIN})
    """How it may be delivered: in kind (zin) or as a personal budget (pgb)."""
    iwmo_category: IwmoCategory | None = None
    """The iWmo product category (a code of the national code list)."""
    access: Literal["team", "direct", "referral"] = "team"
    """team: through the team's kitchen-table conversation; direct: without the team; referral:
    another party refers to it."""
    funding: tuple[ProvisionFunding, ...] = ()
    """The funding stream that pays for it, per period."""
    continuity: Continuity | None = None
    """A transitional right under which indications from an earlier law continue."""

    @field_serializer("delivery")
    def _sorted_delivery(self, delivery: frozenset[Delivery]) -> list[str]:
        return sorted(d.value for d in delivery)

    def funding_on(self, on: date) -> list[ProvisionFunding]:
        """The funding periods that cover ``on``."""
        return [f for f in self.funding if f.contains(on)]
