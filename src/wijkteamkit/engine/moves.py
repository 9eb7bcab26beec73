"""Case states a batch moved in memory, written back with one statement per state reached.

A batch reads its households once (:func:`~wijkteamkit.engine.lookups.households`), moves each
through the case state machine (:func:`~wijkteamkit.engine.process.move`) item by item, and
writes the households whose state changed with ``UPDATE ... WHERE id IN (...)``, one per state
they reached (an operation mostly moves them all to the same state): on PostgreSQL one round
trip rather than a statement per household.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

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


def write_states(
    tx: Tx, households: Iterable[Household], closed_at: datetime | None = None
) -> None:
    """Write each household's case state (and ``closed_at``, when given): one statement per
    state reached."""
    reached: dict[str, set[int]] = {}
    for household in households:
        reached.setdefault(str(household.case_state), set()).add(household.id)
    statement = _MOVE if closed_at is None else _MOVE.values(closed_at=bindparam("closed_at"))
    for state, keys in sorted(reached.items()):
        tx.connection.execute(
            statement, {"households": sorted(keys), "state": state, "closed_at": closed_at}
        )


def write_moves(tx: Tx, households: Mapping[int, Household], read: Mapping[int, str]) -> None:
    """Write the case state of every household whose state differs from ``read``."""
    write_states(tx, (h for key, h in households.items() if h.case_state != read[key]))
