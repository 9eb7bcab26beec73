"""Building blocks shared by every setup model: keys, sources, periods, removal markers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Key = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", min_length=1, max_length=80),
]
"""A stable identifier: lower-case letters, digits, ``-``, ``_`` and ``.``; starts with a letter or digit."""

ActorId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@/-]*$", min_length=1, max_length=80),
]
"""A stable id of a person who acts (an employee number, an account id): letters, digits and
``_ . : @ / -``, no spaces, at most 80 characters. Never a display name."""

CbsCode = Annotated[str, StringConstraints(pattern=r"^GM\d{4}$")]
"""A CBS municipality code such as ``GM0268`` (Nijmegen)."""

NonEmptyText = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Model(BaseModel):
    """Base of every setup model: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Source(Model):
    """Where an item comes from: a document and section, or a URL.

    ``illustrative=True`` marks data that the document does not give and that was made up to
    complete an example; ``note`` says what was invented.
    """

    document: NonEmptyText
    section: str | None = None
    url: str | None = None
    illustrative: bool = False
    note: str | None = None

    def cite(self) -> str:
        """A one-line citation, e.g. ``001_525b1e9afc52d031.txt §3``."""
        text = self.document if not self.section else f"{self.document} {self.section}"
        if self.url:
            text += f" <{self.url}>"
        if self.illustrative:
            text += " (illustrative)"
        return text


class Item(Model):
    """A configuration item: it has a stable ``key`` by which layers replace it, and a source."""

    key: Key
    source: Source | None = None


class Remove(Model):
    """Returned by a more specific layer to drop an item that a less specific layer supplied."""

    remove: Key
    reason: str | None = None
    source: Source | None = None


class Period(Model):
    """A closed date interval; ``valid_to=None`` means open-ended."""

    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(
                f"valid_to ({self.valid_to}) lies before valid_from ({self.valid_from})"
            )
        return self

    def contains(self, on: date) -> bool:
        """Whether ``on`` falls inside the period (both ends inclusive)."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


Severity = Literal["error", "warning", "info"]

Percentage = Annotated[float, Field(ge=0, le=100)]
