"""Validation of a merged setup: every rule yields :class:`Finding` objects.

``validate(setup)`` runs every rule in :data:`RULES` (``validate --strict`` runs
:data:`STRICT_RULES`); each rule lives in the module of the setup
part it checks and has a failing and a passing case in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..domain import MunicipalitySetup
from ..merge import MergeIssue
from . import (
    codelists,
    consent,
    continuity,
    dates,
    domains,
    escalation,
    funding,
    hygiene,
    ladder,
    laws,
    leaders,
    mandates,
    money,
    neighbourhoods,
    references,
    teams,
    terms,
)
from .finding import Check, Finding, Rule

RULES: tuple[Rule, ...] = (
    hygiene.duplicate_keys,
    hygiene.stray_removals,
    references.unknown_references,
    teams.team_size,
    teams.team_composition,
    teams.member_hours,
    teams.leader,
    teams.neighbourhoods_without_team,
    dates.case_registration,
    leaders.leader_employers,
    neighbourhoods.neighbourhood_targets,
    neighbourhoods.team_start_precision,
    domains.domain_mappings,
    laws.law_successors,
    escalation.rules_that_never_fire,
    escalation.direct_without_basis,
    escalation.basis_not_an_exception,
    dates.rule_periods,
    escalation.rules_whose_target_never_accepts,
    funding.unfunded_provisions,
    funding.streams_outside_their_period,
    funding.overlaps_and_gaps,
    funding.pgb_for_algemene_voorziening,
    ladder.provisions_without_kind,
    ladder.direct_maatwerk,
    continuity.continuity_before_reform,
    continuity.continuity_not_funded_before,
    continuity.continuity_missing,
    codelists.iwmo_categories,
    money.budget_coverage,
    money.tender_weights,
    money.tender_participants,
    money.tender_regime,
    money.tender_example_bids,
    consent.consent_exceptions,
    terms.terms_within_the_law,
    mandates.mandates_without_members,
    hygiene.missing_sources,
)

STRICT_RULES: tuple[Rule, ...] = (*RULES, hygiene.illustrative_items)
"""What ``validate --strict`` runs: every rule, and a warning per illustrative item (made-up
data a municipality must replace), so that such a setup does not pass as ready."""

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def default_date(setup: MunicipalitySetup) -> date:
    """The date a setup is checked on unless told otherwise: its reference date, else today."""
    return setup.municipality.reference_date or date.today()


def validate(
    setup: MunicipalitySetup,
    on: date | None = None,
    issues: Sequence[MergeIssue] = (),
    rules: Sequence[Rule] = RULES,
) -> list[Finding]:
    """Every finding about ``setup`` on ``on``, errors first, then by location."""
    check = Check(setup, on or default_date(setup), tuple(issues))
    findings = [finding for rule in rules for finding in rule(check)]
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.location, f.code))


__all__ = ["RULES", "STRICT_RULES", "Check", "Finding", "Rule", "default_date", "validate"]
