"""The consent decision: one pure function that says whether a disclosure may happen.

A disclosure is permitted through the resident's consent **or** through a legal-basis exception
in the municipality's consent policy (the meldrecht to Veilig Thuis), whichever applies. Through
consent the grant is what was consented ∩ what was asked, never wider (the OpenG2P / OpenSPP
pattern); through a legal basis it is what was asked, to the recipients the basis names. With
``written_consent_required`` only written consent counts. Withdrawal is a separate, append-only
record, effective from the moment it was made.

Recipients, purposes and keys are folded where they enter these models (see
:func:`wijkteamkit.domain.consent.fold`) and compared exactly afterwards. Consent periods are
instants (timezone-aware, compared as instants); a legal basis's period is a range of dates,
judged on the local date in Europe/Amsterdam.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, field_serializer

from ..domain.case import Actor
from ..domain.common import Model, local_date
from ..domain.consent import Folded, FoldedKey
from .policy import DisclosurePolicy as DisclosurePolicy  # decide() takes it; re-exported

"""The time zone in which a legal basis's dates are read."""


class Consent(Model):
    """A consent as recorded: never edited after it was given."""

    id: int
    subject: int
    purpose: Folded
    recipients: frozenset[Folded]
    scope: frozenset[FoldedKey]
    valid_from: AwareDatetime
    valid_to: AwareDatetime | None = None
    form: Literal["spoken", "written"]
    given_at: AwareDatetime


class Withdrawal(Model):
    """The withdrawal of one consent, effective from ``at``."""

    consent_id: int
    at: AwareDatetime


class DisclosureRequest(Model):
    """Someone asks to disclose (or read) case data of ``subject`` to ``recipient``."""

    subject: int
    requester: Actor
    recipient: Folded
    purpose: Folded
    scope: frozenset[FoldedKey]
    legal_basis: FoldedKey | None = None

    @field_serializer("scope")
    def _sorted(self, scope: frozenset[str]) -> list[str]:
        return sorted(scope)


class Reason(StrEnum):
    """Why a disclosure was permitted or denied, or why one path to it did not apply."""

    CONSENT = "consent"
    PARTIAL_CONSENT = "partial_consent"
    LEGAL_BASIS = "legal_basis"
    NO_CONSENT = "no_consent"
    WITHDRAWN = "withdrawn"
    NOT_IN_PERIOD = "not_in_period"
    PURPOSE_NOT_COVERED = "purpose_not_covered"
    RECIPIENT_NOT_COVERED = "recipient_not_covered"
    WRITTEN_CONSENT_REQUIRED = "written_consent_required"
    SCOPE_NOT_COVERED = "scope_not_covered"
    BASIS_NOT_IN_POLICY = "basis_not_in_policy"
    BASIS_NOT_IN_FORCE = "basis_not_in_force"
    BASIS_RECIPIENT = "basis_recipient"
    EMPTY_REQUEST = "empty_request"


_CONSENT_GAPS = {
    Reason.NO_CONSENT: "the resident has given no consent",
    Reason.WITHDRAWN: "every consent of the resident has been withdrawn",
    Reason.NOT_IN_PERIOD: "no consent of the resident is in its period at this moment",
    Reason.PURPOSE_NOT_COVERED: "no current consent covers this purpose",
    Reason.RECIPIENT_NOT_COVERED: "no current consent for this purpose covers this recipient",
    Reason.WRITTEN_CONSENT_REQUIRED: "the consent covering this recipient and purpose was "
    "spoken, and the consent policy requires written consent",
    Reason.SCOPE_NOT_COVERED: "no current consent covers the life domains asked",
}


