"""Legal bases and the consent policy that governs disclosure of case data."""

from __future__ import annotations

from pydantic import Field

from .common import Item, Key, Model, NonEmptyText, Period, Source


class LegalBasis(Item, Period):
    """A legal ground for an act, e.g. the meldrecht to Veilig Thuis (art. 5.2.6 Wmo 2015).

    ``allows_disclosure_without_consent`` marks an exception to the consent requirement;
    ``recipients`` lists the escalation-target keys or organisation kinds it allows disclosure to.
    """

    name: NonEmptyText
    law: Key | None = None
    article: str | None = None
    allows_disclosure_without_consent: bool = False
    recipients: tuple[str, ...] = ()

    def covers(self, recipient: str, kind: str | None = None) -> bool:
        """Whether this basis names ``recipient`` (a target key) or its ``kind``, in any case."""
        allowed = {r.casefold() for r in self.recipients}
        return recipient.casefold() in allowed or (kind is not None and kind.casefold() in allowed)


class ConsentPolicy(Model):
    """The municipality's rules for sharing case data.

    ``exceptions`` names the legal bases under which data may be disclosed without consent;
    ``retention_years`` how long a closed case is kept before it may be erased.
    """

    exceptions: tuple[Key, ...] = ()
    retention_years: int = Field(default=15, ge=0, le=100)
    written_consent_required: bool = False
    source: Source | None = None
