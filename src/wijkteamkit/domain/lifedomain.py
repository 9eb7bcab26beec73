"""Life domains (leefgebieden) over which an assessment scores a household, and indicators."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict

from .common import Item, Key, NonEmptyText

ZRM_CATALOGUE = "zrm-2017"
"""The Zelfredzaamheid-Matrix 2017: 13 domains, each scored 1 (acute) to 5 (fully self-reliant)."""

Score = Annotated[int, Strict(), Field(ge=1, le=5)]
"""A ZRM score: 1 acute problematiek, 2 niet, 3 beperkt, 4 voldoende, 5 volledig zelfredzaam.
Strictly an integer: ``True``, ``2.0`` and ``"3"`` are refused."""

PROBLEM_THRESHOLD = 2
"""A domain scored at or below this counts as a problem ("problems on 3+ life domains")."""


class LifeDomain(Item):
    """A life domain in a catalogue; ``maps_to`` links a local domain onto ZRM domains."""

    name: NonEmptyText
    """The domain's name."""
    name_nl: str | None = None
    """The domain's Dutch name."""
    catalogue: Key = ZRM_CATALOGUE
    """The catalogue the domain belongs to (the ZRM's, or a local one)."""
    maps_to: tuple[Key, ...] = ()
    """Keys of the ZRM domains a local domain maps onto."""


class Indicator(Item):
    """Something a signal or assessment can flag (domestic violence, justice involved, ...).

    Escalation rules refer to indicators by key; a rule that names an unknown one never fires.
    ``domains`` are the life domains a flagged indicator reveals (domestic violence reveals
    domestic relations): a read granted for other domains does not show it. An indicator that
    names none is shown only to those who may see every domain.
    """

    name: NonEmptyText
    """The indicator's name."""
    name_nl: str | None = None
    """The indicator's Dutch name."""
    domains: tuple[Key, ...] = ()
    """Keys of the life domains a flagged indicator reveals; only a read of those domains shows it."""
