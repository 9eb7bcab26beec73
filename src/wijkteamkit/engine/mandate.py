"""The institutions' mandate: which of a plan's actions bind an organisation, which ask it.

Pure functions of the setup's :class:`~wijkteamkit.domain.Mandate` items. A professional's
action names the organisation of the professional it is assigned to:

* an organisation whose mandate holds on the plan's date: the action is **binding** on it;
* any other organisation: the action is a **request**, which it accepts or declines
  (:mod:`.responses`);
* no organisation: the team's own work, under the case director; nobody is asked.

Actions by the household, its network, informal carers or volunteers have no standing: the
mandate is about professionals' organisations. The mandates that count are those holding on
the day the plan became final (a concept plan: the day it was drafted), so a plan's standings
do not move with the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum

from ..domain.case import ActionBy
from ..domain.common import local_date
from ..domain.mandate import Mandate


class Standing(StrEnum):
    """What a professional's action is to the organisation it is assigned to."""

    TEAM = "team"
    """No organisation named: the team's own work."""
    BINDING = "binding"
    """The organisation mandated the team: the action binds it."""
    REQUESTED = "requested"
    """Outside any mandate, not answered yet."""
    ACCEPTED = "accepted"
    DECLINED = "declined"


RESPONSES = (Standing.ACCEPTED, Standing.DECLINED)
"""The answers an organisation gives to a requested action."""


def mandate_of(mandates: Iterable[Mandate], organisation: str, on: date) -> Mandate | None:
    """The mandate of ``organisation`` that holds on ``on``, if any."""
    return next((m for m in mandates if m.covers(organisation) and m.contains(on)), None)


def standing(
    mandates: Iterable[Mandate], actor: str, organisation: str | None, on: date
) -> Standing | None:
    """The standing of an action by ``actor`` assigned to ``organisation`` on ``on``, before
    any response; ``None`` for an action that is not a professional's."""
    if actor != ActionBy.PROFESSIONAL:
        return None
    if organisation is None:
        return Standing.TEAM
    if mandate_of(mandates, organisation, on) is not None:
        return Standing.BINDING
    return Standing.REQUESTED


def plan_date(created_at: datetime, finalised_at: datetime | None) -> date:
    """The date whose mandates decide a plan's standings: the day it became final, else the
    day it was drafted."""
    return local_date(finalised_at or created_at)
