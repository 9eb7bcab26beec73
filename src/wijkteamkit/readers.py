"""What reads each setup field (issue 9, ADR 16 in docs/architecture.md): no field is inert.

``READERS`` maps ``"Model.field"`` to how the field acts and where:

- ``engine`` — the casework engine (or the loading and routing it relies on) acts on it;
- ``validation`` — a validation rule checks it;
- ``report`` — a report computes with or prints it (funding, budget, tender, deadlines);
- ``identity/documentation`` — it names or cites: keys, names, sources, notes, statements.
  `show` printing a field is documentation, never a rule: keep this category to what only
  says what something is.

Each place is a module under ``src/wijkteamkit`` (``"engine/consent.py"``), optionally narrowed
to a class or function in it (``"cli/render.py:render_budgets"``); it accesses the field as an
attribute (``.field``). ``via="contains"`` says the place calls a method of the model that reads
the field (``Period.contains`` reads ``valid_from``); ``by_name=True`` that it names the field as
a string (``setup.get("composition_rules", ...)``, a discriminator).

Lookup (:func:`reader_of`): ``"Model.field"``, else ``"Item.field"`` for keyed items, else
``"*.field"``. tests/test_setup_fields.py checks that every field has an entry and that each
place named really reads it; docs/reference.md shows the entries.
"""

from __future__ import annotations

import typing
from typing import Literal, NamedTuple

from pydantic import BaseModel

from .domain.common import Item

How = Literal["engine", "validation", "report", "identity/documentation"]


class Reader(NamedTuple):
    """How a field acts (``how``) and the places that read it (``where``)."""

    how: How
    where: tuple[str, ...]
    via: str | None = None
    by_name: bool = False


def r(how: How, *where: str, via: str | None = None, by_name: bool = False) -> Reader:
    """A :class:`Reader`, written short."""
    return Reader(how, where, via, by_name)


DOC: How = "identity/documentation"
SHOW = "cli/render.py:render_setup"
PERIOD = "domain/setup.py:MunicipalitySetup.on"

