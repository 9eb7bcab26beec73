"""Property tests of the consent decision against a plainly written oracle.

Over 10,000 generated scenarios in all (policies with written consent required or not, legal
bases in and out of force and of the policy, withdrawals, periods, time zones, Unicode and case
variants of recipients, purposes and keys), ``decide()`` never permits outside
(consented ∩ policy ∩ requested) or a legal basis that covers the request, and agrees with the
oracle below on every outcome and grant. The oracle is written for reading, not for speed: it
folds with ``unicodedata`` and ``str.casefold`` directly and repeats the rules of
docs/casework.md in the plainest Python.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from wijkteamkit.domain import LegalBasis
from wijkteamkit.domain.case import Actor
from wijkteamkit.engine.consent import (
    Consent,
    Decision,
    DisclosurePolicy,
    DisclosureRequest,
    Reason,
    Withdrawal,
    decide,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DOMAINS = ["financien", "huisvesting", "justitie", "sociaal-netwerk", "geestelijke-gezondheid"]
TARGETS = {
    "veilig-thuis": "domestic_violence_service",
    "regieteam": "multiproblem_team",
    "veiligheidshuis": "safety_house",
    "fact": "mental_health_team",
}
RECIPIENTS = [
    *TARGETS,
    "ggd",
    "team-centrum",
    "huisarts",
    "strasse-team",
    "domestic_violence_service",  # free text spelt like a kind
    "safety_house",
]
PURPOSES = ["casework", "melding", "onderzoek"]
BASES = {
    "meldrecht-veilig-thuis": LegalBasis(
        key="meldrecht-veilig-thuis",
        name="Meldrecht",
        allows_disclosure_without_consent=True,
        recipients=("domestic_violence_service",),
        valid_from=date(2015, 1, 1),
    ),
    "convenant": LegalBasis(
        key="convenant",
        name="Covenant",
        allows_disclosure_without_consent=True,
        recipients=("safety_house", "Strasse-Team", "GGD"),
        valid_from=date(2015, 6, 1),
        valid_to=date(2015, 6, 30),
    ),
    "regie-convenant": LegalBasis(
        key="regie-convenant",
        name="Regie covenant",
        allows_disclosure_without_consent=True,
        recipients=("regieteam",),
    ),
}
BASIS_KEYS = [*BASES, "basisontwerp-directe-opschaling"]  # the last is in no policy
ACTOR = Actor(id="w1", role="worker", municipality="GM0001", organisation="Welzijn", team="t")
START = datetime(2014, 12, 1, tzinfo=UTC)
ZONES = [UTC, AMSTERDAM, timezone(timedelta(hours=-10)), timezone(timedelta(hours=13))]

# --- the oracle ------------------------------------------------------------------------------


def plain(text: str) -> str:
    """NFKC, then case-folded (then NFKC again, as case-folding may denormalise)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).strip().casefold())


def refusable(text: str) -> bool:
    """Text in which case-folding merges letters that lower-casing keeps apart (ß -> ss)."""
    compat = unicodedata.normalize("NFKC", text)
    return any(ch.casefold() != ch.lower() for ch in compat)


@dataclass(frozen=True)
class Scenario:
    subject: int
    recipient: str
    purpose: str
    scope: frozenset[str]
    legal_basis: str | None
    records: list[Consent | Withdrawal]
    exceptions: frozenset[str]
    written_required: bool
    at: datetime


def consented(s: Scenario) -> set[str]:
    """What the resident's consents allow for this request at this moment."""
    allowed: set[str] = set()
    for c in s.records:
        if not isinstance(c, Consent) or c.subject != s.subject:
            continue
        if any(
            isinstance(w, Withdrawal) and w.consent_id == c.id and w.at <= s.at for w in s.records
        ):
            continue
        if not (c.given_at <= s.at and c.valid_from <= s.at):
            continue
        if c.valid_to is not None and not s.at < c.valid_to:
            continue
        if plain(c.purpose) != plain(s.purpose):
            continue
        if plain(s.recipient) not in {plain(r) for r in c.recipients}:
            continue
        if s.written_required and c.form != "written":
            continue
        allowed |= {plain(d) for d in c.scope}
    return allowed & {plain(d) for d in s.scope}


