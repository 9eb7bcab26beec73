"""Case states a batch moved in memory, written back with one ``executemany``.

A batch reads its households once (:func:`~wijkteamkit.engine.lookups.households`), moves each
through the case state machine (:func:`~wijkteamkit.engine.process.move`) item by item, and
writes the households whose state changed in one statement.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, update

from .context import Tx
from .lookups import HOUSEHOLD, Household

_MOVE = (
    update(HOUSEHOLD)
    .where(HOUSEHOLD.c.id == bindparam("b_id"))
    .values(case_state=bindparam("b_state"))
)


def states(households: Mapping[int, Household]) -> dict[int, str]:
    """The households' case states as read, to compare with after the batch."""
    return {key: household.case_state for key, household in households.items()}


def write_moves(tx: Tx, households: Mapping[int, Household], read: Mapping[int, str]) -> None:
    """Write the case state of every household whose state differs from ``read``."""
    moved = [
        {"b_id": key, "b_state": str(household.case_state)}
        for key, household in households.items()
        if household.case_state != read[key]
    ]
    if moved:
        tx.connection.execute(_MOVE, moved)
