"""A signal: a concern reported about a household, as the routing hook sees it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_serializer, model_validator

from .common import MAX_ENTRIES, CaseInput, Instant, Key, Line, Postcode, Text


class Reporter(StrEnum):
    """Who reported the signal (the team's "second ring" and others)."""

    GP = "gp"
    POLICE = "police"
    HOUSING = "housing"
    SCHOOL = "school"
    INFORMAL_CARER = "informal_carer"
    RESIDENT = "resident"
    TEAM = "team"
    DEBT_EARLY_WARNING = "debt_early_warning"
    OTHER = "other"


class CreditorKind(StrEnum):
    """Who reports payment arrears in debt early warning (vroegsignalering)."""

    HOUSING = "housing"
    ENERGY = "energy"
    WATER = "water"
    HEALTH_INSURER = "health_insurer"


MAX_ARREARS = Decimal("9999999999.99")
"""The largest amount of arrears a signal records (EUR)."""

Arrears = Annotated[Decimal, Field(ge=0, le=MAX_ARREARS, decimal_places=2)]
"""An amount in euros: not negative, at most two decimals."""

Reference = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$"
    ),
]
"""A sender's reference for a report: 1-100 printable ASCII characters, no spaces."""


class Debt(CaseInput):
    """Payment arrears a creditor reported: to whom, how much, since when."""

    creditor_kind: CreditorKind
    creditor: Line
    arrears_eur: Arrears
    arrears_since: date | None = None

    @property
    def arrears_cents(self) -> int:
        """The arrears in whole cents, as stored."""
        return int(self.arrears_eur * 100)


class Signal(CaseInput):
    """A concern about a household: who reported it, where the household lives, what it flags.

    ``source`` and ``external_reference`` name the sender and its own reference for the report:
    a signal received again under a reference already received is the first one (receiving it
    twice returns the first). ``debt`` is what a creditor reported in debt early warning.
    """

    reporter: Reporter
    received_at: Instant
    postcode: Postcode | None = None
    neighbourhood: Key | None = None
    indicators: frozenset[Key] = Field(default=frozenset(), max_length=MAX_ENTRIES)
    summary: Text | None = None
    source: Key | None = None
    external_reference: Reference | None = None
    debt: Debt | None = None

    @model_validator(mode="after")
    def _reference_of_a_source(self) -> Signal:
        if self.external_reference is not None and self.source is None:
            raise ValueError("external_reference needs the source it belongs to; give source")
        return self

    @field_serializer("indicators")
    def _sorted_indicators(self, indicators: frozenset[str]) -> list[str]:
        return sorted(indicators)
