"""Direct grants: a provision with direct access, granted without a signal, an assessment or
the team (Zwolle, 003: "schoonmaakondersteuning ... ook zonder tussenkomst van het sociaal
wijkteam of een keukentafelgesprek").

Who may record one: the resident, for their own household, or any worker, team leader or case
director of the municipality (a front desk need not be the household's team); the grant moves no
case and needs none. Only a provision with ``access="direct"`` that is an algemene voorziening is
granted this way; one reached through the team needs a plan after a kitchen-table conversation,
one reached by referral needs the referrer (rule ``access``). A personal budget is refused for an
algemene voorziening (rule ``pgb``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Table

from ..domain import Provision, ProvisionKind
from ..domain.case import Role
from ..domain.funding import Delivery
from ..store.bulk import insert_new
from ..store.tables import DirectGrantRow
from .context import TEAM_ROLES, Context, Tx
from .errors import RuleViolation, item
from .inputs import require_valid
from .ladder import check_delivery, kind_of, provision_of
from .lookups import household_in, households

GRANTS: Table = DirectGrantRow.__table__  # type: ignore[attr-defined]
_DELIVERY: TypeAdapter[Delivery] = TypeAdapter(Delivery)
GRANTING_ROLES = (*TEAM_ROLES, Role.RESIDENT)
"""Who may record a direct grant (see the module)."""


class GrantOps:
    """Direct grants of provisions with direct access."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def grant_direct_provision(
        self, household_id: int, provision: str, delivery: Delivery = Delivery.ZIN
    ) -> int:
        """Grant ``provision`` to the household directly; the grant's id."""
        with self.context.transaction("grant_direct_provision") as tx:
            return self.grant_direct_provisions_in(tx, [(household_id, provision, delivery)])[0]

    def grant_direct_provisions_in(
        self, tx: Tx, items: Sequence[tuple[int, str, Delivery]]
    ) -> list[int]:
        """:meth:`grant_direct_provision` for each ``(household, provision, delivery)`` in
        ``tx``; the new grants' ids in item order."""
        if not items:
            return []
        count = len(items)
        if tx.actor.role not in GRANTING_ROLES:
            tx.refuse(None, "role", f"a {tx.actor.role.value} may not grant a provision")
        found = households(tx, [household for household, _, _ in items])
        rows: list[dict[str, Any]] = []
        for index, (household_id, key, given) in enumerate(items):
            with item(index, count):
                delivery = require_valid(
                    _DELIVERY, given, "delivery", "delivery is 'zin' (in kind) or 'pgb'"
                )
                household_in(tx, found, household_id)
                provision = provision_of(tx.setup, key)
                _check_direct(tx, provision)
                check_delivery(provision, delivery)
            rows.append(
                {
                    "municipality": tx.actor.municipality,
                    "household_id": household_id,
                    "provision": provision.key,
                    "delivery": delivery.value,
                    "granted_at": tx.now,
                    "granted_by": tx.actor.id,
                    "granted_by_role": tx.actor.role.value,
                }
            )
        created = insert_new(tx.connection, GRANTS, rows)
        for row in rows:
            tx.audit(
                "provision.granted",
                row["household_id"],
                detail={
                    "grant": row["id"],
                    "provision": row["provision"],
                    "delivery": row["delivery"],
                    "access": "direct",
                },
            )
        return created


def _check_direct(tx: Tx, provision: Provision) -> None:
    """Only an algemene voorziening with direct access is granted without the team."""
    if provision.access == "team":
        raise RuleViolation(
            f"provision {provision.key!r} is reached through the neighbourhood team: it is "
            "granted in a plan after a kitchen-table conversation (assessment), not directly",
            rule="access",
        )
    if provision.access == "referral":
        raise RuleViolation(
            f"provision {provision.key!r} is reached by referral: {_referral_route(tx, provision)}",
            rule="access",
        )
    if kind_of(provision) is ProvisionKind.MAATWERK:
        raise RuleViolation(
            f"provision {provision.key!r} is a maatwerkvoorziening: it is decided after a report "
            "and an investigation (art. 2.3.2 Wmo 2015), never granted directly; the setup's "
            "access='direct' is wrong (validation reports it as provision-access)",
            rule="access",
        )


def _referral_route(tx: Tx, provision: Provision) -> str:
    """Who decides on a referral: the funder of the provision on the day (the health insurer
    for wijkverpleging, the zorgkantoor for Wlz care), as the setup says."""
    streams = {s.key: s for s in tx.setup.funding_streams}
    on = tx.now.date()
    funders = sorted(
        {streams[f.stream].funder for f in provision.funding_on(on) if f.stream in streams}
    )
    if not funders:
        return "ask the party that refers to it; the setup names no funder for it today"
    return f"the referral goes through {' or '.join(funders)}, who funds it, not the team"
