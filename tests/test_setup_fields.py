"""No inert setup field (issue 9, docs/architecture.md ADR 16): every field of every model
reachable from ``MunicipalitySetup`` says what reads it, and the module named reads it.

``READERS`` maps ``"Model.field"`` to how the field acts and where:

- ``engine`` — the casework engine (or the loading and routing it relies on) acts on it;
- ``validation`` — a validation rule checks it;
- ``report`` — a report computes with or prints it (funding, budget, tender, deadlines);
- ``identity/documentation`` — it names or cites: keys, names, sources, notes, statements.
  `show` printing a field is documentation, never a rule: keep this category to what only
  says what something is.

Each place is a module under ``src/wijkteamkit`` (``"engine/consent.py"``), optionally narrowed
to a class or function in it (``"cli/render.py:render_budgets"``); it must access the field as
an attribute (``.field``). ``via="contains"`` says the place calls a method of the model that
reads the field (``Period.contains`` reads ``valid_from``); ``by_name=True`` that it names the
field as a string (``setup.get("composition_rules", ...)``, a discriminator).

Lookup: ``"Model.field"``, else ``"Item.field"`` for keyed items, else ``"*.field"``.

A new field without an entry fails with what to do; so does an entry whose reader is gone.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
import typing
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import BaseModel

import wijkteamkit
from wijkteamkit.domain import MunicipalitySetup
from wijkteamkit.domain.common import Item

SRC = Path(wijkteamkit.__file__).parent

How = Literal["engine", "validation", "report", "identity/documentation"]


class Reader(NamedTuple):
    how: How
    where: tuple[str, ...]
    via: str | None = None
    by_name: bool = False


def r(how: How, *where: str, via: str | None = None, by_name: bool = False) -> Reader:
    return Reader(how, where, via, by_name)


DOC: How = "identity/documentation"
SHOW = "cli/render.py:render_setup"
PERIOD = "domain/setup.py:MunicipalitySetup.on"

READERS: dict[str, Reader] = {
    # Every keyed item, and every name and source wherever it sits.
    "Item.key": r("engine", "loading.py"),
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
    "MunicipalitySetup.escalation_targets": r("engine", "engine/consent.py"),
    "MunicipalitySetup.escalation_rules": r("engine", "engine/proposals.py"),
    "MunicipalitySetup.laws": r("engine", "engine/indications.py", "validation/laws.py"),
    "MunicipalitySetup.legal_bases": r("engine", "engine/consent.py"),
    "MunicipalitySetup.statutory_terms": r("engine", "engine/requests.py"),
    "MunicipalitySetup.funding_streams": r("engine", "money/funding.py", "engine/grants.py"),
    "MunicipalitySetup.provisions": r("engine", "money/funding.py", "engine/indications.py"),
    "MunicipalitySetup.consent_policy": r("engine", "engine/consent.py"),
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
    "EscalationTarget.kind": r("engine", "engine/consent.py"),
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
    "LegalBasis.allows_disclosure_without_consent": r("engine", "engine/consent.py"),
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
    "ConsentPolicy.written_consent_required": r("engine", "engine/consent.py"),
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

PENDING: dict[str, str] = {}
"""Temporary: fields whose reader another helper of issue 9 is still building, with who. An
entry here is listed in ``READERS`` but its reader is not checked yet; remove it once it is."""

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


def setup_models() -> dict[type[BaseModel], list[str]]:
    """Every model reachable from ``MunicipalitySetup``, with its fields."""
    seen: dict[type[BaseModel], list[str]] = {}
    todo: list[type[BaseModel]] = [MunicipalitySetup]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen[model] = list(model.model_fields)
        for info in model.model_fields.values():
            todo += _models_in(info.annotation)
    return seen


def setup_fields() -> list[tuple[type[BaseModel], str]]:
    return sorted(
        ((m, f) for m, fields in setup_models().items() for f in fields),
        key=lambda mf: (mf[0].__name__, mf[1]),
    )


def entry_for(model: type[BaseModel], field: str) -> tuple[str, Reader] | None:
    """The entry that covers ``model.field``: its own, the keyed items', or any model's."""
    names = [f"{model.__name__}.{field}"]
    if issubclass(model, Item):
        names.append(f"Item.{field}")
    names.append(f"*.{field}")
    return next(((n, READERS[n]) for n in names if n in READERS), None)


@cache
def _tree(place: str) -> ast.AST:
    """The module (``engine/consent.py``) or the class or function in it
    (``cli/render.py:render_budgets``, ``domain/terms.py:StatutoryTerm.days``)."""
    module, _, qualname = place.partition(":")
    path = SRC / module
    assert path.is_file(), f"{place}: no module {module} under src/wijkteamkit"
    node: ast.AST = ast.parse(path.read_text(encoding="utf-8"))
    for name in filter(None, qualname.split(".")):
        found = [
            child
            for child in ast.walk(node)
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and child.name == name
        ]
        assert found, f"{place}: no {name} in {module}"
        node = found[0]
    return node


def _accesses(node: ast.AST, attribute: str) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == attribute for n in ast.walk(node))


def _names(node: ast.AST, text: str) -> bool:
    return any(isinstance(n, ast.Constant) and n.value == text for n in ast.walk(node))


def _method_reads(model: type[BaseModel], method: str, field: str) -> bool:
    """Whether ``model``'s method (or property) ``method`` reads ``.field``."""
    for klass in model.__mro__:
        member = vars(klass).get(method)
        if member is None:
            continue
        function = member.fget if isinstance(member, property) else member
        if isinstance(function, types.FunctionType):
            source = textwrap.dedent(inspect.getsource(function))
            return _accesses(ast.parse(source), field)
    return False


