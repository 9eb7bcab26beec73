"""Building blocks shared by every setup model: keys, sources, periods, removal markers."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    model_validator,
)

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

# Limits on case input, in one place (documented in docs/casework.md, "Limits").
MAX_KEY = 80
"""Characters in a key (life domain, indicator, team, ...)."""
MAX_LINE = 200
"""Characters in a one-line text: a name, a purpose, a recipient, a network or carer entry."""
MAX_TEXT = 4000
"""Characters in a free text: a signal's summary, a note, a goal, a plan action."""
MAX_ENTRIES = 50
"""Entries in any list or set of case input (members, network, carers, recipients, keys...)."""
EARLIEST = date(1900, 1, 1)
"""No birth date or event lies before this day."""
LATEST = date(2200, 1, 1)
"""No date (a consent's end included) lies on or after this day."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_LAYOUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse(pattern: re.Pattern[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        found = pattern.search(value)
        if found:
            raise ValueError(f"{what} contains control character U+{ord(found[0]):04X}; remove it")
        return value

    return AfterValidator(check)


Line = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_LINE, strip_whitespace=True),
    _refuse(_CONTROL, "a one-line text"),
]
"""One line of text (a name, a recipient): 1-200 characters, no control characters."""

Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT, strip_whitespace=True),
    _refuse(_CONTROL_EXCEPT_LAYOUT, "a text"),
]
"""Free text (a summary, a note): 1-4000 characters; newline, carriage return and tab are
the only control characters allowed."""


def _postcode(value: object) -> object:
    return value.replace(" ", "").upper() if isinstance(value, str) else value


Postcode = Annotated[str, BeforeValidator(_postcode), StringConstraints(pattern=r"^\d{4}[A-Z]{2}$")]
"""A Dutch postcode, normalised: ``1234 ab`` becomes ``1234AB``."""


MAX_HOUSE_NUMBER = 99999
"""The highest house number (the BAG's limit)."""


def _suffix(value: object) -> object:
    return value.replace(" ", "").replace("-", "").upper() if isinstance(value, str) else value


HouseNumber = Annotated[StrictInt, Field(ge=1, le=MAX_HOUSE_NUMBER)]
"""A house number, 1 to 99999."""

HouseNumberSuffix = Annotated[
    str, BeforeValidator(_suffix), StringConstraints(pattern=r"^[A-Z0-9]{1,6}$")
]
"""A house letter and addition (huisletter, huisnummertoevoeging): 1-6 letters or digits,
normalised to upper case without spaces or hyphens (``a-2`` becomes ``A2``)."""


def _plausible(pattern: re.Pattern[str], what: str, example: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"not a plausible {what}; give one like {example}")
        return value

    return AfterValidator(check)


Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=30),
    _plausible(re.compile(r"\+?[0-9][0-9 ()-]{4,27}[0-9]"), "phone number", "06-12345678"),
]
"""A phone number: digits, optionally a leading ``+``, spaces, hyphens and brackets; 6-30
characters."""

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254),
    _plausible(
        re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s.\x00-\x1f\x7f]+"),
        "e-mail address",
        "naam@example.nl",
    ),
]
"""An e-mail address: something, ``@``, a domain with a dot; at most 254 characters."""


def _plausible_instant(value: datetime) -> datetime:
    local = value.replace(tzinfo=None)
    if not datetime.combine(EARLIEST, datetime.min.time()) <= local:
        raise ValueError(f"lies before {EARLIEST.isoformat()}; give a real date")
    if not local < datetime.combine(LATEST, datetime.min.time()):
        raise ValueError(f"lies on or after {LATEST.isoformat()}; give a real date")
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_plausible_instant)]
"""A moment with its UTC offset (a naive datetime is refused), from 1900 up to 2200."""


class Model(BaseModel):
    """Base of every setup model: immutable, unknown fields rejected. A field's docstring is
    its description in the JSON Schema and docs/reference.md (read by
    :mod:`wijkteamkit.fielddocs` when they are generated, not at start-up)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class CaseInput(Model):
    """Base of case data given to the engine: an error names the field, never repeats the value
    (a name, a BSN or a note must not end up in a message or a log)."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True
    )


class Source(Model):
    """Where an item comes from: a document and section, or a URL.

    ``illustrative=True`` marks data that the document does not give and that was made up to
    complete an example; ``note`` says what was invented.
    """

    document: NonEmptyText
    """The document cited (a file name, a policy paper, a law)."""
    section: str | None = None
    """The section, page or article in the document."""
    url: str | None = None
    """A web address of the document."""
    illustrative: bool = False
    """True when the data was made up to complete an example rather than taken from the document."""
    note: str | None = None
    """What was invented or how the data was read from the document."""

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
    """The stable identifier by which other items refer to this one and a more specific layer
    replaces it."""
    source: Source | None = None
    """Where the item comes from (a document and section, or a URL)."""


class Remove(Model):
    """Returned by a more specific layer to drop an item that a less specific layer supplied."""

    remove: Key
    """The key of the item a lower layer supplied that this layer drops."""
    reason: str | None = None
    """Why the item is dropped."""
    source: Source | None = None
    """Where the decision to drop it comes from."""


class Period(Model):
    """A closed date interval; ``valid_to=None`` means open-ended."""

    valid_from: date | None = None
    """The first day it is valid (inclusive); none means since always."""
    valid_to: date | None = None
    """The last day it is valid (inclusive); none means open-ended."""

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

LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")
"""The Netherlands' time zone: dates in law and policy (a law in force from 1 January 2015, a
birth date) are local dates here, not UTC dates."""


def local_date(at: datetime) -> date:
    """The date in the Netherlands at the aware moment ``at``."""
    return at.astimezone(LOCAL_ZONE).date()
