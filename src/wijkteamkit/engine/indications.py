"""Indications: recorded or imported with their original dates, and listed when they end soon.

An indication is a household's right to a provision, granted under a law (``awbz`` before 2015,
``wmo-2015`` after) for a period. When it really ends is not stored: it follows from the setup
(:func:`~wijkteamkit.domain.indication.effective_end`), so an AWBZ indication for begeleiding
held on 31 December 2014 ends at the latest on 31 December 2015 (art. 8.6.1 Wmo 2015), for
beschermd wonen at the latest on 31 December 2019.

Who may record: a member of the household's team (worker, case director, team leader), or the
municipality's intake account (a system importing the transfer file of existing indications,
for any household of the municipality). Many items go in one transaction, all or nothing,
written with one statement per table; every item is audited. Who may list the indications that
end within N weeks: an auditor (every team) or a member of a team (their own team); an intake
account or a resident reads nothing. A listing is audited as one entry holding counts only.

An indication spans the reform, so it is checked and ended against the whole merged setup (every
law and funding period), not the setup as it stands on the transaction's day.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Table, and_, or_, select

from ..domain import IndicationIn, Law, MunicipalitySetup, Provision, ProvisionKind
from ..domain.case import Role
from ..domain.common import local_date
from ..domain.indication import EndReason, continues, effective_end, ends_within
from ..store.bulk import insert_many, reserve_ids
from ..store.tables import HouseholdRow, IndicationRow
from .context import TEAM_ROLES, Context, Tx
from .errors import CaseworkError, RuleViolation
from .lookups import household_in, households

INDICATIONS: Table = IndicationRow.__table__  # type: ignore[attr-defined]
HOUSEHOLDS: Table = HouseholdRow.__table__  # type: ignore[attr-defined]
COLUMNS = (
    "id",
    "municipality",
    "household_id",
    "provision",
    "law",
    "delivery",
    "valid_from",
    "valid_to",
    "recorded_by",
    "recorded_at",
)
CHUNK = 5_000
"""Indications checked and written per statement (a bound on a statement's parameters)."""
MAX_WEEKS = 520
"""The longest look-ahead of a listing: ten years."""


@dataclass(frozen=True, slots=True)
class EndingIndication:
    """An indication that ends within the weeks asked: ``ends_on`` and why (``reason``);
    ``continued`` when a transitional right carries it past the reform."""

    id: int
    household: int
    provision: str
    law: str
    valid_from: date
    valid_to: date | None
    ends_on: date
    reason: EndReason
    continued: bool


@dataclass(frozen=True, slots=True)
class TeamIndications:
    """One team's indications that end soon, by end date then id (``team`` is ``None`` for
    households no team serves)."""

    team: str | None
    indications: tuple[EndingIndication, ...]


@dataclass(frozen=True, slots=True)
class EndingSoon:
    """Per team, the indications that end from ``on`` up to ``weeks`` weeks after it."""

    municipality: str
    on: date
    weeks: int
    teams: tuple[TeamIndications, ...]

    @property
    def count(self) -> int:
        """How many indications are listed, over every team."""
        return sum(len(t.indications) for t in self.teams)


@contextmanager
def _named(label: str | None) -> Iterator[None]:
    """A casework error raised here names the item (``line 3: ...``) when ``label`` is given."""
    try:
        yield
    except CaseworkError as exc:
        if label is None:
            raise
        raise type(exc)(f"{label}: {exc.args[0]}", rule=exc.rule) from None


class IndicationOps:
    """Indications: record one or many, and list those that end soon."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def record_indication(self, indication: IndicationIn) -> int:
        """Record one indication with its original dates; its id."""
        with self.context.transaction("record_indication") as tx:
            return self.record_indications_in(tx, [indication])[0]

    def record_indications(
        self, indications: Sequence[IndicationIn], labels: Sequence[str] | None = None
    ) -> list[int]:
        """Record many indications in one transaction, all or nothing; their ids in order.

        ``labels`` name the items in a refusal (e.g. ``"line 7"`` of an imported file);
        without them a refusal names ``item N`` (from 0).
        """
        with self.context.transaction("record_indications") as tx:
            return self.record_indications_in(tx, indications, labels)

    def record_indications_in(
        self, tx: Tx, items: Sequence[IndicationIn], labels: Sequence[str] | None = None
    ) -> list[int]:
        """:meth:`record_indications` inside ``tx``: per :data:`CHUNK` items one read per table,
        then one insert."""
        if labels is None:
            labels = [f"item {i}" for i in range(len(items))] if len(items) > 1 else [""]
        if len(labels) != len(items):
            raise ValueError(f"{len(labels)} labels for {len(items)} indications")
        ids: list[int] = []
        for start in range(0, len(items), CHUNK):
            part = slice(start, start + CHUNK)
            ids += self._record(tx, items[part], [label or None for label in labels[part]])
        return ids

    def _record(
        self, tx: Tx, items: Sequence[IndicationIn], names: Sequence[str | None]
    ) -> list[int]:
        for item, label in zip(items, names, strict=True):
            with _named(label):
                _check(self.context.setup, item)
        found = households(tx, {i.household for i in items})
        taken = _starts_taken(tx, items)
        for item, label in zip(items, names, strict=True):
            with _named(label):
                household = household_in(tx, found, item.household)
                if tx.actor.role is not Role.INTAKE:
                    tx.require_team(household)
                start = (item.household, item.provision, item.valid_from)
                if start in taken:
                    raise RuleViolation(
                        f"household {item.household} already has an indication for "
                        f"{item.provision!r} from {item.valid_from}; one per start",
                        rule="duplicate-indication",
                    )
                taken.add(start)
        ids = reserve_ids(tx.connection, INDICATIONS, len(items))
        rows = [_row(tx, key, item) for key, item in zip(ids, items, strict=True)]
        for row in rows:
            tx.audit(
                "indication.recorded",
                row["household_id"],
                detail={
                    "indication": row["id"],
                    "provision": row["provision"],
                    "law": row["law"],
                    "valid_from": row["valid_from"].isoformat(),
                    "valid_to": row["valid_to"].isoformat() if row["valid_to"] else None,
                },
            )
        insert_many(tx.connection, INDICATIONS, COLUMNS, rows)
        return ids

    def indications_ending(
        self, within_weeks: int, on: date | None = None, team: str | None = None
    ) -> EndingSoon:
        """The indications that end from ``on`` (default: today in the Netherlands) up to
        ``within_weeks`` weeks after it, per team, each with the day it ends and why.

        An auditor sees every team (or ``team``), a member of a team their own; anyone else is
        refused (:class:`AccessDenied`, audited).
        """
        if isinstance(within_weeks, bool) or not isinstance(within_weeks, int):
            raise RuleViolation("within_weeks is a whole number of weeks", rule="filter")
        if not 0 <= within_weeks <= MAX_WEEKS:
            raise RuleViolation(f"within_weeks lies from 0 to {MAX_WEEKS}", rule="filter")
        day = on or local_date(self.context.now())
        with self.context.transaction("indications_ending") as tx:
            scope = self._scope(tx, team)
            found = self._ending(tx, day, within_weeks, scope)
            listing = EndingSoon(
                municipality=tx.actor.municipality, on=day, weeks=within_weeks, teams=found
            )
            detail: dict[str, Any] = {
                "on": day.isoformat(),
                "weeks": within_weeks,
                "count": listing.count,
                "teams": {t.team or "": len(t.indications) for t in found},
            }
            tx.audit("query.indications_ending", None, outcome="permit", detail=detail)
        return listing

    def _scope(self, tx: Tx, team: str | None) -> str | None:
        """The team the actor may list (``None``: every team, for an auditor)."""
        actor = tx.actor
        refused = {"query": "indications_ending"}
        if actor.role is Role.AUDITOR:
            return team
        if actor.role not in TEAM_ROLES or actor.team is None:
            tx.refuse(None, "role", f"a {actor.role.value} may not list indications", refused)
        if team is not None and team != actor.team:
            tx.refuse(None, "team", "you may list only your own team's indications", refused)
        return actor.team

    def _ending(
        self, tx: Tx, on: date, weeks: int, team: str | None
    ) -> tuple[TeamIndications, ...]:
        setup = self.context.setup
        provisions = {p.key: p for p in setup.provisions}
        laws = {law.key: law for law in setup.laws}
        # Ends the setup decides (a law that ended, a transitional right) come from the law;
        # the others from the indication's own end, which the index finds.
        decided = {law.key for law in setup.laws if law.valid_to is not None} | {
            p.continuity.law for p in setup.provisions if p.continuity is not None
        }
        horizon = on + timedelta(weeks=weeks)
        query = (
            select(INDICATIONS, HOUSEHOLDS.c.team)
            .join(HOUSEHOLDS, HOUSEHOLDS.c.id == INDICATIONS.c.household_id)
            .where(
                INDICATIONS.c.municipality == tx.actor.municipality,
                HOUSEHOLDS.c.municipality == tx.actor.municipality,
                or_(INDICATIONS.c.valid_to.is_(None), INDICATIONS.c.valid_to >= on),
                INDICATIONS.c.valid_from <= horizon,
                or_(
                    and_(INDICATIONS.c.valid_to >= on, INDICATIONS.c.valid_to <= horizon),
                    INDICATIONS.c.law.in_(sorted(decided)),
                ),
            )
        )
        if team is not None:
            query = query.where(HOUSEHOLDS.c.team == team)
        per_team: dict[str | None, list[EndingIndication]] = {}
        for row in tx.connection.execute(query):
            listed = _listed(row, provisions, laws, on, weeks)
            if listed is not None:
                per_team.setdefault(row.team, []).append(listed)
        return tuple(
            TeamIndications(team, tuple(sorted(items, key=lambda i: (i.ends_on, i.id))))
            for team, items in sorted(per_team.items(), key=lambda kv: kv[0] or "")
        )


def _check(setup: MunicipalitySetup, item: IndicationIn) -> None:
    """The provision and law exist, the law was in force and funded the provision when the
    indication started, and the provision is delivered the way asked."""
    provision = setup.get("provisions", item.provision)
    if not isinstance(provision, Provision):
        known = ", ".join(sorted(p.key for p in setup.provisions))
        raise RuleViolation(
            f"{setup.municipality.name} has no provision {item.provision!r}; known: {known}",
            rule="indication-provision",
        )
    if provision.kind is not ProvisionKind.MAATWERK:
        raise RuleViolation(
            f"{provision.key!r} is an algemene voorziening: open access, no indication",
            rule="indication-provision",
        )
    law = setup.get("laws", item.law)
    if not isinstance(law, Law):
        known = ", ".join(sorted(law_.key for law_ in setup.laws))
        raise RuleViolation(
            f"no law {item.law!r}; an indication names the law it was granted under: {known}",
            rule="indication-law",
        )
    streams = {s.key: s for s in setup.funding_streams}
    funded = any(
        period.contains(item.valid_from)
        and period.stream in streams
        and streams[period.stream].law == law.key
        for period in provision.funding
    )
    if not law.contains(item.valid_from) or not funded:
        raise RuleViolation(
            f"{law.short_name} did not fund {provision.key!r} on {item.valid_from}, when the "
            f"indication starts ({law.short_name} in force {law.valid_from or '…'} to "
            f"{law.valid_to or '…'}); give the law it was granted under",
            rule="indication-law",
        )
    if item.delivery not in provision.delivery:
        allowed = ", ".join(sorted(d.value for d in provision.delivery))
        raise RuleViolation(
            f"{provision.key!r} is delivered as {allowed}, not {item.delivery.value}",
            rule="indication-delivery",
        )


def _starts_taken(tx: Tx, items: Sequence[IndicationIn]) -> set[tuple[int, str, date]]:
    """(household, provision, start) of the indications the items' households have already."""
    query = select(
        INDICATIONS.c.household_id, INDICATIONS.c.provision, INDICATIONS.c.valid_from
    ).where(
        INDICATIONS.c.municipality == tx.actor.municipality,
        INDICATIONS.c.household_id.in_(sorted({i.household for i in items})),
    )
    return {(r[0], r[1], r[2]) for r in tx.connection.execute(query)}


def _row(tx: Tx, key: int, item: IndicationIn) -> dict[str, Any]:
    return {
        "id": key,
        "municipality": tx.actor.municipality,
        "household_id": item.household,
        "provision": item.provision,
        "law": item.law,
        "delivery": item.delivery.value,
        "valid_from": item.valid_from,
        "valid_to": item.valid_to,
        "recorded_by": tx.actor.id,
        "recorded_at": tx.now,
    }


def _listed(
    row: Any, provisions: dict[str, Provision], laws: dict[str, Law], on: date, weeks: int
) -> EndingIndication | None:
    """The row as listed when it ends within ``weeks`` of ``on``; ``None`` otherwise (or when
    the setup no longer has its provision)."""
    provision = provisions.get(row.provision)
    if provision is None:
        return None
    indication = IndicationIn(
        household=row.household_id,
        provision=row.provision,
        law=row.law,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        delivery=row.delivery,
    )
    ending = effective_end(indication, provision, laws.get(row.law))
    if not ends_within(ending, on, weeks) or ending.on is None:
        return None
    return EndingIndication(
        id=row.id,
        household=row.household_id,
        provision=row.provision,
        law=row.law,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        ends_on=ending.on,
        reason=ending.reason,
        continued=continues(indication, provision.continuity),
    )