def missing_reads(model: type[BaseModel], field: str, reader: Reader) -> list[str]:
    """The places of ``reader`` that do not read ``model.field`` as it says they do."""
    wanted = reader.via or field
    problems = []
    for place in reader.where:
        tree = _tree(place)
        if not (_accesses(tree, wanted) or (reader.by_name and _names(tree, wanted))):
            problems.append(f"{place} has no .{wanted}")
    if reader.via and not _method_reads(model, reader.via, field):
        problems.append(f"{model.__name__}.{reader.via} does not read .{field}")
    return problems


def test_every_setup_field_says_what_reads_it() -> None:
    missing = [f"{m.__name__}.{f}" for m, f in setup_fields() if entry_for(m, f) is None]
    assert not missing, (
        f"setup field(s) with no entry in READERS (tests/test_setup_fields.py): "
        f"{', '.join(missing)}. A field must act: name the module that enforces it (engine), "
        "checks it (validation) or computes a report with it, and make that module read it; "
        "or remove the field (and every plugin, test and doc that sets it). See ADR 16 in "
        "docs/architecture.md."
    )


def test_every_entry_names_a_field_that_exists() -> None:
    fields = {f"{m.__name__}.{f}" for m, f in setup_fields()}
    wildcards = {f"{prefix}.{f.split('.')[1]}" for f in fields for prefix in ("Item", "*")}
    stale = sorted(set(READERS) - fields - wildcards)
    assert not stale, f"READERS lists fields that no setup model has: {', '.join(stale)}"
    assert set(PENDING) <= set(READERS), "every PENDING field has its entry in READERS"


def test_every_reader_reads_its_field() -> None:
    problems = []
    for model, field in setup_fields():
        found = entry_for(model, field)
        if found is None or found[0] in PENDING:
            continue
        name, reader = found
        for problem in missing_reads(model, field, reader):
            problems.append(f"{model.__name__}.{field} ({name}, {reader.how}): {problem}")
    assert not problems, "setup fields whose named reader does not read them:\n" + "\n".join(
        problems
    )


def test_pending_fields_are_still_pending() -> None:
    """A PENDING field whose reader now reads it leaves PENDING (the list only shrinks)."""
    done = []
    for name in PENDING:
        model_name, _, field = name.partition(".")
        models = [m for m in setup_models() if m.__name__ == model_name]
        if models and not missing_reads(models[0], field, READERS[name]):
            done.append(name)
    assert not done, f"read by now, remove from PENDING: {', '.join(done)}"


def test_documentation_stays_descriptive() -> None:
    other = sorted(
        name
        for name, reader in READERS.items()
        if reader.how == DOC and name.split(".")[1] not in DESCRIPTIVE
    )
    assert not other, (
        f"identity/documentation is for names, sources and descriptions, not for {other}: "
        "make the field act (engine, validation or a report) or remove it"
    )


def test_the_inventory_sees_nested_models() -> None:
    """The walk reaches models inside tuples, unions and discriminated unions."""
    names = {m.__name__ for m in setup_models()}
    assert {"Source", "SubArea", "TeamMember", "AllOf", "Flagged", "CostLine", "Bid"} <= names


def test_the_check_fails_a_reader_that_does_not_read() -> None:
    """The ast check is not vacuous: a module that never accesses the field fails, and so does
    a ``via`` method that does not read it."""
    from wijkteamkit.domain import Law, Neighbourhood

    assert missing_reads(Neighbourhood, "households", r("validation", "validation/laws.py"))
    assert not missing_reads(
        Neighbourhood, "households", r("validation", "validation/neighbourhoods.py")
    )
    assert missing_reads(Law, "successor", r("engine", "engine/consent.py", via="contains"))


def test_a_new_field_needs_an_entry() -> None:
    class Extended(MunicipalitySetup):
        flavour: str = "vanilla"

    assert entry_for(Extended, "flavour") is None
    assert entry_for(Extended, "teams") is None  # entries name the model they belong to
