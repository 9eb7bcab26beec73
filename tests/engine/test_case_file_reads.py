"""A read is a disclosure: every field of a case file, for every combination of granted domains.

The case built here puts a marker in every part of the file that says which life domains it is
about (``note:financien``); the oracle is those markers, not the tags the code uses, so a field
tagged wrongly or not at all fails here.
"""

from __future__ import annotations

import itertools
import typing
from datetime import date
from typing import Any

import pytest
from case_helpers import T0, Clock, actor, consent
from pydantic import BaseModel

from wijkteamkit import Signal
from wijkteamkit.domain.case import AssessmentIn, HouseholdIn, PersonIn, PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied, ConsentRequired, RuleViolation
from wijkteamkit.engine.redaction import redact, tag_of
from wijkteamkit.engine.views import CaseFile, SubjectExport

DOMAINS = (
    "financien",
    "huisvesting",
    "justitie",
    "sociaal-netwerk",
    "huiselijke-relaties",
    "lichamelijke-gezondheid",
)
"""The domains the case below touches; every subset of them is tried."""

BSN = "111222333"
SUMMARY = "summary:everything"
NAME = "name:everything"


def _household() -> HouseholdIn:
    return HouseholdIn(
        postcode="1234 AB",
        members=(PersonIn(role="head", birth_date=date(1970, 5, 1), bsn=BSN, name=NAME),),
    )


def _plan() -> PlanIn:
    return PlanIn.model_validate(
        {
            "goals": [{"domain": d, "goal": f"goal:{d}"} for d in ("financien", "huisvesting")],
            "actions": [
                {
                    "description": "action:justitie",
                    "domain": "justitie",
                    "actor": "self",
                    "rung": "own_strength",
                },
                {
                    "description": "action:huisvesting",
                    "domain": "huisvesting",
                    "actor": "professional",
                    "rung": "maatwerkvoorziening",
                    "provision": "begeleiding",
                },
            ],
            "ladder_considerations": {
                rung: "justification:huisvesting"
                for rung in ("own_strength", "network", "algemene_voorziening")
            },
        }
    )


def build_case(casework: Casework, director: CaseSession, leader: CaseSession) -> int:
    """A case with every part filled: signal, assessment, plan, a transfer and a referral."""
    household, signal = director.receive_signal(
        Signal(
            reporter="police",
            received_at=T0,
            summary=SUMMARY,
            indicators=frozenset({"domestic-violence"}),
        ),
        _household(),
    )
    director.triage(signal, integral=True)
    proposed = director.record_assessment(
        household,
        AssessmentIn(
            scores={
                "financien": 1,
                "huisvesting": 2,
                "justitie": 2,
                "sociaal-netwerk": 4,
                "lichamelijke-gezondheid": 1,
            },
            indicators=frozenset({"domestic-violence"}),
            network=("network:sociaal-netwerk",),
            informal_carers=("carer:sociaal-netwerk",),
            notes={d: f"note:{d}" for d in ("financien", "huisvesting", "justitie")},
            held_at=T0,
        ),
    ).proposed
    everything = frozenset(d.key for d in casework.setup.life_domains)
    director.record_consent(
        consent(household, recipients={"regieteam", "ketenzorg"}, scope=everything)
    )
    director.draft_plan(household, _plan(), case_director="anna")
    targets = {e.id: e.target for e in director.read_case(household).escalations}
    for escalation in proposed:  # one transfer (the regieteam) and the referral; veilig-thuis
        if targets[escalation] != "veilig-thuis":  # stays a proposal
            leader.confirm_escalation(escalation, "r-0001", "Ontvanger")
    return household


def _strings(value: Any) -> set[str]:
    """Every string (and mapping key) anywhere in a dumped model."""
    found: set[str] = set()
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, dict):
        for key, inner in value.items():
            found.add(str(key))
            found |= _strings(inner)
    elif isinstance(value, list | tuple | set | frozenset):
        for inner in value:
            found |= _strings(inner)
    return found


def _markers(file: CaseFile) -> dict[str, frozenset[str] | None]:
    """Marker -> the domains it is about (``None``: only for those who may see everything)."""
    strings = _strings(file.model_dump(mode="json"))
    markers: dict[str, frozenset[str] | None] = {}
    for text in strings:
        kind, _, domain = text.partition(":")
        if kind in {"note", "goal", "action", "justification"} and domain in DOMAINS:
            markers[text] = frozenset({domain})
        elif kind in {"network", "carer"} and domain:
            markers[text] = frozenset({"sociaal-netwerk"})
        elif text in {SUMMARY, NAME, BSN, "1234AB", "police"}:
            markers[text] = None
    return markers


def _check(full: CaseFile, seen: CaseFile, granted: frozenset[str]) -> None:
    """Nothing in ``seen`` outside ``granted``, and everything inside it."""
    present = _strings(seen.model_dump(mode="json"))
    for marker, about in _markers(full).items():
        allowed = about is not None and about <= granted
        assert (marker in present) == allowed, (marker, sorted(granted))
    for assessment in seen.assessments:
        assert set(assessment.scores) <= granted
        assert {i.key for i in assessment.indicators} <= (
            {"domestic-violence"} if "huiselijke-relaties" in granted else set()
        )
    assert {s.key for signal in seen.signals for s in signal.indicators} <= (
        {"domestic-violence"} if "huiselijke-relaties" in granted else set()
    )
    about = {"ketenzorg": "lichamelijke-gezondheid", "veilig-thuis": "huiselijke-relaties"}
    expected = {target for target, domain in about.items() if domain in granted}
    assert {e.target for e in seen.escalations} == expected  # the regieteam's rule: every domain
    for plan in seen.plans:  # the lead moved to the regieteam: that reveals the escalation
        assert plan.lead is None
    assert seen.members == () and seen.consents == () and seen.household.postcode is None


