"""The typed read models of a case: the case file, the resident's export, an escalation.

Every field is tagged with the life domains it reveals (see :mod:`.redaction`); views that can be
withheld as a whole carry their own ``reveals`` set.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field

from .redaction import BY_DOMAIN, EVERYTHING, NOTHING, OWN, Domains, View

NETWORK_DOMAIN = "sociaal-netwerk"
"""The life domain that the names of a household's network and informal carers reveal."""

Reveals = Annotated[frozenset[str], NOTHING]


class HouseholdView(View):
    """The household record: where its case stands. The address is identity."""

    id: Annotated[int, NOTHING]
    neighbourhood: Annotated[str | None, NOTHING]
    team: Annotated[str | None, NOTHING]
    case_state: Annotated[str, NOTHING]
    created_at: Annotated[datetime, NOTHING]
    closed_at: Annotated[datetime | None, NOTHING] = None
    postcode: Annotated[str | None, EVERYTHING] = None
    house_number: Annotated[int | None, EVERYTHING] = None
    house_number_suffix: Annotated[str | None, EVERYTHING] = None
    reveals: Reveals = frozenset()


class PersonView(View):
    """A household member (shown only to those who may see everything)."""

    id: Annotated[int, NOTHING]
    role: Annotated[str, NOTHING]
    birth_date: Annotated[date | None, NOTHING] = None
    name: Annotated[str | None, NOTHING] = None
    bsn: Annotated[str | None, NOTHING] = None
    phone: Annotated[str | None, NOTHING] = None
    email: Annotated[str | None, NOTHING] = None


class IndicatorView(View):
    """A flagged indicator and the domains it reveals."""

    key: Annotated[str, NOTHING]
    reveals: Reveals


class SignalView(View):
    """A signal; who reported it and what they wrote reveal too much for a partial read."""

    id: Annotated[int, NOTHING]
    received_at: Annotated[datetime, NOTHING]
    team: Annotated[str | None, NOTHING]
    state: Annotated[str, NOTHING]
    triage: Annotated[str | None, NOTHING] = None
    reporter: Annotated[str | None, EVERYTHING] = None
    summary: Annotated[str | None, EVERYTHING] = None
    indicators: Annotated[tuple[IndicatorView, ...], OWN] = ()
    source: Annotated[str | None, EVERYTHING] = None
    external_reference: Annotated[str | None, EVERYTHING] = None
    creditor_kind: Annotated[str | None, EVERYTHING] = None
    creditor: Annotated[str | None, EVERYTHING] = None
    arrears_cents: Annotated[int | None, EVERYTHING] = None
    arrears_since: Annotated[date | None, EVERYTHING] = None
    reveals: Reveals = frozenset()


class AssessmentView(View):
    """A kitchen-table assessment: scores and notes per domain, indicators, network."""

    id: Annotated[int, NOTHING]
    held_at: Annotated[datetime, NOTHING]
    held_by: Annotated[str, NOTHING]
    scores: Annotated[dict[str, int], BY_DOMAIN] = Field(default_factory=dict)
    notes: Annotated[dict[str, str], BY_DOMAIN] = Field(default_factory=dict)
    indicators: Annotated[tuple[IndicatorView, ...], OWN] = ()
    network: Annotated[tuple[str, ...], Domains(NETWORK_DOMAIN)] = ()
    informal_carers: Annotated[tuple[str, ...], Domains(NETWORK_DOMAIN)] = ()
    reveals: Reveals = frozenset()


class GoalView(View):
    """A plan goal for one domain."""

    domain: Annotated[str, NOTHING]
    goal: Annotated[str, NOTHING]
    reveals: Reveals


class ActionView(View):
    """A plan action for one domain. ``index`` is its position in the plan (from 0, also when
    other actions are withheld); ``standing`` says what a professional's action is to the
    organisation it is assigned to: ``team`` (none named), ``binding`` (under its mandate),
    ``requested``, ``accepted`` or ``declined`` (see :mod:`wijkteamkit.engine.mandate`)."""

    description: Annotated[str, NOTHING]
    domain: Annotated[str, NOTHING]
    actor: Annotated[str, NOTHING]
    rung: Annotated[str | None, NOTHING] = None
    provision: Annotated[str | None, NOTHING] = None
    delivery: Annotated[str, NOTHING] = "zin"
    index: Annotated[int, NOTHING]
    organisation: Annotated[str | None, NOTHING] = None
    standing: Annotated[str | None, NOTHING] = None
    responded_by: Annotated[str | None, NOTHING] = None
    responded_at: Annotated[datetime | None, NOTHING] = None
    reveals: Reveals


class TextView(View):
    """A free text and the domains it is about (a legacy ladder justification)."""

    text: Annotated[str, NOTHING]
    reveals: Reveals


class ConsiderationView(View):
    """Why one lower rung of the ladder does not suffice; it reveals the domains of the plan's
    maatwerk actions."""

    rung: Annotated[str, NOTHING]
    text: Annotated[str, NOTHING]
    reveals: Reveals


class LeadView(View):
    """Who leads the plan; a lead moved by an escalation reveals that escalation's domains."""

    party: Annotated[str, NOTHING]
    reveals: Reveals


