"""Case states a batch moved in memory, written back with one statement per state reached.

A batch reads its households once (:func:`~wijkteamkit.engine.lookups.households`), moves each
through the case state machine (:func:`~wijkteamkit.engine.process.move`) item by item, and
writes the households whose state changed with ``UPDATE ... WHERE id IN (...)``, one per state
they reached (an operation mostly moves them all to the same state): on PostgreSQL one round
trip rather than a statement per household.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, update

from .context import Tx
from .lookups import HOUSEHOLD, Household

_MOVE = (
    update(HOUSEHOLD)
    .where(HOUSEHOLD.c.id.in_(bindparam("households", expanding=True)))
    .values(case_state=bindparam("state"))
)


def states(households: Mapping[int, Household]) -> dict[int, str]:
    """The households' case states as read, to compare with after the batch."""
    return {key: household.case_state for key, household in households.items()}


def write_moves(tx: Tx, households: Mapping[int, Household], read: Mapping[int, str]) -> None:
    """Write the case state of every household whose state differs from ``read``."""
    moved: dict[str, list[int]] = {}
    for key, household in households.items():
        if household.case_state != read[key]:
            moved.setdefault(str(household.case_state), []).append(key)
    for state, keys in sorted(moved.items()):
        tx.connection.execute(_MOVE, {"households": sorted(keys), "state": state})
