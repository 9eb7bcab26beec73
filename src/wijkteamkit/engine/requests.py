"""Wmo 2015 requests for a maatwerkvoorziening: their steps, in order, and their deadlines.

A request starts with the report (melding); the investigation (onderzoek), the application
(aanvraag) and the decision (beschikking, granted or refused) follow in that order, each on a
day no earlier than the step before and no later than today. A provision of kind ``algemeen`` is
open access: it needs no request. The terms between the steps come from the setup's
``statutory_terms`` (:func:`~wijkteamkit.domain.terms.deadlines_of`).

Each write has a plural form that works inside a given transaction (``*_in``), one query per
table to read and one statement per table to write, as :mod:`.plans`. A request is the team's:
only the household's team records its steps; a refusal is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Table, bindparam, or_, select, update

from ..domain.case import Role
from ..domain.common import local_date
from ..domain.funding import ProvisionKind
from ..domain.requests import RequestIn, StepIn
from ..domain.terms import ALERT_STATES, STEPS, Deadline, RequestStep, deadlines_of
from ..store.bulk import insert_new
from ..store.tables import WmoRequestRow
from .context import TEAM_ROLES, Context, Tx
from .errors import ConflictError, NotFound, RuleViolation, item
from .ids import keys_in_range
from .lookups import household_in, households
from .results import OperationResult

REQUESTS: Table = WmoRequestRow.__table__  # type: ignore[attr-defined]

COLUMNS = {
    RequestStep.REPORT: "reported_on",
    RequestStep.INVESTIGATION: "investigated_on",
    RequestStep.APPLICATION: "applied_on",
    RequestStep.DECISION: "decided_on",
}
"""The column holding the day of each step."""

LISTED = "wmo.deadlines_listed"
"""The audit action of a deadlines list (counts only)."""


@dataclass(slots=True)
class Request:
    """A request as the checks read it; its steps move in memory and are written back once."""

    id: int
    household_id: int
    team: str
    provision: str
    steps: dict[RequestStep, date | None]
    decision: str | None = None
    changed: bool = field(default=False)

    @property
    def next_step(self) -> RequestStep | None:
        """The step to record next, ``None`` once decided."""
        return next((s for s in STEPS if self.steps.get(s) is None), None)


@dataclass(frozen=True, slots=True)
class ListedRequest:
    """A request (by id, never a name) with its terms as of the day listed."""

    request: int
    household: int
    provision: str
    deadlines: tuple[Deadline, ...]


@dataclass(frozen=True, slots=True)
class TeamDeadlines:
    """One team's requests with a term overdue or due soon, by request id."""

    team: str
    requests: tuple[ListedRequest, ...]


@dataclass(frozen=True, slots=True)
class DeadlineList:
    """The open requests with a term overdue or due within ``within`` days, per team."""

    municipality: str
    on: date
    within: int
    open_requests: int
    teams: tuple[TeamDeadlines, ...]

    @property
    def listed(self) -> int:
        """How many requests are listed, over every team."""
        return sum(len(t.requests) for t in self.teams)


def _read(row: Any) -> Request:
    return Request(
        id=row.id,
        household_id=row.household_id,
        team=row.team,
        provision=row.provision,
        steps={step: getattr(row, column) for step, column in COLUMNS.items()},
        decision=row.decision,
    )


