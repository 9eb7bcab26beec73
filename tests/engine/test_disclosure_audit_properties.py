"""Through the engine: over random consents, withdrawals and requests, every decision is audited
and no permit reaches beyond an active consent or a legal basis."""

from __future__ import annotations

import tempfile
from functools import cache

from case_helpers import HOUSEHOLD, T0, Clock, actor, assessment, consent
from hypothesis import given, settings
from hypothesis import strategies as st
from sample_town import SampleTown
from sqlmodel import Session, select

from wijkteamkit import Signal
from wijkteamkit.engine.casework import Casework
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import AuditEntryRow
from wijkteamkit.testing import PluginHarness

DOMAINS = ["financien", "huisvesting", "justitie"]
RECIPIENTS = ["GGD", "regieteam", "veilig-thuis"]

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("consent"),
            st.sampled_from(RECIPIENTS),
            st.frozensets(st.sampled_from(DOMAINS), min_size=1),
        ),
        st.tuples(st.just("withdraw"), st.integers(0, 5), st.just(frozenset())),
        st.tuples(
            st.just("disclose"),
            st.sampled_from(RECIPIENTS),
            st.frozensets(st.sampled_from(DOMAINS), min_size=1),
        ),
        st.tuples(
            st.just("report"),
            st.sampled_from(RECIPIENTS),
            st.frozensets(st.sampled_from(DOMAINS), min_size=1),
        ),
    ),
    min_size=1,
    max_size=12,
)


@cache
def _casework() -> Casework:
    """One database for every example (each example works on a household of its own)."""
    harness = PluginHarness()
    harness.register(SampleTown())
    engine = open_database(f"sqlite:///{tempfile.mkdtemp(prefix='wtk-prop-')}/cases.db")
    return Casework(engine, harness.load(), Clock())


@settings(max_examples=40, deadline=None)
@given(plan=steps)
def test_every_decision_is_audited_and_none_is_wider_than_allowed(
    plan: list[tuple[str, str | int, frozenset[str]]],
) -> None:
    casework = _casework()
    clock = Clock()
    casework.clock = clock
    engine = casework.engine
    worker = casework.as_actor(actor())
    household, signal = worker.receive_signal(
        Signal(reporter="resident", received_at=T0), HOUSEHOLD
    )
    worker.triage(signal, integral=True)
    worker.record_assessment(household, assessment())
    given_ids: list[int] = []
    live: dict[int, tuple[str, frozenset[str]]] = {}
    decisions = 0
    for kind, who, scope in plan:
        clock.advance(hours=1)
        if kind == "consent":
            cid = worker.record_consent(
                consent(household, recipients={str(who)}, scope=scope, valid_from=clock.now)
            )
            given_ids.append(cid)
            live[cid] = (str(who), scope)
        elif kind == "withdraw" and given_ids:
            cid = given_ids[int(who) % len(given_ids)]
            worker.withdraw_consent(cid)
            live.pop(cid, None)
        elif kind in ("disclose", "report"):
            basis = "meldrecht-veilig-thuis" if kind == "report" else None
            clock.advance(seconds=1)
            decision = worker.disclose(
                household, str(who), "casework", sorted(scope), legal_basis=basis
            )
            decisions += 1
            assert decision.granted <= scope
            if decision.permitted and basis is None:
                allowed = set().union(*(s for r, s in live.values() if r == who)) if live else set()
                assert decision.granted <= allowed
            if decision.permitted and basis is not None:
                assert who == "veilig-thuis"
    with Session(engine) as db:
        audited = db.exec(
            select(AuditEntryRow).where(
                AuditEntryRow.action == "disclosure.decided", AuditEntryRow.subject == household
            )
        ).all()
    assert len(audited) == decisions
    assert all(entry.outcome in ("permit", "deny") and entry.reason for entry in audited)
