"""Indications: a household's right to a provision, granted under a law for a period, and the
day it ends once transitional law is applied (art. 8.6.1 Wmo 2015)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StrictInt, model_validator

from .common import EARLIEST, LATEST, CaseInput, Key, Model, Source
from .funding import Continuity, Delivery, Law, Provision

HouseholdId = Annotated[StrictInt, Field(ge=1)]


class IndicationIn(CaseInput):
    """An indication as given to the engine: whose (a household id, never a name), for which
    provision, under which law (``awbz``, ``wmo-2015``...), with its original dates.

    ``valid_to`` is the indication's own end as granted (``None``: open-ended); the day it
    really ends follows from transitional law (:func:`effective_end`).
    """

    household: HouseholdId
    provision: Key
    law: Key
    valid_from: date
    valid_to: date | None = None
    delivery: Delivery = Delivery.ZIN

    @model_validator(mode="after")
    def _plausible_dates(self) -> IndicationIn:
        for name in ("valid_from", "valid_to"):
            day = getattr(self, name)
            if day is not None and not EARLIEST <= day < LATEST:
                raise ValueError(f"{name} lies outside {EARLIEST} to {LATEST}; give a real date")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to lies before valid_from; an indication ends after it starts")
        return self


class Indication(IndicationIn):
    """A recorded indication: :class:`IndicationIn` with its id."""

    id: int


class EndReason(StrEnum):
    """Why an indication ends when it does."""

    OWN = "own-end"
    """The end it was granted with."""
    TRANSITIONAL = "transitional"
    """Its transitional right ends before its own end."""
    LAW = "law-ended"
    """The law it was granted under ended and no transitional right continues it."""
    OPEN = "open"
    """It has no end."""


class Ending(Model):
    """When an indication ends (``on``, inclusive; ``None`` when it has no end) and why.

    ``continuity`` is the transitional right that carries it past ``continuity.held_on``, if
    any, whether or not that right is what ends it.
    """

    on: date | None
    reason: EndReason
    continuity: Continuity | None = None
    law: str | None = None
    source: Source | None = None

    def why(self) -> str:
        """One line: why it ends on that day."""
        if self.reason is EndReason.TRANSITIONAL:
            assert self.continuity is not None
            return (
                f"its transitional right ends then ({_cite(self.continuity.source)}: an "
                f"indication under {self.continuity.law} held on {self.continuity.held_on} "
                f"continues at the latest through {self.continuity.until})"
            )
        if self.reason is EndReason.LAW:
            return f"{self.law} ended then and no transitional right continues it"
        if self.reason is EndReason.OPEN:
            return "it has no end"
        return "it was granted until then"


def _cite(source: Source | None) -> str:
    return source.cite() if source is not None else "no source given"


def continues(indication: IndicationIn, continuity: Continuity | None) -> bool:
    """Whether ``continuity`` carries ``indication`` past its ``held_on``: granted under its law
    and held on that day."""
    return (
        continuity is not None
        and indication.law == continuity.law
        and indication.valid_from <= continuity.held_on
        and (indication.valid_to is None or indication.valid_to > continuity.held_on)
    )


def effective_end(indication: IndicationIn, provision: Provision, law: Law | None) -> Ending:
    """The day ``indication`` ends: its own end, or earlier the end of the transitional right
    of ``provision`` that continues it, or, with no such right, the end of ``law``."""
    own = indication.valid_to
    continuity = provision.continuity
    if continues(indication, continuity):
        assert continuity is not None
        if own is None or continuity.until < own:
            return Ending(
                on=continuity.until,
                reason=EndReason.TRANSITIONAL,
                continuity=continuity,
                source=continuity.source,
            )
        return Ending(on=own, reason=EndReason.OWN, continuity=continuity)
    ended = law.valid_to if law is not None else None
    if ended is not None and (own is None or ended < own):
        assert law is not None
        return Ending(on=ended, reason=EndReason.LAW, law=law.short_name, source=law.source)
    return Ending(on=own, reason=EndReason.OWN if own else EndReason.OPEN)


def ends_within(ending: Ending, on: date, weeks: int) -> bool:
    """Whether ``ending`` falls from ``on`` up to and including ``weeks`` weeks after it."""
    return ending.on is not None and on <= ending.on <= on + timedelta(weeks=weeks)