class RequestOps:
    """Wmo 2015 requests: report, later steps, and the deadlines list."""

    def __init__(self, context: Context) -> None:
        self.context = context

    # --- the report -----------------------------------------------------------------------------

    def report_request(self, request: RequestIn) -> int:
        """Record the report (melding) of a request for a maatwerkvoorziening; its id."""
        with self.context.transaction("report_request") as tx:
            return self.report_requests_in(tx, [request])[0]

    def report_requests_in(self, tx: Tx, items: Sequence[RequestIn]) -> list[int]:
        """:meth:`report_request` for each item in ``tx``; the new requests' ids in order."""
        if not items:
            return []
        count = len(items)
        today = local_date(tx.now)
        found = households(tx, {i.household for i in items}, lock=True)
        open_now = self._open_provisions(tx, list(found))
        rows: list[dict[str, Any]] = []
        for index, request in enumerate(items):
            with item(index, count):
                household = household_in(tx, found, request.household)
                tx.require_team(household)
                self._check_provision(tx, request.provision)
                _not_after(request.reported_on, today, RequestStep.REPORT)
                if (request.household, request.provision) in open_now:
                    raise RuleViolation(
                        f"household {request.household} already has an open request for "
                        f"{request.provision!r}; record its next step instead",
                        rule="wmo-request-open",
                    )
            open_now.add((request.household, request.provision))
            rows.append(
                {
                    "municipality": tx.actor.municipality,
                    "household_id": request.household,
                    "team": household.team or "",
                    "provision": request.provision,
                    "reported_on": request.reported_on,
                    "investigated_on": None,
                    "applied_on": None,
                    "decided_on": None,
                    "decision": None,
                    "recorded_by": tx.actor.id,
                    "created_at": tx.now,
                }
            )
        created = insert_new(tx.connection, REQUESTS, rows)
        for row in rows:
            tx.audit(
                "wmo.reported",
                row["household_id"],
                detail={
                    "request": row["id"],
                    "provision": row["provision"],
                    "on": row["reported_on"].isoformat(),
                },
            )
        return created

    def _check_provision(self, tx: Tx, key: str) -> None:
        provision = next((p for p in tx.setup.provisions if p.key == key), None)
        if provision is None:
            raise RuleViolation(
                f"no provision {key!r} in {tx.setup.municipality.name}; name one of its "
                "maatwerkvoorzieningen",
                rule="provision",
            )
        if provision.kind is not ProvisionKind.MAATWERK:
            raise RuleViolation(
                f"provision {key!r} is an algemene voorziening: it is open access and needs no "
                "request (melding, onderzoek, aanvraag); only a maatwerkvoorziening does",
                rule="wmo-request-provision",
            )

    def _open_provisions(self, tx: Tx, household_ids: list[int]) -> set[tuple[int, str]]:
        if not household_ids:
            return set()
        query = select(REQUESTS.c.household_id, REQUESTS.c.provision).where(
            REQUESTS.c.household_id.in_(sorted(household_ids)),
            REQUESTS.c.municipality == tx.actor.municipality,
            REQUESTS.c.decided_on.is_(None),
        )
        return {(r.household_id, r.provision) for r in tx.connection.execute(query)}

    # --- later steps ----------------------------------------------------------------------------

    def record_request_step(self, step: StepIn) -> OperationResult:
        """Record the investigation, the application or the decision of a request."""
        with self.context.transaction("record_request_step") as tx:
            self.record_request_steps_in(tx, [step])
        return self.context.result()

    def record_request_steps_in(self, tx: Tx, items: Sequence[StepIn]) -> None:
        """:meth:`record_request_step` for each item in ``tx``, in order (a batch may take one
        request through several steps)."""
        if not items:
            return
        count = len(items)
        today = local_date(tx.now)
        ids = [i.request for i in items]
        homes = {r.household_id for r in self._requests(tx, ids).values()}
        found = households(tx, homes, lock=True)
        requests = self._requests(tx, ids)  # again, under the lock: steps recorded meanwhile
        for index, step in enumerate(items):
            with item(index, count):
                request = requests.get(step.request)
                if request is None:
                    raise NotFound(
                        f"no request {step.request!r:.40} in {tx.setup.municipality.name}"
                    )
                tx.require_team(household_in(tx, found, request.household_id))
                _check_step(request, step, today)
            request.steps[step.step] = step.on
            if step.decision is not None:
                request.decision = step.decision.value
            request.changed = True
        self._write(tx, [r for r in requests.values() if r.changed])
        for step in items:
            request = requests[step.request]
            detail: dict[str, Any] = {
                "request": request.id,
                "step": step.step.value,
                "on": step.on.isoformat(),
            }
            if step.decision is not None:
                detail["decision"] = step.decision.value
            tx.audit(f"wmo.{step.step.value}", request.household_id, detail=detail)

    def _requests(self, tx: Tx, ids: Sequence[int]) -> dict[int, Request]:
        keys = keys_in_range(tx.db, WmoRequestRow, ids)
        if not keys:
            return {}
        query = select(REQUESTS).where(
            REQUESTS.c.id.in_(keys), REQUESTS.c.municipality == tx.actor.municipality
        )
        return {r.id: _read(r) for r in tx.connection.execute(query)}

    def _write(self, tx: Tx, changed: Sequence[Request]) -> None:
        """One ``executemany``; a request decided since it was read is a conflict."""
        if not changed:
            return
        statement = (
            update(REQUESTS)
            .where(REQUESTS.c.id == bindparam("b_id"), REQUESTS.c.decided_on.is_(None))
            .values(
                investigated_on=bindparam("b_investigated_on"),
                applied_on=bindparam("b_applied_on"),
                decided_on=bindparam("b_decided_on"),
                decision=bindparam("b_decision"),
            )
        )
        result = tx.connection.execute(
            statement,
            [
                {
                    "b_id": r.id,
                    "b_investigated_on": r.steps[RequestStep.INVESTIGATION],
                    "b_applied_on": r.steps[RequestStep.APPLICATION],
                    "b_decided_on": r.steps[RequestStep.DECISION],
                    "b_decision": r.decision,
                }
                for r in changed
            ],
        )
        if result.rowcount != len(changed):
            raise ConflictError(
                "a request was decided by someone else since it was read; reload it and retry"
            )

    # --- deadlines ------------------------------------------------------------------------------

    def deadlines(self, on: date | None = None, within: int = 7) -> DeadlineList:
        """The requests open on the day ``on`` (default today) with a term overdue or due
        within ``within`` days, per team.

        An auditor sees every team; a team's workers, leader and case directors their own team;
        anyone else is refused (audited). The list is audited as counts only.
        """
        if within < 0:
            raise ValueError(f"within must be 0 days or more, not {within}")
        with self.context.transaction("deadlines") as tx:
            team = _scope(tx)
            day = on or local_date(tx.now)
            query = select(REQUESTS).where(
                REQUESTS.c.municipality == tx.actor.municipality,
                REQUESTS.c.reported_on <= day,
                or_(REQUESTS.c.decided_on.is_(None), REQUESTS.c.decided_on > day),
            )
            if team is not None:
                query = query.where(REQUESTS.c.team == team)
            rows = [_read(r) for r in tx.connection.execute(query.order_by(REQUESTS.c.id))]
            by_team: dict[str, list[ListedRequest]] = {}
            for request in rows:
                terms = deadlines_of(request.steps, self.context.setup.statutory_terms, day, within)
                alert = tuple(d for d in terms if d.state in ALERT_STATES)
                if alert:
                    by_team.setdefault(request.team, []).append(
                        ListedRequest(request.id, request.household_id, request.provision, alert)
                    )
            result = DeadlineList(
                municipality=tx.actor.municipality,
                on=day,
                within=within,
                open_requests=len(rows),
                teams=tuple(
                    TeamDeadlines(t, tuple(requests)) for t, requests in sorted(by_team.items())
                ),
            )
            detail: dict[str, Any] = {
                "on": day.isoformat(),
                "within": within,
                "open_requests": result.open_requests,
                "listed": result.listed,
            }
            if team is not None:
                detail["team"] = team
            tx.audit(LISTED, None, detail=detail)
        return result


