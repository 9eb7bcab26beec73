"""The municipality and its neighbourhoods (wijken)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from .common import CbsCode, Item, Key, Model, NonEmptyText, Source

PostcodeRange = Annotated[str, StringConstraints(pattern=r"^\d{4}([A-Z]{2})?(-\d{4}([A-Z]{2})?)?$")]
"""A postcode or range: ``6535``, ``6535AB`` or ``6535-6537``."""


class Municipality(Model):
    """A municipality (gemeente), identified by its CBS code.

    ``regions`` names the region plugins (entry points in ``wijkteamkit.regions``) whose shared
    arrangements this municipality uses; they are layered between the national defaults and
    the municipality plugin.
    """

    code: CbsCode
    name: NonEmptyText
    province: str | None = None
    regions: tuple[Key, ...] = ()
    reference_date: date | None = None
    source: Source | None = None


class SubArea(Model):
    """A part of a neighbourhood (buurt), e.g. Meijhorst in Dukenburg."""

    name: NonEmptyText
    source: Source | None = None


class Neighbourhood(Item):
    """A neighbourhood (wijk) served by one social neighbourhood team.

    ``target_share`` is the share of households in the target group (0-1);
    ``team_start_precision`` says whether the start date is known to the day or only to the month.
    ``postcodes`` lets the routing hook find the neighbourhood of a signal.
    """

    name: NonEmptyText
    sub_areas: tuple[SubArea, ...] = ()
    households: int | None = Field(default=None, ge=0)
    target_share: float | None = Field(default=None, gt=0, le=1)
    target_households: int | None = Field(default=None, ge=0)
    team_start: date | None = None
    team_start_precision: Literal["day", "month"] = "day"
    postcodes: tuple[PostcodeRange, ...] = ()

    @field_validator("postcodes")
    @classmethod
    def _range_ends_alike(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            low, _, high = entry.partition("-")
            if high and (len(low) != len(high) or high < low):
                raise ValueError(
                    f"postcode range {entry!r} must run upwards between two codes of the same form"
                )
        return value

    @model_validator(mode="after")
    def _target_fits(self) -> Neighbourhood:
        if (
            self.households is not None
            and self.target_households is not None
            and self.target_households > self.households
        ):
            raise ValueError(
                f"target_households ({self.target_households}) exceeds households ({self.households})"
            )
        return self

    @property
    def team_starts_on(self) -> date | None:
        """The first day the team works: ``team_start``, or the first of its month when only
        the month is known."""
        if self.team_start is None or self.team_start_precision == "day":
            return self.team_start
        return self.team_start.replace(day=1)

    def covers_postcode(self, postcode: str) -> bool:
        """Whether a Dutch postcode (``6535AB`` or ``6535 AB``) falls in this neighbourhood."""
        code = postcode.replace(" ", "").upper()
        for entry in self.postcodes:
            low, _, high = entry.partition("-")
            if low <= code[: len(low)] <= (high or low):
                return True
        return False


class Principle(Item):
    """A working principle or arrangement the municipality commits to, in its own words.

    For practice that is policy rather than data the engine computes with: "one household, one
    plan, one director", "institutions mandate the team over their workers", "one shared base".
    """

    name: NonEmptyText
    statement: NonEmptyText
