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
    """The CBS municipality code, e.g. GM0268 (Nijmegen)."""
    name: NonEmptyText
    """The municipality's name."""
    province: str | None = None
    """The province it lies in."""
    regions: tuple[Key, ...] = ()
    """Keys of the region plugins (entry points in wijkteamkit.regions) layered below this
    municipality."""
    reference_date: date | None = None
    """The day validation and show judge the setup on when no date is given (default: today)."""
    source: Source | None = None
    """Where the municipality's data comes from."""


class SubArea(Model):
    """A part of a neighbourhood (buurt), e.g. Meijhorst in Dukenburg."""

    name: NonEmptyText
    """The sub-area's name."""
    source: Source | None = None
    """Where the sub-area comes from."""


class Neighbourhood(Item):
    """A neighbourhood (wijk) served by one social neighbourhood team.

    ``target_share`` is the share of households in the target group (0-1);
    ``team_start_precision`` says whether the start date is known to the day or only to the month.
    ``postcodes`` lets the routing hook find the neighbourhood of a signal.
    """

    name: NonEmptyText
    """The neighbourhood's name."""
    sub_areas: tuple[SubArea, ...] = ()
    """The parts (buurten) the neighbourhood consists of."""
    households: int | None = Field(default=None, ge=0)
    """How many households live in the neighbourhood."""
    target_share: float | None = Field(default=None, gt=0, le=1)
    """The share of households in the target group, 0 to 1."""
    target_households: int | None = Field(default=None, ge=0)
    """How many households are in the target group (at most households)."""
    team_start: date | None = None
    """The day (or month) the neighbourhood's team starts working; no signal is taken before it."""
    team_start_precision: Literal["day", "month"] = "day"
    """Whether team_start is known to the day or only to the month (then the first of the month
    counts)."""
    postcodes: tuple[PostcodeRange, ...] = ()
    """Postcode ranges that route a signal's address to this neighbourhood."""

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
    """A short title of the principle."""
    statement: NonEmptyText
    """The principle in the municipality's own words."""
