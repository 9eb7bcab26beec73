"""The consent decision, rule by rule: each with a case that refuses and one that permits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from wijkteamkit.domain import LegalBasis
from wijkteamkit.domain.case import Actor
from wijkteamkit.domain.consent import fold
from wijkteamkit.engine.consent import (
    Consent,
    Decision,
    DisclosurePolicy,
    DisclosureRequest,
    Reason,
    Withdrawal,
    decide,
)

AT = datetime(2016, 3, 1, 9, 0, tzinfo=UTC)
ACTOR = Actor(id="w1", role="worker", municipality="GM0001", organisation="Welzijn", team="t")
MELDRECHT = LegalBasis(
    key="meldrecht-veilig-thuis",
    name="Meldrecht",
    allows_disclosure_without_consent=True,
    recipients=("domestic_violence_service",),
    valid_from=date(2015, 1, 1),
)
CONVENANT = LegalBasis(
    key="convenant",
    name="Covenant",
    allows_disclosure_without_consent=True,
    recipients=("STRASSE-Team", "safety_house"),
)
KINDS = {"veilig-thuis": "domestic_violence_service", "fact": "mental_health_team"}
POLICY = DisclosurePolicy(
    exceptions={"meldrecht-veilig-thuis": MELDRECHT, "convenant": CONVENANT},
    recipient_kinds=KINDS,
)
WRITTEN = POLICY.model_copy(update={"written_required": True})


def consent(
    cid: int = 1,
    recipients: frozenset[str] = frozenset({"fact"}),
    scope: frozenset[str] = frozenset({"financien", "huisvesting"}),
    **fields: object,
) -> Consent:
    base: dict[str, object] = {
        "id": cid,
        "subject": 1,
        "purpose": "casework",
        "recipients": recipients,
        "scope": scope,
        "valid_from": AT - timedelta(days=1),
        "form": "written",
        "given_at": AT - timedelta(days=1),
    }
    return Consent.model_validate({**base, **fields})


def request(
    recipient: str = "fact",
    scope: frozenset[str] = frozenset({"financien"}),
    legal_basis: str | None = None,
    purpose: str = "casework",
) -> DisclosureRequest:
    return DisclosureRequest(
        subject=1,
        requester=ACTOR,
        recipient=recipient,
        purpose=purpose,
        scope=scope,
        legal_basis=legal_basis,
    )


# --- written consent -------------------------------------------------------------------------


def test_spoken_consent_permits_when_the_policy_allows_it() -> None:
    decision = decide(request(), [consent(form="spoken")], POLICY, AT)
    assert (decision.outcome, decision.reason) == ("permit", Reason.CONSENT)


def test_spoken_consent_permits_nothing_when_written_consent_is_required() -> None:
    decision = decide(request(), [consent(form="spoken")], WRITTEN, AT)
    assert (decision.outcome, decision.reason) == ("deny", Reason.WRITTEN_CONSENT_REQUIRED)
    assert decision.granted == frozenset()
    assert "spoken" in decision.explain() and "written" in decision.explain()


def test_written_consent_permits_when_written_consent_is_required() -> None:
    records = [consent(1, form="spoken"), consent(2, form="written")]
    decision = decide(request(), records, WRITTEN, AT)
    assert (decision.reason, decision.basis) == (Reason.CONSENT, "consent:2")


def test_a_spoken_consent_does_not_widen_a_written_one_under_the_written_policy() -> None:
    records = [
        consent(1, scope=frozenset({"financien"})),
        consent(2, scope=frozenset({"huisvesting"}), form="spoken"),
    ]
    decision = decide(request(scope=frozenset({"financien", "huisvesting"})), records, WRITTEN, AT)
    assert (decision.reason, decision.granted) == (Reason.PARTIAL_CONSENT, {"financien"})
    assert "huisvesting" in decision.explain()


# --- consent or legal basis, whichever applies ----------------------------------------------


def test_consent_permits_although_the_named_basis_is_not_in_the_policy() -> None:
    decision = decide(
        request(legal_basis="basisontwerp-directe-opschaling"), [consent()], POLICY, AT
    )
    assert (decision.outcome, decision.reason, decision.basis) == (
        "permit",
        Reason.CONSENT,
        "consent:1",
    )
    assert decision.basis_gap is Reason.BASIS_NOT_IN_POLICY


def test_without_consent_a_basis_not_in_the_policy_refuses_and_says_both() -> None:
    decision = decide(request(legal_basis="basisontwerp-directe-opschaling"), [], POLICY, AT)
    assert (decision.outcome, decision.reason) == ("deny", Reason.BASIS_NOT_IN_POLICY)
    assert decision.consent_gap is Reason.NO_CONSENT
    message = decision.explain()
    assert "no consent" in message and "'basisontwerp-directe-opschaling'" in message
    assert "not an exception to consent" in message


def test_consent_permits_although_the_basis_does_not_cover_the_recipient() -> None:
    decision = decide(request(legal_basis="meldrecht-veilig-thuis"), [consent()], POLICY, AT)
    assert decision.reason is Reason.CONSENT
    assert decision.basis_gap is Reason.BASIS_RECIPIENT


def test_consent_permits_although_the_basis_is_not_in_force() -> None:
    before = datetime(2014, 6, 1, tzinfo=UTC)
    records = [consent(valid_from=before, given_at=before)]
    decision = decide(request(legal_basis="meldrecht-veilig-thuis"), records, POLICY, before)
    assert decision.reason is Reason.CONSENT
    assert decision.basis_gap is Reason.BASIS_NOT_IN_FORCE


def test_a_basis_that_applies_permits_without_consent() -> None:
    decision = decide(request("veilig-thuis", legal_basis="meldrecht-veilig-thuis"), [], POLICY, AT)
    assert (decision.reason, decision.granted) == (Reason.LEGAL_BASIS, {"financien"})
    assert decision.consent_gap is Reason.NO_CONSENT
    assert decision.explain() == "permitted under legal basis 'meldrecht-veilig-thuis'"


def test_a_basis_that_applies_beats_partial_consent_and_full_consent_beats_the_basis() -> None:
    wide = frozenset({"financien", "huisvesting"})
    partial = [consent(recipients=frozenset({"veilig-thuis"}), scope=frozenset({"financien"}))]
    asked = request("veilig-thuis", wide, "meldrecht-veilig-thuis")
    assert decide(asked, partial, POLICY, AT).reason is Reason.LEGAL_BASIS
    full = [consent(recipients=frozenset({"veilig-thuis"}), scope=wide)]
    assert decide(asked, full, POLICY, AT).reason is Reason.CONSENT


@pytest.mark.parametrize(
    ("records", "gap", "words"),
    [
        ([], Reason.NO_CONSENT, "no consent"),
        ([consent(), Withdrawal(consent_id=1, at=AT)], Reason.WITHDRAWN, "withdrawn"),
        ([consent(valid_to=AT)], Reason.NOT_IN_PERIOD, "period"),
        ([consent(purpose="onderzoek")], Reason.PURPOSE_NOT_COVERED, "purpose"),
        ([consent(recipients=frozenset({"ggd"}))], Reason.RECIPIENT_NOT_COVERED, "recipient"),
        ([consent(scope=frozenset({"justitie"}))], Reason.SCOPE_NOT_COVERED, "life domains"),
    ],
)
def test_each_consent_gap_is_named_in_the_refusal(
    records: list[Consent | Withdrawal], gap: Reason, words: str
) -> None:
    decision = decide(request(), records, POLICY, AT)
    assert (decision.outcome, decision.reason, decision.consent_gap) == ("deny", gap, gap)
    assert decision.explain().startswith("refused: ") and words in decision.explain()
    assert "legal basis" in decision.explain()  # the other way to a permit is suggested


def test_an_empty_request_is_refused() -> None:
    decision = decide(request(scope=frozenset()), [consent()], POLICY, AT)
    assert decision.reason is Reason.EMPTY_REQUEST and not decision.permitted
    assert "names no life domain" in decision.explain()


def test_the_explanation_carries_no_recipient_or_purpose_text() -> None:
    asked = request("mevrouw jansen, buurvrouw", purpose="ondersteuning van jansen")
    message = decide(asked, [consent()], POLICY, AT).explain()
    assert "jansen" not in message.casefold()


# --- one folding, compared exactly ----------------------------------------------------------


def test_a_target_spelt_in_capitals_is_the_target_on_the_legal_basis_path() -> None:
    decision = decide(request("Veilig-Thuis", legal_basis="Meldrecht-Veilig-Thuis"), [], POLICY, AT)
    assert decision.reason is Reason.LEGAL_BASIS


def test_a_target_in_capitals_or_compatibility_forms_is_the_target_on_the_consent_path() -> None:
    records = [consent(recipients=frozenset({"VEILIG-THUIS"}), purpose="CaseWork")]
    for spelling in ("veilig-thuis", "Veilig-Thuis", "ＶＥＩＬＩＧ-ＴＨＵＩＳ"):
        assert decide(request(spelling), records, POLICY, AT).reason is Reason.CONSENT


def test_a_free_text_recipient_spelt_like_a_kind_is_not_covered_by_a_basis_naming_that_kind() -> (
    None
):
    asked = request("Domestic_Violence_Service", legal_basis="meldrecht-veilig-thuis")
    decision = decide(asked, [], POLICY, AT)
    assert (decision.outcome, decision.reason) == ("deny", Reason.BASIS_RECIPIENT)


def test_a_free_text_recipient_named_by_a_basis_is_covered_in_any_case() -> None:
    assert decide(request("STRASSE-team", legal_basis="convenant"), [], POLICY, AT).permitted
    assert not decide(request("strasse-team-2", legal_basis="convenant"), [], POLICY, AT).permitted


def test_sharp_s_is_refused_rather_than_folded_into_ss() -> None:
    with pytest.raises(ValidationError, match="write 'ß' as 'ss'"):
        request("straße-team")
    with pytest.raises(ValidationError, match="'ß' as 'ss'"):
        consent(recipients=frozenset({"straße-team"}))
    with pytest.raises(ValidationError):
        LegalBasis(key="x", name="X", recipients=("Straße-Team",))
    assert CONVENANT.recipients == ("strasse-team", "safety_house")


def test_consent_for_strasse_team_covers_only_strasse_team() -> None:
    records = [consent(recipients=frozenset({"strasse-team"}))]
    assert decide(request("Strasse-Team"), records, POLICY, AT).permitted
    assert not decide(request("strase-team"), records, POLICY, AT).permitted


@pytest.mark.parametrize(
    ("text", "folded"),
    [("  Veilig-Thuis ", "veilig-thuis"), ("ＧＧＤ", "ggd"), ("ﬁnanciën", "financiën"), ("K", "k")],
)
def test_fold_is_nfkc_then_casefold(text: str, folded: str) -> None:
    assert fold(text) == folded == fold(folded)


@pytest.mark.parametrize("text", ["", "   ", "a\x00b", "ΟΔΟΣ ς", "ß"])
def test_fold_refuses_empty_controls_and_merging_letters_without_echoing_them(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        fold(text)
    assert "a\x00b" not in str(caught.value)


def test_keys_in_a_request_are_folded_and_must_be_keys() -> None:
    assert request(scope=frozenset({"FINANCIEN"})).scope == {"financien"}
    with pytest.raises(ValidationError, match="not a key"):
        request(scope=frozenset({"finan cien"}))


def test_legal_basis_covers_compares_exactly() -> None:
    assert MELDRECHT.covers("veilig-thuis", "domestic_violence_service")
    assert not MELDRECHT.covers("domestic_violence_service")
    assert not MELDRECHT.covers("veilig-thuis", "Domestic_Violence_Service")
    assert CONVENANT.covers("strasse-team") and not CONVENANT.covers("Strasse-Team")


# --- periods ---------------------------------------------------------------------------------

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_the_meldrecht_applies_from_midnight_on_new_year_2015_in_amsterdam() -> None:
    asked = request("veilig-thuis", legal_basis="meldrecht-veilig-thuis")
    half_past = datetime(2015, 1, 1, 0, 30, tzinfo=AMSTERDAM)
    assert half_past.astimezone(UTC) == datetime(2014, 12, 31, 23, 30, tzinfo=UTC)
    assert decide(asked, [], POLICY, half_past.astimezone(UTC)).reason is Reason.LEGAL_BASIS
    assert decide(asked, [], POLICY, half_past).reason is Reason.LEGAL_BASIS
    before = datetime(2014, 12, 31, 23, 59, tzinfo=AMSTERDAM)
    refused = decide(asked, [], POLICY, before.astimezone(UTC))
    assert refused.reason is Reason.BASIS_NOT_IN_FORCE
    assert "2014-12-31" in refused.explain()


def test_a_basis_ending_on_a_date_still_applies_late_that_evening_in_amsterdam() -> None:
    ending = MELDRECHT.model_copy(update={"valid_to": date(2020, 6, 30)})
    policy = POLICY.model_copy(update={"exceptions": {"meldrecht-veilig-thuis": ending}})
    asked = request("veilig-thuis", legal_basis="meldrecht-veilig-thuis")
    late = datetime(2020, 6, 30, 23, 30, tzinfo=AMSTERDAM).astimezone(UTC)  # 21:30 UTC
    assert decide(asked, [], policy, late).permitted
    assert not decide(asked, [], policy, late + timedelta(hours=1)).permitted


def test_consent_periods_are_instants_whatever_the_offset() -> None:
    start = datetime(2016, 3, 1, 10, 0, tzinfo=AMSTERDAM)  # 09:00 UTC
    records = [consent(valid_from=start, given_at=start)]
    assert not decide(request(), records, POLICY, datetime(2016, 3, 1, 8, 59, tzinfo=UTC)).permitted
    assert decide(request(), records, POLICY, datetime(2016, 3, 1, 9, 0, tzinfo=UTC)).permitted


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide(request(), [consent()], POLICY, datetime(2016, 3, 1, 9, 0))
    with pytest.raises(ValidationError):
        consent(valid_from=datetime(2016, 1, 1))
    with pytest.raises(ValidationError):
        Withdrawal(consent_id=1, at=datetime(2016, 1, 1))


def test_a_decision_serialises_sorted() -> None:
    decision = decide(
        request(scope=frozenset({"huisvesting", "financien"})), [consent()], POLICY, AT
    )
    assert isinstance(decision, Decision)
    assert decision.model_dump(mode="json")["granted"] == ["financien", "huisvesting"]


def test_a_policy_built_by_hand_is_folded_like_the_requests() -> None:
    policy = DisclosurePolicy(
        exceptions={"Meldrecht-Veilig-Thuis": MELDRECHT},
        recipient_kinds={"VEILIG-THUIS": "Domestic_Violence_Service"},
    )
    asked = request("veilig-thuis", legal_basis="meldrecht-veilig-thuis")
    assert decide(asked, [], policy, AT).reason is Reason.LEGAL_BASIS
    with pytest.raises(ValidationError):
        DisclosurePolicy(exceptions={}, recipient_kinds={"straße-team": "other"})


@pytest.mark.parametrize(
    "lookalike",
    [
        "r\u0435gieteam",  # Cyrillic е
        "regie\u200bteam",  # zero-width space
        "regieteam\u00ad",  # soft hyphen
        "regíeteam",
    ],
)
def test_lookalike_recipients_are_other_recipients_on_both_paths(lookalike: str) -> None:
    consented = [consent(recipients=frozenset({"regieteam"}))]
    assert not decide(request(lookalike), consented, POLICY, AT).permitted
    covenant = LegalBasis(
        key="regie",
        name="R",
        allows_disclosure_without_consent=True,
        recipients=("multiproblem_team",),
    )
    policy = DisclosurePolicy(
        exceptions={"regie": covenant}, recipient_kinds={"regieteam": "multiproblem_team"}
    )
    assert decide(request("regieteam", legal_basis="regie"), [], policy, AT).permitted
    assert not decide(request(lookalike, legal_basis="regie"), [], policy, AT).permitted


def test_composed_and_decomposed_accents_are_one_spelling() -> None:
    consented = [consent(recipients=frozenset({"Buurtteam Financiën"}))]
    decomposed = "buurtteam financie\u0308n"
    assert decide(request(decomposed), consented, POLICY, AT).permitted


@pytest.mark.parametrize(
    ("starts", "local", "permitted"),
    [
        (date(2015, 3, 29), datetime(2015, 3, 29, 0, 30), True),  # the night clocks go forward
        (date(2015, 3, 29), datetime(2015, 3, 28, 23, 59), False),
        (date(2015, 10, 25), datetime(2015, 10, 25, 0, 30), True),  # the night clocks go back
        (date(2015, 10, 25), datetime(2015, 10, 24, 23, 59), False),
        (date(2015, 7, 1), datetime(2015, 7, 1, 0, 0), True),  # summer: 22:00 UTC the day before
    ],
)
def test_a_basis_starts_at_local_midnight_in_summer_and_winter_time(
    starts: date, local: datetime, permitted: bool
) -> None:
    basis = MELDRECHT.model_copy(update={"valid_from": starts})
    policy = POLICY.model_copy(update={"exceptions": {"meldrecht-veilig-thuis": basis}})
    asked = request("veilig-thuis", legal_basis="meldrecht-veilig-thuis")
    at = local.replace(tzinfo=AMSTERDAM).astimezone(UTC)
    assert decide(asked, [], policy, at).permitted is permitted
