"""Lists and searches inside the engine's rules: tenant, team and role, paged, audited once.

Every query filters on the actor's municipality and returns typed results (see
:mod:`.listing`). A query is one access: it writes one audit entry naming the filters used and
how many items it returned, never their values when those are personal (a BSN) and never one
entry per row. A refused query is audited as well.

Who may ask what:

- households of a team or neighbourhood: the members (worker, case director, team leader) of
  the team that serves them;
- open escalations of a team: its team leader, all of them; any other member of the team, those
  of the households whose active plan names them case director;
- a household by BSN: members of a team, and only among the households their team serves, so
  "unknown" and "served by another team" look the same;
- the audit log: the municipality's auditors.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, NoReturn

from sqlalchemy import exists, false, func
from sqlmodel import col, select

from ..domain.case import Role, valid_bsn
from ..domain.common import local_date
from ..store.tables import AuditEntryRow, EscalationRow, HouseholdRow, PersonRow, PlanRow
from .context import TEAM_ROLES, Context, Tx
from .errors import RuleViolation
from .listing import (
    DEFAULT_PAGE,
    KEY_MAX,
    AuditPage,
    AuditRecord,
    EscalationPage,
    EscalationSummary,
    HouseholdPage,
    HouseholdSummary,
    Page,
    page_size,
    paged,
    window,
)
from .process import CaseState, EscalationState, PlanState

OPEN_ESCALATION = (EscalationState.PROPOSED, EscalationState.ACTIVE)
ACTION_MAX = 40
"""The longest audit action the log holds."""


class QueryOps:
    """Lists and searches: households, open escalations, a household by BSN, the audit log."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def households(
        self,
        team: str | None = None,
        neighbourhood: str | None = None,
        state: CaseState | str | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE,
    ) -> Page[HouseholdSummary]:
        """The households of the actor's team (``team`` defaults to it), optionally of one
        ``neighbourhood`` the team serves and in one case ``state``, by ascending id.

        A summary reveals no life domain: id, team, neighbourhood, case state, dates, whether
        an escalation is active and whether the case counts in the team's case registration. Another team's households, or a role outside the
        team, are refused (:class:`AccessDenied`, audited).
        """

        limit, start = page_size(limit), window(after)
        wanted = _case_state(state)
        filters = _given(team=team, neighbourhood=neighbourhood, state=state)
        if neighbourhood is not None and not any(
            n.key == neighbourhood for n in self.context.setup.neighbourhoods
        ):
            known = ", ".join(n.key for n in self.context.setup.neighbourhoods)
            raise RuleViolation(
                f"no such neighbourhood in {self.context.setup.municipality.name}; known: {known}",
                rule="neighbourhood",
            )
        with self.context.transaction("households") as tx:
            own = self._team_member(tx, "households", team, TEAM_ROLES)
            if neighbourhood is not None and not any(
                t.key == own and t.neighbourhood == neighbourhood for t in self.context.setup.teams
            ):
                self._refuse_query(tx, "households", "team", "your team does not serve it")
            upto = start.upto
            if upto is None:
                upto = self._highest(tx, col(HouseholdRow.id), HouseholdRow.municipality)
            query = (
                select(HouseholdRow, _escalation_active())
                .where(
                    HouseholdRow.municipality == self.context.actor.municipality,
                    HouseholdRow.team == own,
                    col(HouseholdRow.id) > start.after,
                    col(HouseholdRow.id) <= upto,
                )
                .order_by(col(HouseholdRow.id))
                .limit(limit + 1)
            )
            if neighbourhood is not None:
                query = query.where(HouseholdRow.neighbourhood == neighbourhood)
            if wanted is not None:
                query = query.where(HouseholdRow.case_state == wanted)
            since = _registration_from(tx, own)
            found = [_summary(row, active, since) for row, active in tx.db.exec(query)]
            page: HouseholdPage = paged(HouseholdPage, found, [s.id for s in found], limit, upto)
            self._audit_query(tx, "households", filters, len(page.items), team=own)
        return page

    def open_escalations(
        self, team: str | None = None, after: str | None = None, limit: int = DEFAULT_PAGE
    ) -> Page[EscalationSummary]:
        """The proposed and active escalations of the actor's team, by ascending id.

        The team leader sees all of them; another member of the team those of the households
        whose active plan names them case director. The view holds no assessment content.
        """
        limit, start = page_size(limit), window(after)
        filters = _given(team=team)
        with self.context.transaction("open_escalations") as tx:
            own = self._team_member(tx, "escalations", team, TEAM_ROLES)
            upto = start.upto
            if upto is None:
                upto = self._highest(tx, col(EscalationRow.id), EscalationRow.municipality)
            query = (
                select(EscalationRow)
                .join(HouseholdRow, col(HouseholdRow.id) == col(EscalationRow.household_id))
                .where(
                    EscalationRow.municipality == self.context.actor.municipality,
                    HouseholdRow.municipality == self.context.actor.municipality,
                    HouseholdRow.team == own,
                    col(EscalationRow.state).in_(OPEN_ESCALATION),
                    col(EscalationRow.id) > start.after,
                    col(EscalationRow.id) <= upto,
                )
                .order_by(col(EscalationRow.id))
                .limit(limit + 1)
            )
            if self.context.actor.role is not Role.TEAM_LEADER:
                query = query.where(self._directed_by_actor())
            found = [_escalation(row) for row in tx.db.exec(query)]
            page: EscalationPage = paged(EscalationPage, found, [e.id for e in found], limit, upto)
            self._audit_query(tx, "escalations", filters, len(page.items), team=own)
        return page

    def find_by_bsn(self, bsn: str) -> tuple[HouseholdSummary, ...]:
        """The households with a member of this BSN that the actor's team serves (by id).

        The BSN is checked (elfproef) first. Households served by another team are not
        returned, exactly as if the BSN were unknown; the audit entry records that a BSN
        search happened and how many households it returned, never the BSN.
        """
        number = _valid_bsn(bsn)
        with self.context.transaction("find_by_bsn") as tx:
            own = self._team_member(tx, "bsn", None, TEAM_ROLES)
            holders = select(PersonRow.household_id).where(
                PersonRow.municipality == self.context.actor.municipality, PersonRow.bsn == number
            )
            query = (
                select(HouseholdRow, _escalation_active())
                .where(
                    HouseholdRow.municipality == self.context.actor.municipality,
                    HouseholdRow.team == own,
                    col(HouseholdRow.id).in_(holders),
                )
                .order_by(col(HouseholdRow.id))
            )
            since = _registration_from(tx, own)
            found = tuple(_summary(row, active, since) for row, active in tx.db.exec(query))
            self._audit_query(tx, "bsn", ["bsn"], len(found))
        return found

    def audit_log(
        self,
        subject: int | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE,
    ) -> Page[AuditRecord]:
        """The municipality's audit entries in chain order, for its auditors only.

        Filter by subject household, by exact action (e.g. ``"case.read"``) and by time:
        from ``since`` (inclusive) to ``until`` (exclusive), both timezone-aware.
        """
        limit, start = page_size(limit), window(after)
        filters = _given(subject=subject, action=action, since=since, until=until)
        begin, end = _aware(since, "since"), _aware(until, "until")
        if subject is not None and (isinstance(subject, bool) or not isinstance(subject, int)):
            raise RuleViolation("subject is a household id (an integer)", rule="filter")
        if action is not None and (not isinstance(action, str) or "\x00" in action):
            raise RuleViolation("action is an audit action such as 'case.read'", rule="filter")
        with self.context.transaction("audit_log") as tx:
            if self.context.actor.role is not Role.AUDITOR:
                self._refuse_query(tx, "audit_log", "role", "only an auditor reads the audit log")
            upto = start.upto
            if upto is None:
                upto = self._highest(tx, col(AuditEntryRow.seq), AuditEntryRow.municipality)
            query = (
                select(AuditEntryRow)
                .where(
                    AuditEntryRow.municipality == self.context.actor.municipality,
                    col(AuditEntryRow.seq) > start.after,
                    col(AuditEntryRow.seq) <= upto,
                )
                .order_by(col(AuditEntryRow.seq))
                .limit(limit + 1)
            )
            if subject is not None:  # an id out of range is simply not found
                found_id = 0 <= subject <= KEY_MAX
                query = query.where(AuditEntryRow.subject == subject if found_id else false())
            if action is not None:  # so is an action longer than any
                known = len(action) <= ACTION_MAX
                query = query.where(AuditEntryRow.action == action if known else false())
            if begin is not None:
                query = query.where(col(AuditEntryRow.at) >= begin)
            if end is not None:
                query = query.where(col(AuditEntryRow.at) < end)
            found = [_entry(row) for row in tx.db.exec(query)]
            page: AuditPage = paged(AuditPage, found, [e.seq for e in found], limit, upto)
            self._audit_query(tx, "audit_log", filters, len(page.items))
        return page

    def _team_member(self, tx: Tx, query: str, team: str | None, roles: Sequence[Role]) -> str:
        """The actor's team, when the actor has one of ``roles`` and ``team`` is theirs."""
        if self.context.actor.role not in roles or self.context.actor.team is None:
            self._refuse_query(
                tx, query, "role", f"a {self.context.actor.role.value} may not list this"
            )
        if team is not None and team != self.context.actor.team:
            self._refuse_query(tx, query, "team", "you may list only your own team's cases")
        return self.context.actor.team

    def _refuse_query(self, tx: Tx, query: str, reason: str, why: str) -> NoReturn:
        """Audit the refusal of ``query``, keep it, and raise :class:`AccessDenied`."""
        tx.refuse(None, reason, f"query {query} refused: {why}", detail={"query": query})

    def _audit_query(
        self, tx: Tx, query: str, filters: list[str], count: int, **scope: str
    ) -> None:
        detail: dict[str, Any] = {"filters": filters, "count": count, **scope}
        tx.audit(f"query.{query}", None, outcome="permit", detail=detail)

    def _highest(self, tx: Tx, key: Any, municipality: Any) -> int:
        """The highest key of the actor's municipality now: the bound of a new listing."""
        query = select(func.max(key)).where(municipality == self.context.actor.municipality)
        return int(tx.db.exec(query).one() or 0)

    def _directed_by_actor(self) -> Any:
        """The escalation's household has an active plan naming the actor case director."""
        return exists().where(
            col(PlanRow.household_id) == col(EscalationRow.household_id),
            col(PlanRow.municipality) == self.context.actor.municipality,
            col(PlanRow.state) != PlanState.CLOSED,
            col(PlanRow.case_director) == self.context.actor.id,
        )


