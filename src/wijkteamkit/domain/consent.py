"""Legal bases, the consent policy, and the one form in which recipients and purposes compare.

Recipients, purposes and keys that a consent decision compares are *folded* once, where they
enter a model: Unicode NFKC, then ``str.casefold``. After that they are compared exactly, in the
consent path and the legal-basis path alike, so ``Veilig-Thuis`` is the target ``veilig-thuis``.
Text in which case-folding would merge letters that lower-casing keeps apart (``ß`` folds to
``ss``, Greek final ``ς`` to ``σ``) is refused rather than folded: ``straße-team`` never silently
becomes ``strasse-team``; the caller writes the folded spelling.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from .common import Item, Key, Model, NonEmptyText, Period, Source
from .escalation import TargetKind

MAX_FOLDED = 200
"""Characters in a folded recipient or purpose."""

_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
_KINDS = frozenset(kind.value for kind in TargetKind)


def fold(text: str) -> str:
    """``text`` in the form every comparison uses: stripped, NFKC, case-folded.

    Raises :class:`ValueError` when the text is empty, contains a control character, or contains
    letters that case-folding turns into other letters (``ß`` → ``ss``); the message names the
    letters and says what to write instead, and never repeats the text itself.
    """
    compat = unicodedata.normalize("NFKC", text).strip()
    if not compat:
        raise ValueError("is empty; give a name")
    if _CONTROL.search(compat):
        raise ValueError("contains a control character; remove it")
    if compat.isascii():
        return compat.lower()  # the common case: for ASCII, case-folding is lower-casing
    merged = sorted({ch for ch in compat if ch.casefold() != ch.lower()})
    if merged:
        spelt = ", ".join(
            f"{ch!r} as {unicodedata.normalize('NFKC', ch.casefold())!r}" for ch in merged
        )
        raise ValueError(f"contains letters that case-folding merges with others; write {spelt}")
    return unicodedata.normalize("NFKC", compat.casefold())


def fold_key(text: str) -> str:
    """A key folded like :func:`fold`; raises :class:`ValueError` when it is not a key then."""
    folded = fold(text)
    if len(folded) > 80 or not _KEY.match(folded):
        raise ValueError(
            "is not a key: use lower-case letters, digits, '-', '_' and '.' (at most 80)"
        )
    return folded


Folded = Annotated[
    str,
    StringConstraints(max_length=MAX_FOLDED),
    AfterValidator(fold),
]
"""A recipient or purpose, folded (NFKC, case-folded) where it enters a model; see :func:`fold`."""

FoldedKey = Annotated[str, StringConstraints(max_length=MAX_FOLDED), AfterValidator(fold_key)]
"""A key given in any case or compatibility form (``Financiën``, ``FINANCIEN``), folded to one."""


class LegalBasis(Item, Period):
    """A legal ground for an act, e.g. the meldrecht to Veilig Thuis (art. 5.2.6 Wmo 2015).

    ``allows_disclosure_without_consent`` marks an exception to the consent requirement;
    ``recipients`` lists the escalation-target keys and target kinds (the values of
    :class:`~wijkteamkit.domain.escalation.TargetKind`) it allows disclosure to, folded.
    """

    name: NonEmptyText
    """What the basis allows, in one line."""
    law: Key | None = None
    """The key of the law it rests on."""
    article: str | None = None
    """The article of that law."""
    allows_disclosure_without_consent: bool = False
    """Whether it is an exception to the consent requirement."""
    recipients: tuple[Folded, ...] = ()
    """Escalation-target keys and target kinds it allows disclosure to."""

    def covers(self, recipient: str, kind: str | None = None) -> bool:
        """Whether this basis names ``recipient`` or the ``kind`` of target it is.

        Both are compared exactly, so pass them folded (a target's key and kind are). An entry
        that is a target kind matches only through ``kind``: a free-text recipient spelt like a
        kind (``domestic_violence_service``) is not covered by a basis that names that kind.
        """
        names = {r for r in self.recipients if r not in _KINDS}
        kinds = {r for r in self.recipients if r in _KINDS}
        return recipient in names or (kind is not None and kind in kinds)


class ConsentPolicy(Model):
    """The municipality's rules for sharing case data.

    ``exceptions`` names the legal bases under which data may be disclosed without consent;
    ``retention_years`` how long a closed case is kept before it may be erased;
    ``written_consent_required`` that only written consent permits a disclosure (spoken consent
    is then refused when recorded and ignored when deciding).
    """

    exceptions: tuple[Key, ...] = ()
    """Keys of the legal bases under which case data may be disclosed without consent."""
    retention_years: int = Field(default=15, ge=0, le=100)
    """How many years a closed case is kept before it may be erased."""
    written_consent_required: bool = False
    """Whether only written consent permits a disclosure."""
    source: Source | None = None
    """Where the policy comes from."""