def basis_applies(s: Scenario) -> bool:
    """Whether the named legal basis is an exception in force that covers the recipient."""
    if s.legal_basis is None or plain(s.legal_basis) not in s.exceptions:
        return False
    basis = BASES[plain(s.legal_basis)]
    today = s.at.astimezone(AMSTERDAM).date()
    if basis.valid_from is not None and today < basis.valid_from:
        return False
    if basis.valid_to is not None and today > basis.valid_to:
        return False
    recipient = plain(s.recipient)
    kinds = {"domestic_violence_service", "safety_house", "multiproblem_team", "mental_health_team"}
    named = {plain(r) for r in basis.recipients}
    if recipient in named - kinds:
        return True
    return recipient in TARGETS and TARGETS[recipient] in named


def expected(s: Scenario) -> tuple[str, frozenset[str]]:
    """The outcome and grant the rules ask for."""
    asked = frozenset(plain(d) for d in s.scope)
    if not asked:
        return "deny", frozenset()
    by_consent = frozenset(consented(s))
    if by_consent == asked or basis_applies(s):
        return "permit", asked
    if by_consent:
        return "permit", by_consent
    return "deny", frozenset()


# --- strategies ------------------------------------------------------------------------------
# Hypothesis draws a seed and a few shapes; a seeded ``random.Random`` fills in the details, which
# keeps 10,000 scenarios fast and spreads them evenly. Most requests are aimed at one of the
# consents (its subject, purpose, a recipient, a moment in its period), so that permits, partial
# permits and near misses are all common.

FULLWIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
DAY = timedelta(days=1)
SPAN = timedelta(days=400)


def spell(base: str, rng: random.Random) -> str:
    """``base`` in another case, in full-width forms, with spaces around: the same after folding."""
    text = "".join(c.upper() if rng.random() < 0.5 else c for c in base)
    if rng.random() < 0.2:
        text = text.translate(FULLWIDTH)
    return rng.choice(["", " ", "\u00a0"]) + text + rng.choice(["", " "])


def some(choices: list[str], rng: random.Random, least: int = 1) -> list[str]:
    return rng.sample(choices, rng.randint(least, len(choices)))