def test_every_field_of_every_read_model_carries_a_disclosure_tag() -> None:
    seen: set[type[BaseModel]] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            tag_of(model, name)  # raises when missing
            for inner in _models_in(info.annotation):
                walk(inner)

    walk(CaseFile)
    walk(SubjectExport)
    assert len(seen) >= 10


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def test_every_domain_combination_of_a_read_through_the_engine(
    casework: Casework, clock: Clock
) -> None:
    director = casework.as_actor(actor("worker", "anna"))
    leader = casework.as_actor(actor("team_leader", "lars"))
    colleague = casework.as_actor(actor("worker", "olga"))
    household = build_case(casework, director, leader)
    full = director.read_case(household)
    assert full.granted is None and {NAME, SUMMARY} <= _strings(full.model_dump(mode="json"))
    assert full.plans[0].lead is not None and full.plans[0].lead.party == "regieteam"
    universe = frozenset(d.key for d in casework.setup.life_domains)
    subsets = [
        frozenset(c) for n in range(1, len(DOMAINS) + 1) for c in itertools.combinations(DOMAINS, n)
    ]
    for granted in subsets:  # every combination, the pure redaction
        _check(full, redact(full, granted, universe), granted)
    for granted in subsets[:: max(1, len(subsets) // 12)]:  # a spread of them through the engine
        clock.advance(minutes=1)
        given = director.record_consent(
            consent(household, recipients={"team-centrum"}, scope=granted)
        )
        clock.advance(minutes=1)
        seen = colleague.read_case(household)
        assert seen.granted == granted
        _check(full, seen, granted)
        director.withdraw_consent(given)
    clock.advance(minutes=1)
    with pytest.raises(ConsentRequired, match="may not read"):
        colleague.read_case(household)


def test_a_read_granted_everything_still_withholds_nothing_but_what_it_should(
    casework: Casework, clock: Clock
) -> None:
    director = casework.as_actor(actor("worker", "anna"))
    leader = casework.as_actor(actor("team_leader", "lars"))
    household = build_case(casework, director, leader)
    universe = frozenset(d.key for d in casework.setup.life_domains)
    director.record_consent(consent(household, recipients={"team-centrum"}, scope=universe))
    clock.advance(minutes=1)
    seen = casework.as_actor(actor("worker", "olga")).read_case(household)
    assert seen.granted == universe
    assert seen.members and seen.members[0].bsn == BSN and seen.plans[0].lead is not None


def test_the_same_id_in_another_team_is_not_the_case_director(casework: Casework) -> None:
    director = casework.as_actor(actor("worker", "anna"))
    leader = casework.as_actor(actor("team_leader", "lars"))
    household = build_case(casework, director, leader)
    impostor = CaseSession(casework, actor("worker", "anna", team="team-elders"))
    with pytest.raises(ConsentRequired, match="recipient_not_covered"):
        impostor.read_case(household)
    with pytest.raises(AccessDenied, match=r"\[team\]"):
        impostor.export_subject(household)


def test_the_export_goes_to_the_resident_or_on_their_recorded_request(
    casework: Casework,
) -> None:
    director = casework.as_actor(actor("worker", "anna"))
    leader = casework.as_actor(actor("team_leader", "lars"))
    household = build_case(casework, director, leader)
    with pytest.raises(AccessDenied, match=r"\[access-request\]"):
        leader.export_subject(household)
    for bad in ("", "  ", "letter\x00", "x" * 41):
        with pytest.raises(RuleViolation, match=r"\[access-request\] say how"):
            director.record_access_request(household, bad)
    request = director.record_access_request(household, "letter")
    export = leader.export_subject(household, request=request)
    assert export.case_file.members[0].bsn == BSN
    assert export.audit[-1].action == "subject.exported"
    with pytest.raises(AccessDenied, match=r"\[access-request\]"):  # served once
        leader.export_subject(household, request=request)
    resident = casework.as_actor(actor("resident", "bewoner-1", team=None, household=household))
    assert resident.export_subject(household).case_file.granted is None
    refusals = [e for e in export.audit if e.action == "access.refused"]
    assert refusals and all(e.reason == "access-request" for e in refusals)


def test_role_refusals_are_audited(casework: Casework) -> None:
    director = casework.as_actor(actor("worker", "anna"))
    leader = casework.as_actor(actor("team_leader", "lars"))
    household = build_case(casework, director, leader)
    auditor = casework.as_actor(actor("auditor", "aud-1", team=None))
    with pytest.raises(AccessDenied, match=r"\[role\]"):
        auditor.read_case(household)
    with pytest.raises(AccessDenied, match=r"\[role\]"):
        director.erase_household(household)  # a worker may not erase
    request = director.record_access_request(household, "counter")
    actions = [
        (e.action, e.reason)
        for e in leader.export_subject(household, request=request).audit
        if e.action == "access.refused"
    ]
    assert actions == [("access.refused", "role"), ("access.refused", "role")]
