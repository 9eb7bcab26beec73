"""A signal: a concern reported about a household, as the routing hook sees it."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_serializer

from .common import MAX_ENTRIES, CaseInput, Instant, Key, Postcode, Text


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


class Signal(CaseInput):
    """A concern about a household: who reported it, where the household lives, what it flags."""

    reporter: Reporter
    received_at: Instant
    postcode: Postcode | None = None
    neighbourhood: Key | None = None
    indicators: frozenset[Key] = Field(default=frozenset(), max_length=MAX_ENTRIES)
    summary: Text | None = None

    @field_serializer("indicators")
    def _sorted_indicators(self, indicators: frozenset[str]) -> list[str]:
        return sorted(indicators)
