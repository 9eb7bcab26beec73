"""Through the engine, on SQLite and PostgreSQL: every consent decision is recorded.

Over generated plans of consents (spoken and written, in any spelling), withdrawals and
disclosure requests (with and without a legal basis), under a policy that does or does not
require written consent, every decision ``CaseSession.disclose`` returns is stored as exactly one
disclosure row and one ``disclosure.decided`` audit entry with the same outcome, reason and
grant, and no permit reaches beyond the live consents or the meldrecht.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from case_helpers import Clock, actor, assessment
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample_town import SampleTown
from sqlmodel import Session, col, select

from wijkteamkit import Signal
from wijkteamkit.domain import ConsentPolicy
from wijkteamkit.domain.case import ConsentIn, HouseholdIn, PersonIn
from wijkteamkit.engine.casework import Casework
from wijkteamkit.engine.consent import Decision, Reason
from wijkteamkit.engine.errors import RuleViolation
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import AuditEntryRow, DisclosureRow
from wijkteamkit.testing import PluginHarness

DOMAINS = ["financien", "huisvesting", "justitie", "sociaal-netwerk"]
RECIPIENTS = [
    "regieteam",
    "Regieteam",
    "veilig-thuis",
    "Veilig-Thuis",
    "GGD",
    "ＧＧＤ",
    "straße-team",
]
PURPOSES = ["casework", "CaseWork", "melding"]
BASES = [None, None, "meldrecht-veilig-thuis", "Meldrecht-Veilig-Thuis", "convenant"]


def plain(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).strip().casefold())


class WrittenOnly:
    """A local layer: the national meldrecht exception, and written consent required."""

    def wijkteamkit_consent_policy(self) -> Any:
        return ConsentPolicy(exceptions=("meldrecht-veilig-thuis",), written_consent_required=True)


scopes = st.frozensets(st.sampled_from(DOMAINS), min_size=1)
steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("consent"),
            st.sampled_from(RECIPIENTS),
            scopes,
            st.sampled_from(["spoken", "written"]),
            st.sampled_from(PURPOSES),
        ),
        st.tuples(st.just("withdraw"), st.integers(0, 5)),
        st.tuples(
            st.just("disclose"),
            st.sampled_from(RECIPIENTS),
            scopes,
            st.sampled_from(BASES),
            st.sampled_from(PURPOSES),
        ),
    ),
    min_size=1,
    max_size=10,
)


@pytest.fixture
def caseworks(database_url: str) -> Iterator[dict[bool, Casework]]:
    """One database, two setups of one municipality: spoken consent allowed, and not."""
    engine = open_database(database_url)
    clock = Clock()
    result = {}
    for written in (False, True):
        harness = PluginHarness()
        harness.register(SampleTown())
        if written:
            harness.register(WrittenOnly(), layer="local")
        result[written] = Casework(engine, harness.load(), clock)
    yield result
    engine.dispose()


def _unwrap(result: Any, field: str) -> Any:
    """The value of a write operation, whether returned bare or in a result object."""
    return getattr(result, field, result)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps, written=st.booleans())
def test_every_decision_is_one_disclosure_row_and_one_audit_entry_with_its_outcome(
    caseworks: dict[bool, Casework], plan: list[tuple[Any, ...]], written: bool
) -> None:
    casework = caseworks[written]
    clock = casework.clock
    assert isinstance(clock, Clock)
    clock.advance(days=1)
    worker = casework.as_actor(actor())
    household, signal = worker.receive_signal(
        Signal(reporter="resident", received_at=clock.now),
        HouseholdIn(
            postcode="1234AB", members=(PersonIn(role="head", birth_date=date(1970, 1, 1)),)
        ),
    )
    worker.triage(signal, integral=True)
    worker.record_assessment(household, assessment())
    live: dict[int, tuple[str, frozenset[str], frozenset[str], str]] = {}
    given_ids: list[int] = []
    decisions: list[Decision] = []
    for step in plan:
        clock.advance(minutes=5)
        if step[0] == "consent":
            _, recipient, scope, form, purpose = step
            consent = ConsentIn(
                subject=household,
                purpose=purpose,
                recipients={recipient},
                scope=scope,
                valid_from=clock.now,
                form=form,
            )
            if "ß" in recipient or (written and form == "spoken"):
                with pytest.raises(RuleViolation):
                    worker.record_consent(consent)
                continue
            cid = _unwrap(worker.record_consent(consent), "consent")
            given_ids.append(cid)
            live[cid] = (plain(purpose), frozenset({plain(recipient)}), scope, form)
        elif step[0] == "withdraw" and given_ids:
            cid = given_ids[step[1] % len(given_ids)]
            worker.withdraw_consent(cid)
            live.pop(cid, None)
        elif step[0] == "disclose":
            _, recipient, scope, basis, purpose = step
            if "ß" in recipient:
                with pytest.raises(RuleViolation):
                    worker.disclose(household, recipient, purpose, sorted(scope), legal_basis=basis)
                continue
            decision = _unwrap(
                worker.disclose(household, recipient, purpose, sorted(scope), legal_basis=basis),
                "decision",
            )
            decisions.append(decision)
            _check_bounds(decision, live, plain(recipient), plain(purpose), scope, basis)
    _check_recorded(casework, household, decisions)


def _check_bounds(
    decision: Decision,
    live: dict[int, tuple[str, frozenset[str], frozenset[str], str]],
    recipient: str,
    purpose: str,
    scope: frozenset[str],
    basis: str | None,
) -> None:
    assert decision.granted <= scope
    if not decision.permitted:
        return
    if decision.reason is Reason.LEGAL_BASIS:
        assert basis is not None and plain(basis) == "meldrecht-veilig-thuis"
        assert recipient == "veilig-thuis"
        return
    allowed: set[str] = set()
    for p, recipients, granted, _form in live.values():
        if p == purpose and recipient in recipients:
            allowed |= granted
    assert decision.granted <= allowed


def _check_recorded(casework: Casework, household: int, decisions: list[Decision]) -> None:
    with Session(casework.engine) as db:
        rows = db.exec(
            select(DisclosureRow)
            .where(DisclosureRow.household_id == household)
            .order_by(col(DisclosureRow.id))
        ).all()
        audited = db.exec(
            select(AuditEntryRow)
            .where(
                AuditEntryRow.action == "disclosure.decided",
                AuditEntryRow.subject == household,
            )
            .order_by(col(AuditEntryRow.seq))
        ).all()
    expected = [(d.outcome, d.reason.value, sorted(d.granted)) for d in decisions]
    assert [(r.outcome, r.reason, sorted(r.granted)) for r in rows] == expected
    assert [(a.outcome, a.reason) for a in audited] == [(o, r) for o, r, _ in expected]
