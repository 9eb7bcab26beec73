"""The consent decision: one pure function that says whether a disclosure may happen.

Allowed scope = what was consented ∩ what policy allows ∩ what was asked, never wider
(the OpenG2P / OpenSPP pattern). A legal basis in the municipality's consent policy (the
meldrecht to Veilig Thuis) can permit a disclosure without consent, to the recipients it names.
Withdrawal is a separate, append-only record, effective from the moment it was made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import field_serializer

from ..domain import LegalBasis, MunicipalitySetup
from ..domain.case import Actor
from ..domain.common import Key, Model, NonEmptyText


class Consent(Model):
    """A consent as recorded: never edited after it was given."""

    id: int
    subject: int
    purpose: NonEmptyText
    recipients: frozenset[str]
    scope: frozenset[str]
    valid_from: datetime
    valid_to: datetime | None = None
    form: Literal["spoken", "written"]
    given_at: datetime


class Withdrawal(Model):
    """The withdrawal of one consent, effective from ``at``."""

    consent_id: int
    at: datetime


class DisclosureRequest(Model):
    """Someone asks to disclose (or read) case data of ``subject`` to ``recipient``."""

    subject: int
    requester: Actor
    recipient: NonEmptyText
    purpose: NonEmptyText
    scope: frozenset[str]
    legal_basis: Key | None = None

    @field_serializer("scope")
    def _sorted(self, scope: frozenset[str]) -> list[str]:
        return sorted(scope)


class Reason(StrEnum):
    """Why a disclosure was permitted or denied."""

    CONSENT = "consent"
    PARTIAL_CONSENT = "partial_consent"
    LEGAL_BASIS = "legal_basis"
    NO_CONSENT = "no_consent"
    WITHDRAWN = "withdrawn"
    NOT_IN_PERIOD = "not_in_period"
    RECIPIENT_NOT_COVERED = "recipient_not_covered"
    PURPOSE_NOT_COVERED = "purpose_not_covered"
    SCOPE_NOT_COVERED = "scope_not_covered"
    BASIS_NOT_IN_POLICY = "basis_not_in_policy"
    BASIS_NOT_IN_FORCE = "basis_not_in_force"
    BASIS_RECIPIENT = "basis_recipient"
    EMPTY_REQUEST = "empty_request"


class Decision(Model):
    """Permit or deny, why, on what basis (a consent id or a legal-basis key), and what is granted."""

    outcome: Literal["permit", "deny"]
    reason: Reason
    basis: str | None = None
    granted: frozenset[str] = frozenset()

    @property
    def permitted(self) -> bool:
        """Whether anything may be disclosed."""
        return self.outcome == "permit"

    @field_serializer("granted")
    def _sorted(self, granted: frozenset[str]) -> list[str]:
        return sorted(granted)


class DisclosurePolicy(Model):
    """What the municipality's policy allows without consent: legal bases and recipient kinds."""

    exceptions: Mapping[str, LegalBasis]
    recipient_kinds: Mapping[str, str]

    @classmethod
    def from_setup(cls, setup: MunicipalitySetup) -> DisclosurePolicy:
        """The policy of a merged setup: only exceptions that allow disclosure without consent."""
        bases = {b.key: b for b in setup.legal_bases}
        exceptions = {
            key: bases[key]
            for key in setup.consent_policy.exceptions
            if key in bases and bases[key].allows_disclosure_without_consent
        }
        kinds = {t.key: t.kind.value for t in setup.escalation_targets}
        return cls(exceptions=exceptions, recipient_kinds=kinds)


def _deny(reason: Reason) -> Decision:
    return Decision(outcome="deny", reason=reason)


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def decide(
    request: DisclosureRequest,
    records: Iterable[Consent | Withdrawal],
    policy: DisclosurePolicy,
    at: datetime,
) -> Decision:
    """Decide a disclosure request at moment ``at``. Pure: no I/O, no clock, no randomness.

    With a ``legal_basis`` the request is judged on that basis alone; otherwise on the subject's
    consents that are in their period, not withdrawn at ``at``, and cover the purpose and the
    recipient. The grant is the requested scope intersected with those consents' scopes.
    """
    if not request.scope:
        return _deny(Reason.EMPTY_REQUEST)
    if request.legal_basis is not None:
        return _by_legal_basis(request, policy, at)
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
        return _deny(Reason.NO_CONSENT)
    live = [c for c in consents if not (c.id in withdrawn and withdrawn[c.id] <= at)]
    if not live:
        return _deny(Reason.WITHDRAWN)
    current = [
        c
        for c in live
        if c.given_at <= at and c.valid_from <= at and (c.valid_to is None or at < c.valid_to)
    ]
    if not current:
        return _deny(Reason.NOT_IN_PERIOD)
    for_purpose = [c for c in current if _same(c.purpose, request.purpose)]
    if not for_purpose:
        return _deny(Reason.PURPOSE_NOT_COVERED)
    for_recipient = [
        c for c in for_purpose if any(_same(r, request.recipient) for r in c.recipients)
    ]
    if not for_recipient:
        return _deny(Reason.RECIPIENT_NOT_COVERED)
    granted: set[str] = set()
    basis: list[int] = []
    for consent in sorted(for_recipient, key=lambda c: c.id):
        overlap = request.scope & consent.scope
        if overlap:
            granted |= overlap
            basis.append(consent.id)
    if not granted:
        return _deny(Reason.SCOPE_NOT_COVERED)
    reason = Reason.CONSENT if granted == request.scope else Reason.PARTIAL_CONSENT
    return Decision(
        outcome="permit",
        reason=reason,
        basis="consent:" + ",".join(map(str, basis)),
        granted=frozenset(granted),
    )


def _by_legal_basis(request: DisclosureRequest, policy: DisclosurePolicy, at: datetime) -> Decision:
    key = request.legal_basis
    assert key is not None
    basis = policy.exceptions.get(key)
    if basis is None:
        return _deny(Reason.BASIS_NOT_IN_POLICY)
    if not basis.contains(at.date()):
        return _deny(Reason.BASIS_NOT_IN_FORCE)
    if not basis.covers(request.recipient, policy.recipient_kinds.get(request.recipient)):
        return _deny(Reason.BASIS_RECIPIENT)
    return Decision(
        outcome="permit",
        reason=Reason.LEGAL_BASIS,
        basis=f"legal_basis:{key}",
        granted=request.scope,
    )
