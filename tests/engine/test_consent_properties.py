"""Property-based tests of the consent decision: never wider than consent or a legal basis allows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from wijkteamkit.domain import LegalBasis
from wijkteamkit.domain.case import Actor
from wijkteamkit.engine.consent import (
    Consent,
    DisclosurePolicy,
    DisclosureRequest,
    Withdrawal,
    decide,
)

DOMAINS = ["financien", "huisvesting", "justitie", "sociaal-netwerk", "geestelijke-gezondheid"]
RECIPIENTS = ["regieteam", "GGD", "team-centrum", "veilig-thuis", "huisarts"]
PURPOSES = ["casework", "melding", "onderzoek"]
EPOCH = datetime(2016, 1, 1, tzinfo=UTC)
ACTOR = Actor(
    id="anna", role="worker", municipality="GM0001", organisation="Welzijn", team="team-centrum"
)
MELDRECHT = LegalBasis(
    key="meldrecht",
    name="Meldrecht",
    allows_disclosure_without_consent=True,
    recipients=("domestic_violence_service",),
    valid_from=date(2015, 1, 1),
)
POLICY = DisclosurePolicy(
    exceptions={"meldrecht": MELDRECHT},
    recipient_kinds={"veilig-thuis": "domestic_violence_service", "regieteam": "multiproblem_team"},
)

moments = st.integers(min_value=0, max_value=400).map(lambda d: EPOCH + timedelta(days=d))
domain_sets = st.frozensets(st.sampled_from(DOMAINS), min_size=0, max_size=len(DOMAINS))


@st.composite
def consents(draw: st.DrawFn) -> list[Consent | Withdrawal]:
    records: list[Consent | Withdrawal] = []
    for index in range(draw(st.integers(0, 5))):
        start = draw(moments)
        length = draw(st.one_of(st.none(), st.integers(1, 200)))
        end = None if length is None else start + timedelta(days=length)
        records.append(
            Consent(
                id=index + 1,
                subject=draw(st.sampled_from([1, 2])),
                purpose=draw(st.sampled_from(PURPOSES)),
                recipients=draw(st.frozensets(st.sampled_from(RECIPIENTS), min_size=1)),
                scope=draw(st.frozensets(st.sampled_from(DOMAINS), min_size=1)),
                valid_from=start,
                valid_to=end,
                form="written",
                given_at=draw(moments),
            )
        )
    for consent in list(records):
        if draw(st.booleans()):
            assert isinstance(consent, Consent)
            records.append(Withdrawal(consent_id=consent.id, at=draw(moments)))
    return records


requests = st.builds(
    DisclosureRequest,
    subject=st.sampled_from([1, 2]),
    requester=st.just(ACTOR),
    recipient=st.sampled_from(RECIPIENTS),
    purpose=st.sampled_from(PURPOSES),
    scope=domain_sets,
    legal_basis=st.one_of(st.none(), st.just("meldrecht"), st.just("convenant")),
)


def active_scope(
    request: DisclosureRequest, records: list[Consent | Withdrawal], at: datetime
) -> set[str]:
    """Independently: the union of scopes of consents that cover this request at ``at``."""
    withdrawn = {
        r.consent_id: r.at
        for r in sorted(
            records, key=lambda r: r.at if isinstance(r, Withdrawal) else at, reverse=True
        )
        if isinstance(r, Withdrawal)
    }
    covered: set[str] = set()
    for record in records:
        if not isinstance(record, Consent) or record.subject != request.subject:
            continue
        if (
            record.id in withdrawn
            and min(
                w.at for w in records if isinstance(w, Withdrawal) and w.consent_id == record.id
            )
            <= at
        ):
            continue
        if not (
            record.given_at <= at
            and record.valid_from <= at
            and (record.valid_to is None or at < record.valid_to)
        ):
            continue
        if record.purpose.casefold() != request.purpose.casefold():
            continue
        if request.recipient.casefold() not in {r.casefold() for r in record.recipients}:
            continue
        covered |= record.scope
    return covered


@settings(max_examples=400, deadline=None)
@given(request=requests, records=consents(), at=moments)
def test_never_permits_outside_an_active_consent_or_a_legal_basis(
    request: DisclosureRequest, records: list[Consent | Withdrawal], at: datetime
) -> None:
    decision = decide(request, records, POLICY, at)
    assert decision.granted <= request.scope, "never wider than what was asked"
    if not decision.permitted:
        assert decision.granted == frozenset()
        return
    assert decision.granted, "a permit grants something"
    if request.legal_basis is not None:
        assert request.legal_basis == "meldrecht" and request.recipient == "veilig-thuis"
        assert decision.basis == "legal_basis:meldrecht"
    else:
        assert decision.granted <= active_scope(request, records, at), (
            "never wider than active consent"
        )


@settings(max_examples=200, deadline=None)
@given(request=requests, records=consents(), at=moments)
def test_decide_is_pure_and_deterministic(
    request: DisclosureRequest, records: list[Consent | Withdrawal], at: datetime
) -> None:
    assert decide(request, records, POLICY, at) == decide(
        request, list(reversed(records)), POLICY, at
    )


@settings(max_examples=200, deadline=None)
@given(
    request=requests.filter(lambda r: r.legal_basis is None and bool(r.scope)),
    records=consents(),
    at=moments,
)
def test_a_withdrawal_before_the_moment_removes_that_consent(
    request: DisclosureRequest, records: list[Consent | Withdrawal], at: datetime
) -> None:
    withdrawn_all = records + [
        Withdrawal(consent_id=r.id, at=at) for r in records if isinstance(r, Consent)
    ]
    assert not decide(request, withdrawn_all, POLICY, at).permitted
