"""Teams, their members and leader, the functions they bring, and the rules for composing them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .common import Item, Key, Model, NonEmptyText, Source

Hours = Annotated[float, Field(ge=0, le=40)]
"""Hours per week, between 0 and 40."""


class FunctionGroup(Item):
    """A group of functions that a team must cover, e.g. housing (wonen), welfare, care."""

    name: NonEmptyText


class TeamFunction(Item):
    """A professional function (opbouwwerker, wijkverpleegkundige, ...) and the group it covers."""

    name: NonEmptyText
    group: Key | None = None


class TeamMember(Model):
    """A member seconded to the team by a home organisation for some hours a week.

    A member is a function at an organisation, never a person's name: the setup describes
    the team's composition, and the engine knows workers only by their actor ids.
    """

    function: Key
    organisation: NonEmptyText
    hours_per_week: Hours
    source: Source | None = None


class TeamLeader(Model):
    """The team leader (coordinator, primus inter pares).

    ``employer`` says who employs the leader: the municipality or an institution;
    ``municipality_paid_hours`` is the part of ``hours_per_week`` the municipality pays for.
    """

    employer: Literal["municipality", "institution"]
    organisation: NonEmptyText
    hours_per_week: Hours
    municipality_paid_hours: Hours = 0
    source: Source | None = None

    @model_validator(mode="after")
    def _paid_within_hours(self) -> TeamLeader:
        if self.municipality_paid_hours > self.hours_per_week:
            raise ValueError(
                f"municipality_paid_hours ({self.municipality_paid_hours}) exceeds "
                f"hours_per_week ({self.hours_per_week})"
            )
        return self


class ShellProvider(Model):
    """A provider in the "first shell" around a compact team, and the provisions it delivers."""

    organisation: NonEmptyText
    provisions: tuple[Key, ...] = ()
    source: Source | None = None


class Team(Item):
    """A social neighbourhood team (sociaal wijkteam) serving one neighbourhood.

    ``composition_rule`` names the rule its composition is checked against;
    ``case_registration_from`` is the date from which cases are registered; ``shell`` lists the
    providers in the first shell around the team.
    """

    name: NonEmptyText
    neighbourhood: Key
    composition_rule: Key = "default"
    members: tuple[TeamMember, ...] = ()
    leader: TeamLeader | None = None
    base: str | None = None
    case_registration_from: date | None = None
    shell: tuple[ShellProvider, ...] = ()


class Requirement(Model):
    """A team must include at least ``min_count`` members of a function or of a function group."""

    function: Key | None = None
    group: Key | None = None
    min_count: int = Field(default=1, ge=1)
    note: str | None = None

    @model_validator(mode="after")
    def _exactly_one_target(self) -> Requirement:
        if (self.function is None) == (self.group is None):
            raise ValueError("a requirement names exactly one of 'function' or 'group'")
        return self

    @property
    def label(self) -> str:
        """``function X`` or ``group Y``."""
        return f"function {self.function}" if self.function else f"group {self.group}"


class CompositionRule(Item):
    """How a team must be composed: size bounds, required functions or groups, minimum hours."""

    name: NonEmptyText
    min_members: int = Field(default=1, ge=1)
    max_members: int | None = Field(default=None, ge=1)
    requirements: tuple[Requirement, ...] = ()
    member_min_hours: Hours | None = None
    leader_required: bool = False
    leader_min_hours: Hours | None = None
    leader_municipality_paid_hours: Hours | None = None

    @model_validator(mode="after")
    def _bounds_ordered(self) -> CompositionRule:
        if self.max_members is not None and self.max_members < self.min_members:
            raise ValueError(
                f"max_members ({self.max_members}) is below min_members ({self.min_members})"
            )
        return self
