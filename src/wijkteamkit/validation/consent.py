"""Rules about the consent policy: every exception must be a legal basis that allows it."""

from __future__ import annotations

from collections.abc import Iterator

from ..domain import LegalBasis
from .finding import Check, Finding


def consent_exceptions(check: Check) -> Iterator[Finding]:
    """An exception to consent names a legal basis that allows disclosure without consent."""
    for key in check.setup.consent_policy.exceptions:
        basis = check.setup.get("legal_bases", key)
        if not isinstance(basis, LegalBasis):
            continue  # reported as unknown-reference
        if not basis.allows_disclosure_without_consent:
            yield check.finding(
                "error",
                "consent-exception",
                "consent_policy",
                f"the consent policy lets {key!r} override consent, but that legal basis does "
                "not allow disclosure without consent.",
            )
        elif not basis.contains(check.on):
            yield check.finding(
                "info",
                "consent-exception-inactive",
                "consent_policy",
                f"legal basis {key!r} is not in force on {check.on} "
                f"({basis.valid_from or '…'} to {basis.valid_to or '…'}); it will not apply then.",
            )