def _scope(tx: Tx) -> str | None:
    """The team the actor may list (``None``: every team), or an audited refusal."""
    if tx.actor.role is Role.AUDITOR:
        return None
    if tx.actor.role in TEAM_ROLES and tx.actor.team is not None:
        return tx.actor.team
    tx.refuse(
        None,
        "role",
        f"a {tx.actor.role.value} may not list deadlines; a team lists its own, an auditor the "
        "municipality's",
    )


def _not_after(day: date, today: date, step: RequestStep) -> None:
    if day > today:
        raise RuleViolation(
            f"the {step.value} ({step.dutch}) is dated {day}, after today ({today}); record a "
            "step once it has happened",
            rule="wmo-request-date",
        )


def _check_step(request: Request, step: StepIn, today: date) -> None:
    """The step is the request's next one, dated no earlier than the step before, not later
    than today."""
    expected = request.next_step
    if expected is None:
        raise RuleViolation(
            f"request {request.id} is decided ({request.decision}); a new need is a new report",
            rule="wmo-request-order",
        )
    if step.step.position < expected.position:
        raise RuleViolation(
            f"request {request.id} already has its {step.step.value} ({step.step.dutch}) on "
            f"{request.steps[step.step]}",
            rule="wmo-request-order",
        )
    if step.step is not expected:
        missing = STEPS[expected.position : step.step.position]
        raise RuleViolation(
            f"request {request.id} has no "
            + " and no ".join(f"{s.value} ({s.dutch})" for s in missing)
            + f" yet; record it before the {step.step.value} ({step.step.dutch})",
            rule="wmo-request-order",
        )
    before = STEPS[step.step.position - 1]
    previous = request.steps[before]
    if previous is not None and step.on < previous:
        raise RuleViolation(
            f"the {step.step.value} ({step.step.dutch}) on {step.on} lies before the "
            f"{before.value} ({before.dutch}) on {previous}; give the day it happened",
            rule="wmo-request-date",
        )
    _not_after(step.on, today, step.step)
