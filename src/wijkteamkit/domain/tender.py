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
    weight: Percentage
    kind: Literal["price", "quality"] = "quality"
    description: str | None = None


class NeighbourhoodProfile(Model):
    """The wijkprofiel: who lives in the neighbourhood, its problems and opportunities."""

    population: int | None = Field(default=None, ge=0)
    households: int | None = Field(default=None, ge=0)
    problems: tuple[NonEmptyText, ...] = ()
    opportunities: tuple[NonEmptyText, ...] = ()
    source: Source | None = None


class Outcome(Model):
    """An outcome the programme of requirements asks for, for a life domain or target group."""

    key: Key
    description: NonEmptyText
    domain: Key | None = None
    target_group: str | None = None


class Requirements(Model):
    """The programme of requirements (programma van eisen) written by the neighbourhood network."""

    written_by: NonEmptyText
    outcomes: tuple[Outcome, ...] = Field(min_length=1)
    budget_ceiling: Decimal = Field(gt=0)
    starts: date
    ends: date
    source: Source | None = None

    @model_validator(mode="after")
    def _period(self) -> Requirements:
        if self.ends <= self.starts:
            raise ValueError(f"ends ({self.ends}) must lie after starts ({self.starts})")
        return self


class Provider(Model):
    """A provider registered for the procedure (KvK number optional)."""

    key: Key
    name: NonEmptyText
    kvk: str | None = Field(default=None, pattern=r"^\d{8}$")


class Bid(Model):
    """A provider's bid: its price for the whole period, the outcomes it commits to, and the
    committee's quality points per criterion (0-10)."""

    provider: Key
    price: Decimal = Field(gt=0)
    outcomes: frozenset[Key] = frozenset()
    points: dict[Key, float] = Field(default_factory=dict)
    submitted: date | None = None

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
    share: Percentage
    area: str | None = None
    source: Source | None = None


class TenderProcedure(Item):
    """A maatschappelijk opdrachtgeverschap procedure.

    The neighbourhood network (``commissioning_body``) writes a programme of requirements from
    the neighbourhood profile; providers bid; bids are scored on ``award_criteria``.
    A joint procedure lists several ``participants`` and one ``lead_municipality``.
    """

    name: NonEmptyText
    neighbourhood: Key
    commissioning_body: NonEmptyText
    regime: Regime
    lead_municipality: CbsCode
    participants: tuple[Participation, ...] = ()
    award_criteria: tuple[AwardCriterion, ...] = ()
    budget_ceiling: Decimal | None = Field(default=None, ge=0)
    starts: date | None = None
    ends: date | None = None
    profile: NeighbourhoodProfile | None = None
    requirements: Requirements | None = None
    providers: tuple[Provider, ...] = ()
    example_bids: tuple[Bid, ...] = ()
    """Illustrative bids shipped with the plugin, used when no bid file is given."""

    @model_validator(mode="after")
    def _period_ordered(self) -> TenderProcedure:
        if self.starts and self.ends and self.ends < self.starts:
            raise ValueError(f"ends ({self.ends}) lies before starts ({self.starts})")
        return self