class Decision(Model):
    """Permit or deny, why, on what basis (a consent id or a legal-basis key), what is granted.

    ``reason`` is the one code recorded. Each path to a permit that did not (fully) apply leaves
    its gap: ``consent_gap`` says what the resident's consent lacks (no consent, withdrawn, not
    in period, purpose, recipient, form, scope) and ``basis_gap`` why the legal basis named in
    the request does not apply (not in the policy, not in force, recipient not covered).
    :meth:`explain` turns a decision into the one-line message for the caller; it contains keys
    and life-domain keys only, never recipient or purpose text.
    """

    outcome: Literal["permit", "deny"]
    reason: Reason
    basis: str | None = None
    granted: frozenset[str] = frozenset()
    requested: frozenset[str] = frozenset()
    consent_gap: Reason | None = None
    legal_basis: str | None = None
    basis_gap: Reason | None = None
    judged_on: date | None = None
    """The local date (Europe/Amsterdam) on which the legal basis was judged."""

    @property
    def permitted(self) -> bool:
        """Whether anything may be disclosed."""
        return self.outcome == "permit"

    @field_serializer("granted", "requested")
    def _sorted(self, keys: frozenset[str]) -> list[str]:
        return sorted(keys)

    def explain(self) -> str:
        """One line: what was permitted and on what, or exactly what is missing, and what to do."""
        if self.reason is Reason.EMPTY_REQUEST:
            return "refused: the request names no life domain; name the life domains to disclose"
        if self.reason is Reason.CONSENT:
            return f"permitted by consent ({self.basis})"
        if self.reason is Reason.LEGAL_BASIS:
            return f"permitted under legal basis {self.legal_basis!r}"
        parts = []
        if self.consent_gap is not None:
            gap = _CONSENT_GAPS[self.consent_gap]
            if self.consent_gap is Reason.SCOPE_NOT_COVERED and self.granted:
                gap = "no current consent covers " + ", ".join(
                    sorted(self.requested - self.granted)
                )
            parts.append(gap)
        if self.basis_gap is not None:
            parts.append(self._basis_text())
        missing = "; ".join(parts)
        if self.reason is Reason.PARTIAL_CONSENT:
            return (
                f"permitted in part by consent ({self.basis}) for "
                f"{', '.join(sorted(self.granted))}: {missing}"
            )
        todo = "record the resident's consent for this recipient, purpose and life domains"
        if self.legal_basis is None:
            todo += ", or name a legal basis in the consent policy that covers the recipient"
        return f"refused: {missing}; {todo}"

    def _basis_text(self) -> str:
        key = self.legal_basis
        if self.basis_gap is Reason.BASIS_NOT_IN_POLICY:
            return (
                f"legal basis {key!r} is not an exception to consent in the consent policy "
                "(or does not allow disclosure without consent)"
            )
        if self.basis_gap is Reason.BASIS_NOT_IN_FORCE:
            return f"legal basis {key!r} is not in force on {self.judged_on}"
        return f"legal basis {key!r} does not cover this recipient"