def _escalation_active() -> Any:
    return (
        exists()
        .where(
            col(EscalationRow.household_id) == col(HouseholdRow.id),
            col(EscalationRow.municipality) == col(HouseholdRow.municipality),
            col(EscalationRow.state) == EscalationState.ACTIVE,
        )
        .label("escalation_active")
    )


def _given(**filters: object) -> list[str]:
    """The names of the filters a caller gave (their values may be personal: never logged)."""
    return sorted(name for name, value in filters.items() if value is not None)


def _case_state(state: CaseState | str | None) -> CaseState | None:
    if state is None:
        return None
    try:
        return CaseState(state)
    except ValueError:
        raise RuleViolation(
            f"unknown case state; use one of {', '.join(s.value for s in CaseState)}",
            rule="filter",
        ) from None


def _aware(moment: datetime | None, name: str) -> datetime | None:
    if moment is None:
        return None
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise RuleViolation(f"{name} must be a timezone-aware datetime", rule="filter")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise RuleViolation(
            f"{name} lies outside the years 1 to 9999 in UTC", rule="filter"
        ) from None


def _valid_bsn(bsn: str) -> str:
    """The BSN in compact form; the error never repeats the number."""
    if not isinstance(bsn, str) or len(bsn) > 20:
        raise RuleViolation("not a valid BSN; give nine digits", rule="bsn")
    try:
        return valid_bsn(bsn)
    except ValueError:
        raise RuleViolation(
            "not a valid BSN (nine digits passing the elfproef)", rule="bsn"
        ) from None


def _registration_from(tx: Tx, team: str) -> date | None:
    """The day from which ``team``'s cases count in its case registration, if it sets one."""
    return next((t.case_registration_from for t in tx.setup.teams if t.key == team), None)


def _summary(row: HouseholdRow, escalation_active: bool, since: date | None) -> HouseholdSummary:
    assert row.id is not None
    return HouseholdSummary(
        id=row.id,
        team=row.team,
        neighbourhood=row.neighbourhood,
        case_state=CaseState(row.case_state),
        created_at=row.created_at,
        closed_at=row.closed_at,
        escalation_active=bool(escalation_active),
        registered=since is None or local_date(row.created_at) >= since,
    )


def _escalation(row: EscalationRow) -> EscalationSummary:
    assert row.id is not None
    return EscalationSummary(
        id=row.id,
        household=row.household_id,
        rule=row.rule,
        target=row.target,
        handover=row.handover,
        state=EscalationState(row.state),
        proposed_at=row.proposed_at,
        confirmed_at=row.confirmed_at,
        responsible_organisation=row.responsible_organisation,
    )


def _entry(row: AuditEntryRow) -> AuditRecord:
    return AuditRecord.model_validate(row, from_attributes=True)