READERS: dict[str, Reader] = {
    # Every keyed item, and every name and source wherever it sits.
    "Item.key": r("engine", "merge.py"),
    "Item.source": r("validation", "validation/hygiene.py:missing_sources"),
    "*.source": r("validation", "validation/hygiene.py"),
    "*.name": r(DOC, SHOW),
    "*.key": r(DOC, "interop/ocds.py"),
    "Source.document": r(DOC, "domain/common.py:Source.cite"),
    "Source.section": r(DOC, "domain/common.py:Source.cite"),
    "Source.url": r(DOC, "domain/common.py:Source.cite"),
    "Source.illustrative": r("validation", "validation/hygiene.py"),
    "Source.note": r("validation", "validation/hygiene.py"),
    # The setup's collections.
    "MunicipalitySetup.municipality": r("engine", "domain/setup.py:MunicipalitySetup.code"),
    "MunicipalitySetup.neighbourhoods": r("engine", "defaults/national.py"),
    "MunicipalitySetup.teams": r("engine", "defaults/national.py", "engine/starts.py"),
    "MunicipalitySetup.function_groups": r("validation", "validation/references.py", by_name=True),
    "MunicipalitySetup.team_functions": r("validation", "validation/teams.py"),
    "MunicipalitySetup.composition_rules": r("validation", "validation/teams.py", by_name=True),
    "MunicipalitySetup.life_domains": r("engine", "engine/assessments.py"),
    "MunicipalitySetup.indicators": r("engine", "engine/assessments.py"),
    "MunicipalitySetup.escalation_targets": r("engine", "engine/policy.py"),
    "MunicipalitySetup.escalation_rules": r("engine", "engine/proposals.py"),
    "MunicipalitySetup.laws": r("engine", "engine/indications.py", "validation/laws.py"),
    "MunicipalitySetup.legal_bases": r("engine", "engine/policy.py"),
    "MunicipalitySetup.statutory_terms": r("engine", "engine/requests.py"),
    "MunicipalitySetup.funding_streams": r("engine", "money/funding.py", "engine/grants.py"),
    "MunicipalitySetup.provisions": r("engine", "money/funding.py", "engine/indications.py"),
    "MunicipalitySetup.consent_policy": r("engine", "engine/policy.py"),
    "MunicipalitySetup.tender_procedures": r("report", "cli/tender_cmd.py"),
    "MunicipalitySetup.budgets": r("report", "cli/budget_cmd.py"),
    "MunicipalitySetup.principles": r(DOC, SHOW),
    "MunicipalitySetup.mandates": r("engine", "engine/responses.py"),
    "MunicipalitySetup.origins": r("validation", "domain/setup.py:MunicipalitySetup.origin"),
    # The municipality and its neighbourhoods.
    "Municipality.code": r("engine", "domain/setup.py:MunicipalitySetup.code"),
    "Municipality.province": r(DOC, SHOW),
    "Municipality.regions": r("engine", "loading.py"),
    "Municipality.reference_date": r("validation", "validation/__init__.py:default_date"),
    "Neighbourhood.sub_areas": r(DOC, SHOW),
    "Neighbourhood.households": r(
        "validation", "validation/neighbourhoods.py", "synthetic/addresses.py"
    ),
    "Neighbourhood.target_share": r("validation", "validation/neighbourhoods.py"),
    "Neighbourhood.target_households": r(
        "validation", "validation/neighbourhoods.py", "intake/generate.py"
    ),
    "Neighbourhood.team_start": r("engine", "engine/starts.py"),
    "Neighbourhood.team_start_precision": r(
        "validation", "validation/neighbourhoods.py", "engine/starts.py"
    ),
    "Neighbourhood.postcodes": r("engine", "defaults/national.py", via="covers_postcode"),
    "Principle.statement": r(DOC, SHOW),
    # Teams.
    "Team.neighbourhood": r("engine", "engine/starts.py", "engine/queries.py"),
    "Team.composition_rule": r("validation", "validation/teams.py"),
    "Team.members": r("validation", "validation/teams.py", "validation/mandates.py"),
    "Team.leader": r("validation", "validation/teams.py", "validation/leaders.py"),
    "Team.base": r(DOC, SHOW),
    "Team.case_registration_from": r("engine", "engine/queries.py", "validation/dates.py"),
    "Team.shell": r("validation", "validation/references.py"),
    "TeamMember.function": r("validation", "validation/teams.py"),
    "TeamMember.organisation": r("validation", "validation/mandates.py"),
    "TeamMember.hours_per_week": r("validation", "validation/teams.py:member_hours"),
    "TeamLeader.employer": r("validation", "validation/leaders.py"),
    "TeamLeader.organisation": r("validation", "validation/leaders.py"),
    "TeamLeader.hours_per_week": r("validation", "validation/teams.py:leader"),
    "TeamLeader.municipality_paid_hours": r("validation", "validation/teams.py:leader"),
    "ShellProvider.organisation": r(DOC, SHOW),
    "ShellProvider.provisions": r("validation", "validation/references.py"),
    "TeamFunction.group": r("validation", "validation/teams.py:team_composition"),
    "CompositionRule.min_members": r("validation", "validation/teams.py:team_size"),
    "CompositionRule.max_members": r("validation", "validation/teams.py:team_size"),
    "CompositionRule.requirements": r("validation", "validation/teams.py:team_composition"),
    "CompositionRule.member_min_hours": r("validation", "validation/teams.py:member_hours"),
    "CompositionRule.leader_required": r("validation", "validation/teams.py:leader"),
    "CompositionRule.leader_min_hours": r("validation", "validation/teams.py:leader"),
    "CompositionRule.leader_municipality_paid_hours": r("validation", "validation/teams.py:leader"),
    "Requirement.function": r("validation", "validation/teams.py:team_composition"),
    "Requirement.group": r("validation", "validation/teams.py:team_composition"),
    "Requirement.min_count": r("validation", "validation/teams.py:team_composition"),
    "Requirement.note": r(DOC, "validation/teams.py:team_composition"),
    # Life domains and indicators.
    "LifeDomain.name_nl": r(DOC, SHOW),
    "LifeDomain.catalogue": r("validation", "validation/domains.py"),
    "LifeDomain.maps_to": r("validation", "validation/domains.py", "validation/references.py"),
    "Indicator.name_nl": r(DOC, SHOW),
    "Indicator.domains": r("engine", "engine/casefile.py"),
    # Escalation.
    "EscalationTarget.valid_from": r("engine", PERIOD, "engine/consent.py", via="contains"),
    "EscalationTarget.valid_to": r("engine", PERIOD, "engine/consent.py", via="contains"),
    "EscalationTarget.kind": r("engine", "engine/policy.py"),
    "EscalationTarget.level": r(DOC, "cli/render.py:_target"),
    "EscalationTarget.handover": r("engine", "engine/assessments.py"),
    "EscalationTarget.accepts": r("engine", "engine/acceptance.py", "validation/escalation.py"),
    "EscalationTarget.organisation": r(DOC, "cli/render.py:_target"),
    "EscalationRule.valid_from": r("engine", PERIOD, via="contains"),
    "EscalationRule.valid_to": r("engine", PERIOD, via="contains"),
    "EscalationRule.when": r("engine", "engine/proposals.py"),
    "EscalationRule.target": r("engine", "engine/proposals.py"),
    "EscalationRule.priority": r("engine", "engine/proposals.py"),
    "EscalationRule.direct": r("engine", "engine/assessments.py"),
    "EscalationRule.legal_basis": r("engine", "engine/assessments.py"),
    "ProblemDomains.kind": r("engine", "domain/escalation.py", by_name=True),
    "ProblemDomains.min_count": r("engine", "domain/escalation.py:ProblemDomains.holds"),
    "ProblemDomains.at_most": r("engine", "domain/escalation.py:ProblemDomains.holds"),
    "ProblemDomains.domains": r("engine", "domain/escalation.py:ProblemDomains.holds"),
    "DomainScore.kind": r("engine", "domain/escalation.py", by_name=True),
    "DomainScore.domain": r("engine", "domain/escalation.py:DomainScore.holds"),
    "DomainScore.at_most": r("engine", "domain/escalation.py:DomainScore.holds"),
    "DomainScore.at_least": r("engine", "domain/escalation.py:DomainScore.holds"),
    "Flagged.kind": r("engine", "domain/escalation.py", by_name=True),
    "Flagged.indicator": r("engine", "domain/escalation.py:Flagged.holds"),
    "AllOf.kind": r("engine", "domain/escalation.py", by_name=True),
    "AllOf.conditions": r("engine", "domain/escalation.py:AllOf.holds"),
    "AnyOf.kind": r("engine", "domain/escalation.py", by_name=True),
    "AnyOf.conditions": r("engine", "domain/escalation.py:AnyOf.holds"),
    # Law, legal bases, statutory terms.
    "Law.valid_from": r("validation", "validation/laws.py"),
    "Law.valid_to": r("validation", "validation/laws.py"),
    "Law.short_name": r("report", "money/funding.py"),
    "Law.successor": r("validation", "validation/laws.py"),
    "LegalBasis.valid_from": r("engine", "engine/consent.py", via="contains"),
    "LegalBasis.valid_to": r("engine", "engine/consent.py", via="contains"),
    "LegalBasis.law": r("validation", "validation/references.py"),
    "LegalBasis.article": r(DOC, "demo.py"),
    "LegalBasis.allows_disclosure_without_consent": r("engine", "engine/policy.py"),
    "LegalBasis.recipients": r("engine", "engine/consent.py", via="covers"),
    "StatutoryTerm.valid_from": r("engine", "domain/terms.py:deadlines_of", via="contains"),
    "StatutoryTerm.valid_to": r("engine", "domain/terms.py:deadlines_of", via="contains"),
    "StatutoryTerm.from_step": r("engine", "domain/terms.py:deadlines_of"),
    "StatutoryTerm.to_step": r("engine", "domain/terms.py:deadlines_of"),
    "StatutoryTerm.length": r("engine", "domain/terms.py:StatutoryTerm.days"),
    "StatutoryTerm.unit": r("engine", "domain/terms.py:StatutoryTerm.days"),
    "StatutoryTerm.law": r("validation", "validation/terms.py"),
    "StatutoryTerm.article": r(DOC, "domain/terms.py"),
    # Money: funding.
    "FundingStream.valid_from": r("engine", "money/funding.py", via="contains"),
    "FundingStream.valid_to": r("engine", "money/funding.py", via="contains"),
    "FundingStream.law": r("report", "money/funding.py"),
    "FundingStream.scheme": r("report", "money/funding.py"),
    "FundingStream.funder_kind": r("report", "money/funding.py"),
    "FundingStream.funder": r("report", "money/funding.py"),
    "Provision.kind": r("engine", "engine/ladder.py"),
    "Provision.delivery": r("validation", "validation/funding.py"),
    "Provision.iwmo_category": r("validation", "validation/codelists.py"),
    "Provision.access": r("engine", "engine/grants.py"),
    "Provision.funding": r("engine", "money/funding.py", "validation/funding.py"),
    "Provision.continuity": r("engine", "engine/indications.py"),
    "ProvisionFunding.valid_from": r("validation", "validation/funding.py"),
    "ProvisionFunding.valid_to": r("validation", "validation/funding.py"),
    "ProvisionFunding.stream": r("engine", "money/funding.py"),
    "Continuity.law": r("validation", "validation/continuity.py"),
    "Continuity.held_on": r("validation", "validation/continuity.py"),
    "Continuity.until": r("validation", "validation/continuity.py"),
    # Consent.
    "ConsentPolicy.exceptions": r("engine", "engine/consent.py"),
    "ConsentPolicy.retention_years": r("engine", "engine/access.py"),
    "ConsentPolicy.written_consent_required": r("engine", "engine/policy.py"),
    # Money: tenders.
    "TenderProcedure.neighbourhood": r("validation", "validation/references.py"),
    "TenderProcedure.commissioning_body": r("report", "interop/ocds.py"),
    "TenderProcedure.regime": r("validation", "validation/money.py"),
    "TenderProcedure.lead_municipality": r("validation", "validation/money.py"),
    "TenderProcedure.participants": r("validation", "validation/money.py", "money/tender.py"),
    "TenderProcedure.award_criteria": r("report", "money/tender.py"),
    "TenderProcedure.budget_ceiling": r("validation", "validation/money.py"),
    "TenderProcedure.starts": r("report", "money/tender.py"),
    "TenderProcedure.ends": r("report", "money/tender.py"),
    "TenderProcedure.profile": r("report", "cli/tender_cmd.py:show"),
    "TenderProcedure.requirements": r("report", "money/tender.py"),
    "TenderProcedure.providers": r("report", "money/tender.py"),
    "TenderProcedure.example_bids": r("validation", "validation/money.py"),
    "Participation.municipality": r("validation", "validation/money.py"),
    "Participation.share": r("report", "money/tender.py"),
    "Participation.area": r("report", "interop/ocds.py"),
    "AwardCriterion.weight": r("report", "money/tender.py"),
    "AwardCriterion.kind": r("report", "money/tender.py"),
    "AwardCriterion.description": r("report", "interop/ocds.py"),
    "NeighbourhoodProfile.population": r("report", "cli/tender_cmd.py:show"),
    "NeighbourhoodProfile.households": r("report", "cli/tender_cmd.py:show"),
    "NeighbourhoodProfile.problems": r("report", "cli/tender_cmd.py:show"),
    "NeighbourhoodProfile.opportunities": r("report", "cli/tender_cmd.py:show"),
    "Requirements.written_by": r("report", "interop/ocds.py"),
    "Requirements.outcomes": r("report", "money/tender.py"),
    "Requirements.budget_ceiling": r("validation", "validation/money.py"),
    "Requirements.starts": r("report", "interop/ocds.py"),
    "Requirements.ends": r("report", "interop/ocds.py"),
    "Outcome.description": r("report", "interop/ocds.py"),
    "Outcome.domain": r("report", "cli/tender_cmd.py:show"),
    "Outcome.target_group": r("report", "cli/tender_cmd.py:show"),
    "Provider.kvk": r("report", "interop/ocds.py"),
    "Bid.provider": r("report", "money/tender.py"),
    "Bid.price": r("report", "money/tender.py"),
    "Bid.outcomes": r("report", "money/tender.py"),
    "Bid.points": r("report", "money/tender.py"),
    "Bid.submitted": r("report", "interop/ocds.py"),
    # Money: budgets.
    "Budget.year": r("report", "cli/render.py:render_budgets"),
    "Budget.cost_groups": r("report", "cli/budget_cmd.py", "cli/render.py:render_budgets"),
    "Budget.coverage": r("report", "cli/render.py:render_budgets"),
    "Budget.stated_total": r("validation", "validation/money.py"),
    "Budget.stated_coverage": r("validation", "validation/money.py"),
    "Budget.notes": r("report", "cli/render.py:render_budgets"),
    "CostGroup.lines": r("report", "cli/render.py:render_budgets"),
    "CostLine.amount": r("report", "cli/render.py:render_budgets"),
    "CostLine.pro_memorie": r("validation", "domain/budget.py:CostLine._amount_or_pm"),
    "CostLine.note": r("report", "cli/render.py:render_budgets"),
    "CoverageLine.amount": r("report", "cli/render.py:render_budgets"),
    "CoverageLine.funder": r("report", "cli/render.py:render_budgets"),
    # The institutions' mandate.
    "Mandate.valid_from": r("engine", "engine/mandate.py", via="contains"),
    "Mandate.valid_to": r("engine", "engine/mandate.py", via="contains"),
    "Mandate.organisation": r("engine", "engine/mandate.py", via="covers"),
}

