"""A signal: a concern reported about a household, as the routing hook sees it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import field_serializer

from .common import Key, Model


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


class Signal(Model):
    """A concern about a household: who reported it, where the household lives, what it flags."""

    reporter: Reporter
    received_at: datetime
    postcode: str | None = None
    neighbourhood: Key | None = None
    indicators: frozenset[Key] = frozenset()
    summary: str | None = None

    @field_serializer("indicators")
    def _sorted_indicators(self, indicators: frozenset[str]) -> list[str]:
        return sorted(indicators)
