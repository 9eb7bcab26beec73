"""Property: whatever the rules, scores, indicators and batching, the batch path proposes what
one assessment at a time proposes (the same targets after each assessment, the same rows)."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from batch_a_helpers import batch, rows, triaged
from case_helpers import T0, actor
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sample_town import SRC, SampleTown
from sqlmodel import Session, col, select

from wijkteamkit import EscalationRule
from wijkteamkit.domain.case import AssessmentIn
from wijkteamkit.engine.assessments import AssessmentOps
from wijkteamkit.engine.casework import Casework
from wijkteamkit.store.tables import EscalationRow
from wijkteamkit.testing import PluginHarness

DOMAINS = ("financien", "huisvesting", "sociaal-netwerk", "lichamelijke-gezondheid", "justitie")
INDICATORS = ("domestic-violence", "child-abuse", "severe-psychiatric")
TARGETS = ("regieteam", "veilig-thuis", "ketenzorg")

conditions = st.one_of(
    st.builds(
        lambda n, at_most: {"kind": "problem_domains", "min_count": n, "at_most": at_most},
        st.integers(1, 4),
        st.integers(1, 3),
    ),
    st.builds(
        lambda domain, at_most: {"kind": "domain_score", "domain": domain, "at_most": at_most},
        st.sampled_from(DOMAINS),
        st.integers(1, 3),
    ),
    st.builds(lambda i: {"kind": "flagged", "indicator": i}, st.sampled_from(INDICATORS)),
)
rules = st.lists(
    st.tuples(conditions, st.sampled_from(TARGETS), st.integers(0, 3)), min_size=1, max_size=5
)
indicators = st.frozensets(st.sampled_from(INDICATORS), max_size=2)
scores = st.dictionaries(
    st.sampled_from(DOMAINS), st.sampled_from((1, 1, 2, 2, 3, 4, 5)), min_size=1
)
steps = st.lists(st.tuples(st.integers(0, 3), scores, indicators), min_size=2, max_size=10)
"""Assessments in order: (household index, scores, indicators)."""


def _casework(engine: Any, clock: Any, made: list[tuple[Any, str, int]]) -> Casework:
    harness = PluginHarness()
    harness.register(
        SampleTown(
            escalation_rules=[
                EscalationRule(
                    key=f"rule-{n}",
                    name=f"Rule {n}",
                    when=when,
                    target=target,
                    priority=priority,
                    source=SRC,
                )
                for n, (when, target, priority) in enumerate(made)
            ]
        )
    )
    return Casework(engine, harness.load(), clock)


def _targets(casework: Casework, escalations: tuple[int, ...]) -> list[str]:
    with Session(casework.engine) as db:
        found = dict(
            db.exec(
                select(EscalationRow.id, EscalationRow.target).where(
                    col(EscalationRow.id).in_(escalations)
                )
            ).all()
        )
    return [found[e] for e in escalations]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    made=rules,
    flagged=st.lists(indicators, min_size=4, max_size=4),
    plan=steps,
    cuts=st.sets(st.integers(1, 9)),
)
def test_a_batch_proposes_what_one_at_a_time_proposes(
    casework: Casework,
    made: list[tuple[Any, str, int]],
    flagged: list[frozenset[str]],
    plan: list[tuple[int, dict[str, int], frozenset[str]]],
    cuts: set[int],
) -> None:
    here = _casework(casework.engine, casework.clock, made)
    worker = here.as_actor(actor())
    alone = [triaged(worker, f) for f in flagged]
    batched = [triaged(worker, f) for f in flagged]
    inputs = [(n, AssessmentIn(scores=s, indicators=i, held_at=T0)) for n, s, i in plan]
    one = [_targets(here, worker.record_assessment(alone[n], a).proposed) for n, a in inputs]
    many: list[list[str]] = []
    bounds = [0, *sorted(c for c in cuts if c < len(inputs)), len(inputs)]
    for start, end in pairwise(bounds):
        with batch(worker) as tx:
            results = AssessmentOps(worker.context).record_assessments_in(
                tx, [(batched[n], a) for n, a in inputs[start:end]]
            )
        many += [_targets(here, r.proposed) for r in results]
    event(f"proposals made: {sum(map(len, one)) > 0}, batches: {len(bounds) - 1}")
    assert many == one
    assert [rows(here, h) for h in batched] == [rows(here, h) for h in alone]