def decide(
    request: DisclosureRequest,
    records: Iterable[Consent | Withdrawal],
    policy: DisclosurePolicy,
    at: datetime,
) -> Decision:
    """Decide a disclosure request at the instant ``at``. Pure: no I/O, no clock, no randomness.

    Consent: the subject's consents given by ``at``, in their period, not withdrawn at ``at``,
    for the purpose, naming the recipient and (when the policy requires it) written; the grant
    is the requested scope ∩ their scopes. Legal basis (when the request names one): an
    exception in the policy, in force on the local date of ``at``, covering the recipient; it
    grants the requested scope. Full consent wins over the basis, the basis over partial consent.
    ``at`` must be timezone-aware.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("decide() needs a timezone-aware moment; pass an aware datetime")
    on = local_date(at) if request.legal_basis is not None else None
    if not request.scope:
        return Decision(
            outcome="deny",
            reason=Reason.EMPTY_REQUEST,
            legal_basis=request.legal_basis,
            judged_on=on,
        )
    granted, consent_ids, consent_gap = _by_consent(request, records, policy, at)
    basis_gap = None if on is None else _basis_gap(request, policy, on)
    outcome: Literal["permit", "deny"] = "permit"
    basis: str | None = "consent:" + ",".join(map(str, consent_ids))
    if granted == request.scope:
        reason = Reason.CONSENT
    elif on is not None and basis_gap is None:
        reason, basis, granted = (
            Reason.LEGAL_BASIS,
            f"legal_basis:{request.legal_basis}",
            request.scope,
        )
    elif granted:
        reason = Reason.PARTIAL_CONSENT
    else:
        assert consent_gap is not None
        outcome, reason, basis = "deny", basis_gap or consent_gap, None
    return Decision(
        outcome=outcome,
        reason=reason,
        basis=basis,
        granted=granted,
        requested=request.scope,
        consent_gap=consent_gap,
        legal_basis=request.legal_basis,
        basis_gap=basis_gap,
        judged_on=on,
    )


def _by_consent(
    request: DisclosureRequest,
    records: Iterable[Consent | Withdrawal],
    policy: DisclosurePolicy,
    at: datetime,
) -> tuple[frozenset[str], list[int], Reason | None]:
    """What the subject's consents grant, the ids that grant it, and what they lack (if any)."""
    consents: list[Consent] = []
    withdrawn: dict[int, datetime] = {}
    for record in records:
        if isinstance(record, Withdrawal):
            earliest = withdrawn.get(record.consent_id)
            withdrawn[record.consent_id] = (
                record.at if earliest is None else min(earliest, record.at)
            )
        elif record.subject == request.subject:
            consents.append(record)
    if not consents:
        return frozenset(), [], Reason.NO_CONSENT
    covering: list[Consent] = []
    furthest = 0
    for consent in consents:
        gap = _first_gap(consent, request, policy, at, withdrawn)
        if gap is None:
            covering.append(consent)
        else:
            furthest = max(furthest, gap)
    if not covering:
        return frozenset(), [], _GAPS[furthest]
    granted: set[str] = set()
    ids: list[int] = []
    for consent in sorted(covering, key=lambda c: c.id):
        overlap = request.scope & consent.scope
        if overlap:
            granted |= overlap
            ids.append(consent.id)
    lacking = None if granted == request.scope else Reason.SCOPE_NOT_COVERED
    return frozenset(granted), ids, lacking


_GAPS = (
    Reason.WITHDRAWN,
    Reason.NOT_IN_PERIOD,
    Reason.PURPOSE_NOT_COVERED,
    Reason.RECIPIENT_NOT_COVERED,
    Reason.WRITTEN_CONSENT_REQUIRED,
)
"""The checks a consent passes in order; a refusal names the furthest any consent got."""


def _first_gap(
    consent: Consent,
    request: DisclosureRequest,
    policy: DisclosurePolicy,
    at: datetime,
    withdrawn: Mapping[int, datetime],
) -> int | None:
    """The index in ``_GAPS`` of the first check ``consent`` fails (None: it covers)."""
    if consent.id in withdrawn and withdrawn[consent.id] <= at:
        return 0
    if not (consent.given_at <= at and consent.valid_from <= at) or (
        consent.valid_to is not None and at >= consent.valid_to
    ):
        return 1
    if consent.purpose != request.purpose:
        return 2
    if request.recipient not in consent.recipients:
        return 3
    if policy.written_required and consent.form != "written":
        return 4
    return None


def _basis_gap(request: DisclosureRequest, policy: DisclosurePolicy, on: date) -> Reason | None:
    """Why the request's legal basis does not permit it on the local date ``on`` (None: it does)."""
    assert request.legal_basis is not None
    basis = policy.exceptions.get(request.legal_basis)
    if basis is None:
        return Reason.BASIS_NOT_IN_POLICY
    if not basis.contains(on):
        return Reason.BASIS_NOT_IN_FORCE
    if not basis.covers(request.recipient, policy.recipient_kinds.get(request.recipient)):
        return Reason.BASIS_RECIPIENT
    return None
