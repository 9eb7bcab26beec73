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
    short_name: NonEmptyText
    successor: Key | None = None


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
    law: Key | None = None
    scheme: str | None = None
    funder_kind: FunderKind
    funder: NonEmptyText

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
"""An iWmo product category (WMO020), e.g. ``01`` hulp bij het huishouden, ``02`` begeleiding."""


class ProvisionFunding(Period):
    """Which funding stream pays for a provision during a period."""

    stream: Key
    source: Source | None = None


class Continuity(Model):
    """A transitional right: existing clients keep their provision and indication until a date."""

    applies_to: NonEmptyText
    until: date
    source: Source | None = None


class Provision(Item):
    """A service a resident can get (voorziening) and the funding stream per period.

    ``access="team"`` means it is reached through the neighbourhood team's kitchen-table
    conversation; ``"direct"`` that residents can use it without the team.
    """

    name: NonEmptyText
    kind: ProvisionKind
    delivery: frozenset[Delivery] = frozenset({Delivery.ZIN})
    iwmo_category: IwmoCategory | None = None
    ijw_category: IwmoCategory | None = None
    access: Literal["team", "direct", "referral"] = "team"
    funding: tuple[ProvisionFunding, ...] = ()
    continuity: Continuity | None = None

    @field_serializer("delivery")
    def _sorted_delivery(self, delivery: frozenset[Delivery]) -> list[str]:
        return sorted(d.value for d in delivery)

    def funding_on(self, on: date) -> list[ProvisionFunding]:
        """The funding periods that cover ``on``."""
        return [f for f in self.funding if f.contains(on)]
