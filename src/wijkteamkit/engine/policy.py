"""The municipality's disclosure policy, as the consent decision reads it from a setup.

Apart from :mod:`wijkteamkit.engine.consent` (which re-exports it), so that validating a setup
does not build the case models a disclosure request is made of.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from ..domain import LegalBasis
from ..domain.common import Model
from ..domain.consent import Folded, FoldedKey

if TYPE_CHECKING:
    from ..domain import MunicipalitySetup


class DisclosurePolicy(Model):
    """What the municipality's policy allows: legal-basis exceptions, target kinds, the form.

    ``exceptions`` holds only legal bases that allow disclosure without consent;
    ``recipient_kinds`` maps each escalation-target key to its kind; ``written_required`` says
    that spoken consent permits nothing. Keys and kinds are folded like every recipient.
    """

    exceptions: Mapping[FoldedKey, LegalBasis]
    recipient_kinds: Mapping[FoldedKey, Folded]
    written_required: bool = False

    @classmethod
    def from_setup(cls, setup: MunicipalitySetup, on: date | None = None) -> DisclosurePolicy:
        """The policy of a merged setup: only exceptions that allow disclosure without consent.

        With ``on``, the recipients are the escalation targets valid that day (a target not
        valid then is a recipient like any other); the exceptions stay whatever their period,
        since :func:`decide` judges whether a basis is in force at the moment and says so.
        """
        bases = {b.key: b for b in setup.legal_bases}
        exceptions = {
            key: bases[key]
            for key in setup.consent_policy.exceptions
            if key in bases and bases[key].allows_disclosure_without_consent
        }
        targets = setup.escalation_targets
        kinds = {t.key: t.kind.value for t in targets if on is None or t.contains(on)}
        return cls(
            exceptions=exceptions,
            recipient_kinds=kinds,
            written_required=setup.consent_policy.written_consent_required,
        )
