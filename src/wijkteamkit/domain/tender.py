"""Tender procedures for maatschappelijk opdrachtgeverschap (social commissioning)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import Field, field_serializer, field_validator, model_validator

from .common import CbsCode, Item, Key, Model, NonEmptyText, Percentage, Source


class Regime(StrEnum):
    """The procurement regime a procedure follows (Aanbestedingswet 2012).

    ``social_services``: the light regime for social and other specific services;
    ``open_house``: every eligible provider that accepts the conditions is contracted
    (no selection, so no tender in the sense of the act); ``national``/``european``: the
    ordinary procedures below or above the thresholds.
    """

    SOCIAL_SERVICES = "social_services"
    OPEN_HOUSE = "open_house"
    NATIONAL = "national"
    EUROPEAN = "european"


class AwardCriterion(Item):
    """A criterion on which bids are scored, with its weight in percent.

    ``kind="price"`` is scored from the bid's price (the lowest price gets full marks);
    ``"quality"`` from the points (0-10) the assessment committee gave the bid.
    """

    name: NonEmptyText
    """The criterion's name."""
    weight: Percentage
    """Its weight in percent."""
    kind: Literal["price", "quality"] = "quality"
    """price: scored from the bid's price; quality: from the committee's points (0-10)."""
    description: str | None = None
    """What the committee looks at."""


class NeighbourhoodProfile(Model):
    """The wijkprofiel: who lives in the neighbourhood, its problems and opportunities."""

    population: int | None = Field(default=None, ge=0)
    """How many people live in the neighbourhood."""
    households: int | None = Field(default=None, ge=0)
    """How many households live there."""
    problems: tuple[NonEmptyText, ...] = ()
    """The neighbourhood's problems, one line each."""
    opportunities: tuple[NonEmptyText, ...] = ()
    """The neighbourhood's opportunities, one line each."""
    source: Source | None = None
    """Where the profile comes from."""


class Outcome(Model):
    """An outcome the programme of requirements asks for, for a life domain or target group."""

    key: Key
    """The outcome's identifier, as bids name it."""
    description: NonEmptyText
    """The outcome, in one line."""
    domain: Key | None = None
    """The key of the life domain it concerns."""
    target_group: str | None = None
    """The group it is for."""


class Requirements(Model):
    """The programme of requirements (programma van eisen) written by the neighbourhood network."""

    written_by: NonEmptyText
    """Who wrote the programme (the neighbourhood network)."""
    outcomes: tuple[Outcome, ...] = Field(min_length=1)
    """The outcomes asked for."""
    budget_ceiling: Decimal = Field(gt=0)
    """The most the commission may cost, in euros."""
    starts: date
    """The first day of the commissioned period."""
    ends: date
    """The last day of the commissioned period."""
    source: Source | None = None
    """Where the programme comes from."""

    @model_validator(mode="after")
    def _period(self) -> Requirements:
        if self.ends <= self.starts:
            raise ValueError(f"ends ({self.ends}) must lie after starts ({self.starts})")
        return self


class Provider(Model):
    """A provider registered for the procedure (KvK number optional)."""

    key: Key
    """The provider's identifier, as bids name it."""
    name: NonEmptyText
    """The provider's name."""
    kvk: str | None = Field(default=None, pattern=r"^\d{8}$")
    """Its Chamber of Commerce (KvK) number."""


class Bid(Model):
    """A provider's bid: its price for the whole period, the outcomes it commits to, and the
    committee's quality points per criterion (0-10)."""

    provider: Key
    """The key of the provider that bids."""
    price: Decimal = Field(gt=0)
    """The price for the whole period, in euros."""
    outcomes: frozenset[Key] = frozenset()
    """Keys of the outcomes the provider commits to."""
    points: dict[Key, float] = Field(default_factory=dict)
    """The committee's points (0-10) per quality criterion."""
    submitted: date | None = None
    """The day the bid was submitted."""

    @field_validator("points")
    @classmethod
    def _points_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        for criterion, points in value.items():
            if not 0 <= points <= 10:
                raise ValueError(
                    f"points for {criterion!r} must lie between 0 and 10, not {points}"
                )
        return value

    @field_serializer("outcomes")
    def _sorted(self, outcomes: frozenset[str]) -> list[str]:
        return sorted(outcomes)


class Participation(Model):
    """A municipality taking part in a (joint) procedure with its own share and area."""

    municipality: CbsCode
    """The CBS code of the participating municipality."""
    share: Percentage
    """Its share in the procedure, in percent."""
    area: str | None = None
    """The area it brings in."""
    source: Source | None = None
    """Where the participation comes from."""


class TenderProcedure(Item):
    """A maatschappelijk opdrachtgeverschap procedure.

    The neighbourhood network (``commissioning_body``) writes a programme of requirements from
    the neighbourhood profile; providers bid; bids are scored on ``award_criteria``.
    A joint procedure lists several ``participants`` and one ``lead_municipality``.
    """

    name: NonEmptyText
    """The procedure's name."""
    neighbourhood: Key
    """The key of the neighbourhood it commissions for."""
    commissioning_body: NonEmptyText
    """Who commissions: the neighbourhood network."""
    regime: Regime
    """The procurement regime it follows."""
    lead_municipality: CbsCode
    """The CBS code of the municipality that leads the procedure."""
    participants: tuple[Participation, ...] = ()
    """The municipalities taking part in a joint procedure."""
    award_criteria: tuple[AwardCriterion, ...] = ()
    """The criteria bids are scored on; the weights add up to 100."""
    budget_ceiling: Decimal | None = Field(default=None, ge=0)
    """The most the commission may cost, in euros."""
    starts: date | None = None
    """The first day of the commissioned period."""
    ends: date | None = None
    """The last day of the commissioned period."""
    profile: NeighbourhoodProfile | None = None
    """The neighbourhood profile the requirements are written from."""
    requirements: Requirements | None = None
    """The programme of requirements."""
    providers: tuple[Provider, ...] = ()
    """The providers registered for the procedure."""
    example_bids: tuple[Bid, ...] = ()
    """Illustrative bids shipped with the plugin, used when no bid file is given."""

    @model_validator(mode="after")
    def _period_ordered(self) -> TenderProcedure:
        if self.starts and self.ends and self.ends < self.starts:
            raise ValueError(f"ends ({self.ends}) lies before starts ({self.starts})")
        return self