class PlanView(View):
    """A plan: goals and actions per domain, the ladder considerations (and a legacy
    justification), the lead."""

    id: Annotated[int, NOTHING]
    team: Annotated[str, NOTHING]
    state: Annotated[str, NOTHING]
    case_director: Annotated[str, NOTHING]
    version: Annotated[int, NOTHING]
    created_at: Annotated[datetime, NOTHING]
    finalised_at: Annotated[datetime | None, NOTHING] = None
    goals: Annotated[tuple[GoalView, ...], OWN] = ()
    actions: Annotated[tuple[ActionView, ...], OWN] = ()
    ladder_considerations: Annotated[tuple[ConsiderationView, ...], OWN] = ()
    ladder_justification: Annotated[TextView | None, OWN] = None
    lead: Annotated[LeadView | None, OWN] = None
    reveals: Reveals = frozenset()


class EscalationView(View):
    """An escalation or referral; as a whole it reveals the domains its rule looks at."""

    id: Annotated[int, NOTHING]
    rule: Annotated[str, NOTHING]
    target: Annotated[str, NOTHING]
    handover: Annotated[str, NOTHING]
    state: Annotated[str, NOTHING]
    direct: Annotated[bool, NOTHING]
    legal_basis: Annotated[str | None, NOTHING] = None
    responsible: Annotated[str | None, NOTHING] = None
    responsible_organisation: Annotated[str | None, NOTHING] = None
    confirmed_by: Annotated[str | None, NOTHING] = None
    previous_lead: Annotated[str | None, NOTHING] = None
    proposed_at: Annotated[datetime, NOTHING]
    confirmed_at: Annotated[datetime | None, NOTHING] = None
    ended_at: Annotated[datetime | None, NOTHING] = None
    reveals: Reveals


class ConsentView(View):
    """A recorded consent (its scope and recipients say what the resident shares)."""

    id: Annotated[int, NOTHING]
    purpose: Annotated[str, NOTHING]
    recipients: Annotated[tuple[str, ...], NOTHING]
    scope: Annotated[tuple[str, ...], NOTHING]
    valid_from: Annotated[datetime, NOTHING]
    valid_to: Annotated[datetime | None, NOTHING] = None
    form: Annotated[str, NOTHING]
    given_at: Annotated[datetime, NOTHING]
    recorded_by: Annotated[str, NOTHING]


class GrantView(View):
    """A provision granted directly, without the team (shown with everything: it names a
    provision the household uses, whatever its life domain)."""

    id: Annotated[int, NOTHING]
    provision: Annotated[str, NOTHING]
    delivery: Annotated[str, NOTHING]
    granted_at: Annotated[datetime, NOTHING]
    granted_by: Annotated[str, NOTHING]
    granted_by_role: Annotated[str, NOTHING]


class CaseFile(View):
    """A household's case as the reader may see it.

    ``granted`` is ``None`` for a full read (the resident, the case director), else the life
    domains the consent decision granted; everything else has been withheld.
    """

    household: Annotated[HouseholdView, OWN]
    granted: Annotated[frozenset[str] | None, NOTHING]
    members: Annotated[tuple[PersonView, ...], EVERYTHING] = ()
    signals: Annotated[tuple[SignalView, ...], OWN] = ()
    assessments: Annotated[tuple[AssessmentView, ...], OWN] = ()
    plans: Annotated[tuple[PlanView, ...], OWN] = ()
    escalations: Annotated[tuple[EscalationView, ...], OWN] = ()
    consents: Annotated[tuple[ConsentView, ...], EVERYTHING] = ()
    grants: Annotated[tuple[GrantView, ...], EVERYTHING] = ()


class DisclosureView(View):
    """A decided disclosure, permit or deny."""

    id: Annotated[int, NOTHING]
    requester: Annotated[str, NOTHING]
    recipient: Annotated[str, NOTHING]
    purpose: Annotated[str, NOTHING]
    scope: Annotated[tuple[str, ...], NOTHING]
    legal_basis: Annotated[str | None, NOTHING] = None
    outcome: Annotated[str, NOTHING]
    reason: Annotated[str, NOTHING]
    basis: Annotated[str | None, NOTHING] = None
    granted: Annotated[tuple[str, ...], NOTHING] = ()
    at: Annotated[datetime, NOTHING]


class WithdrawalView(View):
    """The withdrawal of a consent."""

    consent_id: Annotated[int, NOTHING]
    at: Annotated[datetime, NOTHING]
    recorded_by: Annotated[str, NOTHING]


class AuditEntryView(View):
    """One audit entry about the household."""

    seq: Annotated[int, NOTHING]
    at: Annotated[datetime, NOTHING]
    actor: Annotated[str, NOTHING]
    actor_role: Annotated[str, NOTHING]
    action: Annotated[str, NOTHING]
    detail: Annotated[dict[str, Any], NOTHING] = Field(default_factory=dict)
    outcome: Annotated[str | None, NOTHING] = None
    reason: Annotated[str | None, NOTHING] = None


class SubjectExport(View):
    """Everything held about a household (the right of access), for the resident."""

    case_file: Annotated[CaseFile, NOTHING]
    disclosures: Annotated[tuple[DisclosureView, ...], NOTHING] = ()
    withdrawals: Annotated[tuple[WithdrawalView, ...], NOTHING] = ()
    audit: Annotated[tuple[AuditEntryView, ...], NOTHING] = ()