DESCRIPTIVE = frozenset(
    {
        "name",
        "name_nl",
        "key",
        "document",
        "section",
        "url",
        "statement",
        "note",
        "article",
        "province",
        "sub_areas",
        "base",
        "level",
        "organisation",
        "principles",
    }
)
"""The only field names that may be ``identity/documentation``: what names, cites or describes.
A rule, a number or a date there is inert data; make it act instead."""


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for argument in typing.get_args(annotation):
        found += _models_in(argument)
    return found


def models_from(root: type[BaseModel]) -> dict[type[BaseModel], list[str]]:
    """Every model reachable from ``root`` (itself included), with its fields, in the order
    they are first reached."""
    seen: dict[type[BaseModel], list[str]] = {}
    todo: list[type[BaseModel]] = [root]
    while todo:
        model = todo.pop(0)
        if model in seen:
            continue
        seen[model] = list(model.model_fields)
        for info in model.model_fields.values():
            todo += _models_in(info.annotation)
    return seen


def reader_of(model: type[BaseModel], field: str) -> tuple[str, Reader] | None:
    """The entry that covers ``model.field``: its own, the keyed items', or any model's."""
    names = [f"{model.__name__}.{field}"]
    if issubclass(model, Item):
        names.append(f"Item.{field}")
    names.append(f"*.{field}")
    return next(((n, READERS[n]) for n in names if n in READERS), None)
