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
    """The group's name."""


class TeamFunction(Item):
    """A professional function (opbouwwerker, wijkverpleegkundige, ...) and the group it covers."""

    name: NonEmptyText
    """The function's name."""
    group: Key | None = None
    """The key of the function group this function covers."""


class TeamMember(Model):
    """A member seconded to the team by a home organisation for some hours a week.

    A member is a function at an organisation, never a person's name: the setup describes
    the team's composition, and the engine knows workers only by their actor ids.
    """

    function: Key
    """The key of the member's team function."""
    organisation: NonEmptyText
    """The home organisation that seconds the member."""
    hours_per_week: Hours
    """The hours a week the member works for the team."""
    source: Source | None = None
    """Where the member comes from."""


class TeamLeader(Model):
    """The team leader (coordinator, primus inter pares).

    ``employer`` says who employs the leader: the municipality or an institution;
    ``municipality_paid_hours`` is the part of ``hours_per_week`` the municipality pays for.
    """

    employer: Literal["municipality", "institution"]
    """Who employs the leader: the municipality or an institution."""
    organisation: NonEmptyText
    """The organisation the leader works for."""
    hours_per_week: Hours
    """The hours a week the leader works for the team."""
    municipality_paid_hours: Hours = 0
    """The part of hours_per_week the municipality pays for."""
    source: Source | None = None
    """Where the leader comes from."""

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
    """The provider's name."""
    provisions: tuple[Key, ...] = ()
    """Keys of the provisions it delivers."""
    source: Source | None = None
    """Where the provider comes from."""


class Team(Item):
    """A social neighbourhood team (sociaal wijkteam) serving one neighbourhood.

    ``composition_rule`` names the rule its composition is checked against;
    ``case_registration_from`` is the date from which cases are registered; ``shell`` lists the
    providers in the first shell around the team.
    """

    name: NonEmptyText
    """The team's name."""
    neighbourhood: Key
    """The key of the neighbourhood the team serves."""
    composition_rule: Key = "default"
    """The key of the composition rule the team is checked against."""
    members: tuple[TeamMember, ...] = ()
    """The members seconded to the team: a function at an organisation, with hours."""
    leader: TeamLeader | None = None
    """The team leader, if the team has one."""
    base: str | None = None
    """Where the team works from (an address or a shared base)."""
    case_registration_from: date | None = None
    """The day from which the team registers cases."""
    shell: tuple[ShellProvider, ...] = ()
    """The providers in the first shell around the team."""


class Requirement(Model):
    """A team must include at least ``min_count`` members of a function or of a function group."""

    function: Key | None = None
    """The key of a required team function (give this or group)."""
    group: Key | None = None
    """The key of a required function group (give this or function)."""
    min_count: int = Field(default=1, ge=1)
    """How many members of the function or group the team needs at least."""
    note: str | None = None
    """Why the requirement exists, or how it is met."""

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
    """The rule's name."""
    min_members: int = Field(default=1, ge=1)
    """The fewest members a team may have."""
    max_members: int | None = Field(default=None, ge=1)
    """The most members a team may have; none means no maximum."""
    requirements: tuple[Requirement, ...] = ()
    """Functions or function groups a team must include, each with a minimum count."""
    member_min_hours: Hours | None = None
    """The fewest hours a week each member must work for the team."""
    leader_required: bool = False
    """Whether a team must have a leader."""
    leader_min_hours: Hours | None = None
    """The fewest hours a week the leader must work for the team."""
    leader_municipality_paid_hours: Hours | None = None
    """The fewest of the leader's hours the municipality must pay for."""

    @model_validator(mode="after")
    def _bounds_ordered(self) -> CompositionRule:
        if self.max_members is not None and self.max_members < self.min_members:
            raise ValueError(
                f"max_members ({self.max_members}) is below min_members ({self.min_members})"
            )
        return self
