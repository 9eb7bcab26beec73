"""Building a household's full case file from the store, each part labelled with what it reveals."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from ..domain import (
    AllOf,
    AnyOf,
    Condition,
    DomainScore,
    Flagged,
    Mandate,
    MunicipalitySetup,
    ProblemDomains,
)
from ..domain.case import Rung
from ..store.tables import (
    ActionResponseRow,
    AssessmentRow,
    ConsentRow,
    DirectGrantRow,
    EscalationRow,
    HouseholdRow,
    PersonRow,
    PlanRow,
    SignalRow,
)
from .mandate import Standing, plan_date, standing
from .process import EscalationState
from .views import (
    ActionView,
    AssessmentView,
    CaseFile,
    ConsentView,
    ConsiderationView,
    EscalationView,
    GoalView,
    GrantView,
    HouseholdView,
    IndicatorView,
    LeadView,
    PersonView,
    PlanView,
    SignalView,
    TextView,
)


class Revealing:
    """Which life domains a piece of a case reveals, under one municipality's setup."""

    def __init__(self, setup: MunicipalitySetup) -> None:
        self.universe = frozenset(d.key for d in setup.life_domains)
        self._indicators = {i.key: frozenset(i.domains) for i in setup.indicators}
        self._rules = {r.key: r for r in setup.escalation_rules}

    def indicator(self, key: str) -> frozenset[str]:
        """An indicator reveals its declared domains; an unknown or undeclared one, all."""
        return self._indicators.get(key) or self.universe

    def condition(self, condition: Condition) -> frozenset[str]:
        """The domains a rule's condition looks at (and so reveals when it fired)."""
        if isinstance(condition, Flagged):
            return self.indicator(condition.indicator)
        if isinstance(condition, DomainScore):
            return frozenset({condition.domain})
        if isinstance(condition, ProblemDomains):
            return frozenset(condition.domains) or self.universe
        if isinstance(condition, AllOf | AnyOf):
            return frozenset().union(*(self.condition(c) for c in condition.conditions))
        raise TypeError(f"unknown condition {condition!r}")  # pragma: no cover

    def escalation(self, rule: str) -> frozenset[str]:
        """An escalation reveals what its rule looks at; one whose rule is gone, everything."""
        found = self._rules.get(rule)
        return self.condition(found.when) if found is not None else self.universe

    def indicators(self, keys: Iterable[str]) -> tuple[IndicatorView, ...]:
        """Views of flagged indicators."""
        return tuple(IndicatorView(key=k, reveals=self.indicator(k)) for k in sorted(keys))


def build_case_file(db: Session, setup: MunicipalitySetup, household: HouseholdRow) -> CaseFile:
    """The whole case file of ``household`` (nothing withheld yet)."""
    hid = household.id
    revealing = Revealing(setup)
    escalations = db.exec(
        select(EscalationRow)
        .where(EscalationRow.household_id == hid, EscalationRow.municipality == setup.code)
        .order_by(col(EscalationRow.id))
    ).all()
    escalation_views = tuple(_escalation(e, revealing.escalation(e.rule)) for e in escalations)
    active_transfers = {
        e.target: view.reveals
        for e, view in zip(escalations, escalation_views, strict=True)
        if e.state == EscalationState.ACTIVE and e.handover == "transfer"
    }
    responses = {
        (r.plan_id, r.action): r for r in household_rows(db, ActionResponseRow, hid, setup.code)
    }
    return CaseFile(
        household=HouseholdView.model_validate(household, from_attributes=True),
        granted=None,
        members=tuple(
            PersonView.model_validate(p, from_attributes=True)
            for p in household_rows(db, PersonRow, hid, setup.code)
        ),
        signals=tuple(
            SignalView(
                id=s.id or 0,
                received_at=s.received_at,
                team=s.team,
                state=s.state,
                triage=s.triage,
                reporter=s.reporter,
                summary=s.summary,
                indicators=revealing.indicators(s.indicators),
                source=s.source,
                external_reference=s.external_reference,
                creditor_kind=s.creditor_kind,
                creditor=s.creditor,
                arrears_cents=s.arrears_cents,
                arrears_since=s.arrears_since,
            )
            for s in household_rows(db, SignalRow, hid, setup.code)
        ),
        assessments=tuple(
            AssessmentView(
                id=a.id or 0,
                held_at=a.held_at,
                held_by=a.held_by,
                scores=dict(a.scores),
                notes=dict(a.notes),
                indicators=revealing.indicators(a.indicators),
                network=tuple(a.network),
                informal_carers=tuple(a.informal_carers),
            )
            for a in household_rows(db, AssessmentRow, hid, setup.code)
        ),
        plans=tuple(
            _plan(p, revealing, active_transfers, setup.mandates, responses)
            for p in household_rows(db, PlanRow, hid, setup.code)
        ),
        escalations=escalation_views,
        consents=tuple(
            ConsentView.model_validate(c, from_attributes=True)
            for c in household_rows(db, ConsentRow, hid, setup.code)
        ),
        grants=tuple(
            GrantView.model_validate(g, from_attributes=True)
            for g in household_rows(db, DirectGrantRow, hid, setup.code)
        ),
    )


