"""The institutions' mandate: organisations that give the team the say over their workers."""

from __future__ import annotations

from .common import Item, NonEmptyText, Period


def organisation_name(name: str) -> str:
    """``name`` as organisations are compared: spaces collapsed, case ignored."""
    return " ".join(name.split()).casefold()


class Mandate(Item, Period):
    """An organisation mandates the neighbourhood team over its workers in a household.

    ``organisation`` is named as the teams' members name their home organisation. While the
    mandate holds (``valid_from``/``valid_to``), an action a plan assigns to a professional of
    that organisation binds it; an action for any other organisation is a request it may
    accept or decline ('s-Hertogenbosch, 2016: "de instellingen [geven] aan de wijkteams het
    mandaat over de werkers in een huishouden").
    """

    organisation: NonEmptyText
    """The organisation that mandates the team, named as the team members name their home
    organisation."""

    def covers(self, organisation: str) -> bool:
        """Whether this mandate is the one of ``organisation`` (spaces and case ignored)."""
        return organisation_name(self.organisation) == organisation_name(organisation)