def instant(rng: random.Random, after: datetime = START, within: timedelta = SPAN) -> datetime:
    """A moment in ``[after, after + within)`` to the minute, in one of several time zones."""
    minutes = rng.randrange(max(1, int(within.total_seconds() // 60)))
    return (after + timedelta(minutes=minutes)).astimezone(rng.choice(ZONES))


def build_records(count: int, rng: random.Random) -> list[Consent | Withdrawal]:
    """``count`` consents (some spoken, some ended, some given late) and a few withdrawals."""
    consents: list[Consent | Withdrawal] = []
    withdrawals: list[Consent | Withdrawal] = []
    for index in range(1, count + 1):
        start = instant(rng)
        given = start - rng.randrange(30) * DAY if rng.random() < 0.8 else instant(rng)
        consents.append(
            Consent(
                id=index,
                subject=rng.randint(1, 2),
                purpose=spell(rng.choice(PURPOSES), rng),
                recipients=frozenset(spell(r, rng) for r in some(RECIPIENTS[:], rng)[:3]),
                scope=frozenset(spell(d, rng) for d in some(DOMAINS, rng)),
                valid_from=start,
                valid_to=None if rng.random() < 0.3 else instant(rng, start, 200 * DAY) + DAY,
                form=rng.choice(["spoken", "written"]),
                given_at=given,
            )
        )
        for _ in range(rng.choice([0, 0, 0, 0, 1, 1, 2])):
            withdrawals.append(Withdrawal(consent_id=index, at=instant(rng)))
    return consents + withdrawals


def scenario(
    rng: random.Random, written: bool | None = None, bases: list[str | None] | None = None
) -> Scenario:
    """One scenario, all of it from ``rng``."""
    records = build_records(rng.choice([0, 1, 2, 2, 3, 3, 4, 5]), rng)
    consents = [r for r in records if isinstance(r, Consent)]
    aim = rng.choice(consents) if consents and rng.random() < 0.75 else None
    if aim is None:
        subject, recipient, purpose = (
            rng.randint(1, 2),
            rng.choice(RECIPIENTS),
            rng.choice(PURPOSES),
        )
        moment = instant(rng)
    else:
        subject, purpose = aim.subject, aim.purpose
        recipient = rng.choice(sorted(aim.recipients))
        end = aim.valid_to or aim.valid_from + SPAN
        moment = instant(rng, aim.valid_from, end - aim.valid_from)
    basis = rng.choice(bases or [*[None] * 6, *BASIS_KEYS])
    return Scenario(
        subject=subject,
        recipient=spell(recipient, rng),
        purpose=spell(purpose, rng),
        scope=frozenset(spell(d, rng) for d in some(DOMAINS, rng)),
        legal_basis=None if basis is None else spell(basis, rng),
        records=records,
        exceptions=frozenset(b for b in BASES if rng.random() < 0.6),
        written_required=rng.random() < 0.5 if written is None else written,
        at=moment,
    )


@st.composite
def scenarios(
    draw: st.DrawFn,
    written: bool | None = None,
    at: st.SearchStrategy[datetime] | None = None,
    bases: list[str | None] | None = None,
) -> Scenario:
    s = scenario(random.Random(draw(st.integers(0, 2**64))), written, bases)
    return s if at is None else Scenario(**{**s.__dict__, "at": draw(at)})


def run(s: Scenario) -> Decision:
    request = DisclosureRequest(
        subject=s.subject,
        requester=ACTOR,
        recipient=s.recipient,
        purpose=s.purpose,
        scope=s.scope,
        legal_basis=s.legal_basis,
    )
    policy = DisclosurePolicy(
        exceptions={key: BASES[key] for key in s.exceptions},
        recipient_kinds=TARGETS,
        written_required=s.written_required,
    )
    return decide(request, s.records, policy, s.at)


def check(s: Scenario, decision: Decision) -> None:
    """The safety property first, then exact agreement with the oracle."""
    asked = frozenset(plain(d) for d in s.scope)
    assert decision.granted <= asked, "never wider than what was asked"
    if decision.permitted:
        assert decision.granted, "a permit grants something"
        if decision.reason is Reason.LEGAL_BASIS:
            assert basis_applies(s), "a legal basis permits only when it covers the request"
        else:
            assert decision.granted <= consented(s), "never wider than consented ∩ requested"
    else:
        assert decision.granted == frozenset()
    assert (decision.outcome, decision.granted) == expected(s)
    message = decision.explain()
    assert "\n" not in message and message.startswith(
        "refused: " if not decision.permitted else "permitted"
    )
    if not decision.permitted:
        assert decision.consent_gap is not None and "legal basis" in message
        if decision.basis_gap is not None:
            assert repr(decision.legal_basis) in message
    if s.legal_basis is None:
        assert plain(s.recipient) not in message and plain(s.purpose) not in message


def test_the_scenarios_reach_every_reason() -> None:
    """A guard on the generator: permits, partial permits and every kind of refusal occur."""
    seen = {run(scenario(random.Random(seed))).reason for seed in range(600)}
    assert seen >= set(Reason) - {Reason.EMPTY_REQUEST}


# --- properties: 4,000 + 2,000 + 2,000 + 1,500 + 500 + 500 + 1,000 = 11,500 examples -----------


@settings(max_examples=4000, deadline=None)
@given(s=scenarios())
def test_decisions_agree_with_the_oracle(s: Scenario) -> None:
    check(s, run(s))


@settings(max_examples=2000, deadline=None)
@given(s=scenarios(written=True))
def test_spoken_consent_permits_nothing_when_written_consent_is_required(s: Scenario) -> None:
    decision = run(s)
    check(s, decision)
    if decision.basis and decision.basis.startswith("consent:"):
        used = {int(i) for i in decision.basis.removeprefix("consent:").split(",")}
        forms = {r.id: r.form for r in s.records if isinstance(r, Consent)}
        assert {forms[i] for i in used} == {"written"}


@settings(max_examples=2000, deadline=None)
@given(s=scenarios(), data=st.data())
def test_spelling_variants_decide_like_the_plain_spelling(s: Scenario, data: st.DataObject) -> None:
    plain_request = Scenario(
        **{
            **s.__dict__,
            "recipient": plain(s.recipient),
            "purpose": plain(s.purpose),
            "scope": frozenset(plain(d) for d in s.scope),
            "legal_basis": None if s.legal_basis is None else plain(s.legal_basis),
        }
    )
    assert run(s).model_dump() == run(plain_request).model_dump()
    sharp = data.draw(st.sampled_from(["straße-team", "STRAẞE-TEAM", "Straße-Team "]))
    try:
        run(Scenario(**{**s.__dict__, "recipient": sharp}))
    except ValidationError:
        assert refusable(sharp)
    else:  # pragma: no cover - a refusal is the rule
        raise AssertionError("a recipient with a letter that folds into others was accepted")


near_new_year = st.builds(
    lambda minutes, zone: (
        datetime(2015, 1, 1, tzinfo=AMSTERDAM) + timedelta(minutes=minutes)
    ).astimezone(zone),
    st.integers(-180, 180),
    st.sampled_from(ZONES),
)
near_june = st.builds(
    lambda day, minutes, zone: (
        datetime(2015, 6, 1, tzinfo=AMSTERDAM) + timedelta(days=day, minutes=minutes)
    ).astimezone(zone),
    st.sampled_from([0, 30]),
    st.integers(-180, 180),
    st.sampled_from(ZONES),
)


@settings(max_examples=1500, deadline=None)
@given(
    s=scenarios(
        at=st.one_of(near_new_year, near_june),
        bases=["meldrecht-veilig-thuis", "convenant"],
    )
)
def test_a_legal_basis_applies_on_its_local_dates_in_amsterdam(s: Scenario) -> None:
    decision = run(s)
    check(s, decision)
    if decision.basis_gap is Reason.BASIS_NOT_IN_FORCE:
        basis = BASES[plain(s.legal_basis or "")]
        assert not basis.contains(s.at.astimezone(AMSTERDAM).date())


@settings(max_examples=500, deadline=None)
@given(s=scenarios(bases=[None]))
def test_a_withdrawal_at_or_before_the_moment_removes_every_consent(s: Scenario) -> None:
    withdrawn = s.records + [
        Withdrawal(consent_id=r.id, at=s.at) for r in s.records if isinstance(r, Consent)
    ]
    assert not run(Scenario(**{**s.__dict__, "records": withdrawn})).permitted


@settings(max_examples=500, deadline=None)
@given(s=scenarios())
def test_decide_does_not_depend_on_the_order_of_records(s: Scenario) -> None:
    assert run(s) == run(Scenario(**{**s.__dict__, "records": list(reversed(s.records))}))


@settings(max_examples=1000, deadline=None)
@given(text=st.text(min_size=1, max_size=20))
def test_folding_is_idempotent_and_refuses_exactly_the_merging_letters(text: str) -> None:
    from wijkteamkit.domain.consent import fold

    compat = unicodedata.normalize("NFKC", text).strip()
    try:
        folded = fold(text)
    except ValueError:
        assert not compat or refusable(text) or any(unicodedata.category(c) == "Cc" for c in compat)
        return
    assert folded == plain(text) and fold(folded) == folded