def household_rows(
    db: Session, table: Any, household_id: int | None, municipality: str
) -> list[Any]:
    """The rows of ``table`` about one household of ``municipality``, oldest first."""
    return list(
        db.exec(
            select(table)
            .where(table.household_id == household_id, table.municipality == municipality)
            .order_by(table.id)
        ).all()
    )


def _escalation(row: EscalationRow, reveals: frozenset[str]) -> EscalationView:
    return EscalationView(
        id=row.id or 0,
        rule=row.rule,
        target=row.target,
        handover=row.handover,
        state=row.state,
        direct=row.direct,
        legal_basis=row.legal_basis,
        responsible=row.responsible,
        responsible_organisation=row.responsible_organisation,
        confirmed_by=row.confirmed_by,
        previous_lead=row.previous_lead,
        proposed_at=row.proposed_at,
        confirmed_at=row.confirmed_at,
        ended_at=row.ended_at,
        reveals=reveals,
    )


def _standing(
    mandates: tuple[Mandate, ...],
    action: dict[str, Any],
    on: date,
    response: ActionResponseRow | None,
) -> dict[str, Any]:
    """An action's standing under the mandates, and who answered it when it was a request."""
    found = standing(mandates, action["actor"], action.get("organisation"), on)
    if response is None or found is not Standing.REQUESTED:
        return {"standing": found}
    return {
        "standing": Standing(response.response),
        "responded_by": response.responded_by,
        "responded_at": response.responded_at,
    }


def _plan(
    row: PlanRow,
    revealing: Revealing,
    active_transfers: dict[str, frozenset[str]],
    mandates: tuple[Mandate, ...],
    responses: dict[tuple[int, int], ActionResponseRow],
) -> PlanView:
    content = row.content
    on = plan_date(row.created_at, row.finalised_at)
    goals = tuple(
        GoalView(domain=g["domain"], goal=g["goal"], reveals=frozenset({g["domain"]}))
        for g in content.get("goals", [])
    )
    actions = tuple(
        ActionView(
            description=a["description"],
            domain=a["domain"],
            actor=a["actor"],
            rung=a.get("rung"),
            provision=a.get("provision"),
            delivery=a.get("delivery", "zin"),
            index=index,
            organisation=a.get("organisation"),
            **_standing(mandates, a, on, responses.get((row.id or 0, index))),
            reveals=frozenset({a["domain"]}),
        )
        for index, a in enumerate(content.get("actions", []))
    )
    justification = (content.get("ladder_justification") or "").strip()
    maatwerk = frozenset(a.domain for a in actions if a.rung == Rung.MAATWERKVOORZIENING)
    about = maatwerk or frozenset(a.domain for a in actions) or revealing.universe
    return PlanView(
        id=row.id or 0,
        team=row.team,
        state=row.state,
        case_director=row.case_director,
        version=row.version,
        created_at=row.created_at,
        finalised_at=row.finalised_at,
        goals=goals,
        actions=actions,
        ladder_considerations=tuple(
            ConsiderationView(rung=rung, text=text, reveals=about)
            for rung, text in (content.get("ladder_considerations") or {}).items()
        ),
        ladder_justification=TextView(text=justification, reveals=about) if justification else None,
        lead=LeadView(
            party=row.lead,
            reveals=frozenset()
            if row.lead == row.team
            else active_transfers.get(row.lead, revealing.universe),
        ),
    )
