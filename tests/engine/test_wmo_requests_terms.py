"""Statutory terms: the national ones, their deadlines, and validation that a municipality's
term is no longer than the law's (no database)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from sample_town import SRC, SampleTown

from wijkteamkit import Remove, StatutoryTerm
from wijkteamkit.defaults.national import STATUTORY_TERMS
from wijkteamkit.domain.terms import RequestStep, TermState, deadlines_of
from wijkteamkit.testing import PluginHarness

INVESTIGATION, DECISION = STATUTORY_TERMS
ON = date(2016, 3, 1)


class Terms:
    """A local plugin supplying statutory terms."""

    def __init__(self, *terms: StatutoryTerm | Remove) -> None:
        self.terms = terms

    def wijkteamkit_statutory_terms(self) -> Any:
        return self.terms


def term(**fields: Any) -> StatutoryTerm:
    return StatutoryTerm.model_validate({**INVESTIGATION.model_dump(), "source": SRC, **fields})


def codes(*plugins: Any, on: date = ON) -> list[str]:
    harness = PluginHarness()
    harness.register(SampleTown())
    for plugin in plugins:
        harness.register(plugin, layer="local")
    return [f.code for f in harness.findings(on) if f.code.startswith("statutory-term")]


def test_the_national_terms_cite_the_wmo_2015_and_apply_from_2015() -> None:
    assert (INVESTIGATION.days, INVESTIGATION.article, INVESTIGATION.law) == (
        42,
        "art. 2.3.2",
        "wmo-2015",
    )
    assert (DECISION.days, DECISION.article) == (14, "art. 2.3.5")
    assert (DECISION.from_step, DECISION.to_step) == (RequestStep.APPLICATION, RequestStep.DECISION)
    for national in STATUTORY_TERMS:
        assert national.valid_from == date(2015, 1, 1)
        assert national.source is not None and national.source.document == "Wmo 2015"
        assert not national.source.illustrative
    loaded = PluginHarness()
    loaded.register(SampleTown())
    assert loaded.load().setup.statutory_terms == STATUTORY_TERMS


def test_a_term_runs_forward() -> None:
    with pytest.raises(ValidationError, match="runs forward"):
        StatutoryTerm(
            key="back", name="Back", from_step="decision", to_step="report", length=1, unit="days"
        )


def test_deadlines_by_state_and_only_under_a_term_in_force_when_it_started() -> None:
    terms = STATUTORY_TERMS
    steps: dict[RequestStep, date | None] = {RequestStep.REPORT: date(2016, 1, 4)}
    (overdue,) = deadlines_of(steps, terms, ON)
    assert (overdue.state, overdue.due, overdue.done) == (
        TermState.OVERDUE,
        date(2016, 2, 15),
        None,
    )
    assert deadlines_of(steps, terms, date(2016, 2, 8))[0].state is TermState.DUE_SOON
    assert deadlines_of(steps, terms, date(2016, 2, 7))[0].state is TermState.ON_TIME
    assert deadlines_of(steps, terms, date(2016, 2, 15))[0].state is TermState.DUE_SOON
    met = {**steps, RequestStep.INVESTIGATION: date(2016, 2, 15)}
    assert deadlines_of(met, terms, ON)[0].state is TermState.MET
    late = {**steps, RequestStep.INVESTIGATION: date(2016, 2, 16)}
    assert deadlines_of(late, terms, ON)[0].state is TermState.MET_LATE
    assert deadlines_of(late, terms, date(2016, 2, 15))[0].state is TermState.DUE_SOON
    assert deadlines_of({RequestStep.REPORT: date(2014, 12, 31)}, terms, ON) == ()
    assert deadlines_of({RequestStep.REPORT: date(2015, 1, 1)}, terms, ON)[0].due == date(
        2015, 2, 12
    )
    with pytest.raises(ValueError, match="within"):
        deadlines_of(steps, terms, ON, within=-1)


def test_a_shorter_term_is_a_promise_a_longer_one_is_an_error() -> None:
    assert codes() == []
    assert codes(Terms(term(length=4))) == []
    assert codes(Terms(term(length=30, unit="days"))) == []
    assert codes(Terms(term(length=43, unit="days"))) == ["statutory-term-longer"]
    assert codes(Terms(term(length=7))) == ["statutory-term-longer"]


def test_a_national_term_cannot_be_removed_ended_or_moved_to_other_steps() -> None:
    assert codes(Terms(Remove(remove="wmo-investigation"))) == ["statutory-term-missing"]
    assert codes(Terms(term(valid_to=date(2015, 12, 31)))) == ["statutory-term-missing"]
    moved = term(from_step="application", to_step="decision")
    assert codes(Terms(moved)) == ["statutory-term-missing"]
    assert codes(Terms(Remove(remove="wmo-investigation")), on=date(2014, 6, 1)) == []


def test_a_term_of_its_own_under_another_key_is_allowed() -> None:
    own = StatutoryTerm(
        key="teststad-first-visit",
        name="Kitchen-table visit within a week of the report",
        from_step="report",
        to_step="investigation",
        length=7,
        unit="days",
        source=SRC,
    )
    assert codes(Terms(own)) == []
    assert deadlines_of({RequestStep.REPORT: date(2016, 2, 1)}, (own,), ON)[0].due == date(
        2016, 2, 8
    )


def test_a_term_names_a_law_the_setup_knows() -> None:
    harness = PluginHarness()
    harness.register(SampleTown())
    harness.register(Terms(term(key="teststad-visit", law="wmo-2051")), layer="local")
    unknown = [f for f in harness.findings(ON) if f.code == "unknown-reference"]
    assert [f.location for f in unknown] == ["statutory_terms/teststad-visit"]
    assert "wmo-2051" in unknown[0].message
    assert codes(Terms(term(key="teststad-visit"))) == []
