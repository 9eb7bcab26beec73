"""One row of a debt early-warning feed (:class:`DebtReport`) and a streaming reader of feeds.

A feed is CSV (UTF-8, comma-separated, a header row) or JSON Lines (one object per line). The
reader never holds the file: it reads one line at a time (at most :data:`MAX_LINE_BYTES`), so
memory stays flat however large the feed. Every data row comes out as a :class:`FeedRow`: its
row number, the raw row, and either the validated report or every reason it is bad. Only a file
that cannot be read as a feed at all (empty, no usable header) raises :class:`FeedError`.
"""

from __future__ import annotations

import csv
import json
import re
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from ..domain.common import EARLIEST, CaseInput, Line, Postcode, local_date

FeedFormat = Literal["csv", "jsonl"]

EXTENSIONS: dict[str, FeedFormat] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
"""File name endings the reader recognises; anything else needs an explicit format."""

MAX_LINE_BYTES = 64 * 1024
"""The longest line read; a longer one is a bad row (a real row is a few hundred bytes)."""
MAX_RECORD_LINES = 20
"""Physical lines one CSV row may span (a quoted field with line breaks); more is a bad row."""
MAX_AMOUNT = Decimal("10000000")
"""Arrears above this (ten million euros) are refused as implausible."""
RAW_LIMIT = 2000
"""Characters of a bad line's text kept as its raw row (a longer line is cut here)."""

BOM = b"\xef\xbb\xbf"


class CreditorKind(StrEnum):
    """Who reports the arrears."""

    HOUSING = "housing"
    ENERGY = "energy"
    WATER = "water"
    HEALTH_INSURER = "health_insurer"


REQUIRED = (
    "external_id",
    "signal_date",
    "creditor_kind",
    "creditor",
    "surname",
    "initials",
    "postcode",
    "house_number",
)
"""Columns a CSV header must name, and fields every row must fill."""
OPTIONAL = (
    "house_number_suffix",
    "birth_date",
    "arrears_eur",
    "arrears_since",
    "phone",
    "email",
)
"""Columns a CSV header may leave out; an empty cell means "not given"."""
FIELDS = REQUIRED + OPTIONAL

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")
_PHONE = re.compile(r"\+?[0-9 ()-]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


class FeedError(Exception):
    """The file cannot be read as a feed at all (empty, or a header that does not fit)."""


def _feed_date(value: object, info: ValidationInfo) -> date:
    """A date written ``YYYY-MM-DD``, from 1900 up to the context's ``today`` (in one call: this
    runs three times for every row of a feed)."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise ValueError("is not a date in the calendar; write it as YYYY-MM-DD") from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError("is not a date; write it as YYYY-MM-DD")
    if value < EARLIEST:
        raise ValueError(f"lies before {EARLIEST.isoformat()}; give a real date")
    context = info.context if isinstance(info.context, dict) else {}
    today = context.get("today") or local_date(datetime.now().astimezone())
    if value > today:
        raise ValueError(f"lies in the future (after {today.isoformat()})")
    return value


FeedDate = Annotated[date, BeforeValidator(_feed_date)]
"""A date written ``YYYY-MM-DD`` (nothing else: no time, no other order), from 1900 up to
today: the validation context's ``today``, else today in the Netherlands."""


def _whole_number(value: object) -> object:
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("is not a whole number")
    return value


def _amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal, float)):
        raise ValueError("is not an amount; write euros like 1234.50")
    text = str(value).strip()
    if text.startswith("-"):
        raise ValueError("is negative; arrears are an amount owed, 0 or more")
    if not _AMOUNT.fullmatch(text):
        hint = " (use a dot, not a comma, for cents)" if "," in text else ""
        raise ValueError(f"is not an amount; write euros like 1234.50{hint}")
    amount = Decimal(text)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("has more than two decimals; give euros and cents")
    if amount > MAX_AMOUNT:
        raise ValueError(f"is implausibly large (over {MAX_AMOUNT} euros)")
    return amount.quantize(Decimal("0.01"))


def _phone(value: str) -> str:
    digits = sum(map(str.isdigit, value))
    if not _PHONE.fullmatch(value) or not 9 <= digits <= 15 or "+" in value[1:]:
        raise ValueError("is not a phone number; give 9 to 15 digits, optionally after a +")
    return value


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("is not an e-mail address like name@example.org")
    return value


ExternalId = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$", max_length=80)
]
"""The reporter's own id of the report: letters, digits and ``_ . : / -``, at most 80."""
Initials = Annotated[str, StringConstraints(pattern=r"^[^\W\d_]([^\W\d_]|[.\- ])*$", max_length=20)]
Suffix = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9]{1,6}$", to_upper=True),
]
"""A house number suffix (huisletter or toevoeging): 1-6 letters or digits, kept upper-case."""
HouseNumber = Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=99999)]
Amount = Annotated[Decimal, BeforeValidator(_amount)]
Phone = Annotated[str, StringConstraints(max_length=30), AfterValidator(_phone)]
Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)]


class DebtReport(CaseInput):
    """One row of a debt early-warning feed: who owes which creditor how much, and where they live.

    Dates may not lie after "today" (the validation context's ``today``, else today in the
    Netherlands); ``arrears_since`` and ``birth_date`` may not lie after ``signal_date``.
    """

    external_id: ExternalId
    signal_date: FeedDate
    creditor_kind: CreditorKind
    creditor: Line
    surname: Line
    initials: Initials
    postcode: Postcode
    house_number: HouseNumber
    house_number_suffix: Suffix | None = None
    birth_date: FeedDate | None = None
    arrears_eur: Amount | None = None
    arrears_since: FeedDate | None = None
    phone: Phone | None = None
    email: Email | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> DebtReport:
        for name in ("arrears_since", "birth_date"):
            value = getattr(self, name)
            if value is not None and value > self.signal_date:
                raise ValueError(f"{name} lies after signal_date")
        return self


_PATTERNS = {
    "external_id": "is not an id: letters, digits and _ . : / - only",
    "initials": "are not initials like J.P.",
    "postcode": "is not a Dutch postcode like 1234 AB",
    "house_number_suffix": "is not a house number suffix: 1 to 6 letters or digits",
}
"""What a field's pattern asks, in words (pydantic would quote the regular expression)."""


def reasons_of(exc: ValidationError) -> tuple[str, ...]:
    """Every reason a row failed validation, ``field: rule``, never the value itself."""
    reasons = []
    for error in exc.errors(include_input=False, include_url=False):
        where = ".".join(str(part) for part in error["loc"])
        if error["type"] == "missing":
            rule = "required, but missing or empty"
        elif error["type"] == "extra_forbidden":
            rule = "not a field of the feed"
        elif error["type"] == "string_pattern_mismatch" and where in _PATTERNS:
            rule = _PATTERNS[where]
        else:
            rule = error["msg"].removeprefix("Value error, ")
        reasons.append(f"{where}: {rule}" if where else rule)
    return tuple(reasons)


Raw = dict[str, Any] | str
"""A row as it was read: its fields (CSV: header name to text; JSON Lines: the object), or the
line's text when it is not even a row."""


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One data row: its number (the physical line it starts on, the CSV header being line 1),
    what was read, and the report or every reason it is bad."""

    row: int
    raw: Raw
    report: DebtReport | None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str
    problem: str | None


class _Lines:
    """A binary stream's lines, decoded one at a time, with a pushback for lines read ahead."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._number = 0
        self._pushed: deque[_Line] = deque()
        self.bytes_read = 0

    def push(self, lines: list[_Line]) -> None:
        self._pushed.extendleft(reversed(lines))

    def next(self) -> _Line | None:
        if self._pushed:
            return self._pushed.popleft()
        chunk = self._stream.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return None
        self.bytes_read += len(chunk)
        self._number += 1
        problem = None
        if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            self._skip_rest()
            problem = f"the line is longer than {MAX_LINE_BYTES} bytes"
        if self._number == 1:
            chunk = chunk.removeprefix(BOM)
        chunk = chunk.removesuffix(b"\n").removesuffix(b"\r")
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = chunk.decode("utf-8", errors="replace")
            problem = problem or f"not UTF-8 (an invalid byte at position {exc.start + 1})"
        return _Line(self._number, text, problem)

    def _skip_rest(self) -> None:
        while True:
            rest = self._stream.readline(MAX_LINE_BYTES)
            self.bytes_read += len(rest)
            if not rest or rest.endswith(b"\n"):
                return

    def next_filled(self) -> _Line | None:
        """The next line that is not blank (blank lines separate nothing and are skipped)."""
        while (line := self.next()) is not None:
            if line.problem or line.text.strip():
                return line
        return None


def feed_format(name: str | Path, given: str | None = None) -> FeedFormat:
    """The format ``given``, else the one the file name's ending stands for."""
    if given is not None:
        if given not in ("csv", "jsonl"):
            raise FeedError(f"unknown feed format {given!r}; use csv or jsonl")
        return "csv" if given == "csv" else "jsonl"
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise FeedError(
            f"cannot tell the format of {Path(name).name!r} from its name; name it .csv, .jsonl "
            "or .ndjson, or give the format (csv or jsonl)"
        )
    return EXTENSIONS[suffix]


class Feed:
    """A feed being read: the header is checked on opening; iterate for its rows, once."""

    def __init__(self, stream: IO[bytes], kind: FeedFormat, today: date | None = None) -> None:
        self.kind = kind
        self._lines = _Lines(stream)
        self._context = {"today": today or local_date(datetime.now().astimezone())}
        first = self._lines.next_filled()
        if first is None:
            raise FeedError(
                "the file is empty; a feed has "
                + (
                    "a header row and then one row per report"
                    if kind == "csv"
                    else "one JSON object per line"
                )
            )
        self._header: tuple[str, ...] = ()
        if kind == "csv":
            self._header = _header(first)
        else:
            self._lines.push([first])

    @property
    def bytes_read(self) -> int:
        """Bytes read from the stream so far (for a progress bar's time left)."""
        return self._lines.bytes_read

    def __iter__(self) -> Iterator[FeedRow]:
        parse = self._csv_row if self.kind == "csv" else self._json_row
        while (line := self._lines.next_filled()) is not None:
            if line.problem:
                yield _bad(line, line.problem)
            else:
                yield parse(line)

    def _validate(self, number: int, raw: dict[str, Any]) -> FeedRow:
        data = {k: v for k, v in raw.items() if v is not None and v != ""}
        try:
            report = DebtReport.model_validate(data, context=self._context)
        except ValidationError as exc:
            return FeedRow(number, raw, None, reasons_of(exc))
        return FeedRow(number, raw, report)

    def _csv_row(self, first: _Line) -> FeedRow:
        lines = [first]
        quoted = _still_quoted(first.text, False)
        while quoted:
            following = self._lines.next()
            if following is None or following.problem or len(lines) == MAX_RECORD_LINES:
                self._lines.push(lines[1:] + ([following] if following else []))
                return _bad(
                    first,
                    "not a CSV row: a quoted field is not closed on this line or the next ones",
                )
            lines.append(following)
            quoted = _still_quoted(following.text, True)
        problem = None
        try:
            fields = next(csv.reader([line.text + "\n" for line in lines], strict=True))
        except csv.Error as exc:
            problem = f"not a CSV row: {exc}"
        else:
            if len(fields) != len(self._header):
                problem = f"has {len(fields)} columns where the header has {len(self._header)}"
        if problem is not None:
            # A row spanning lines that does not parse was most likely a stray quote: only its
            # first line is bad, and the lines after it are read again as rows of their own.
            self._lines.push(lines[1:])
            return _bad(first, problem)
        return self._validate(first.number, dict(zip(self._header, fields, strict=True)))

    def _json_row(self, line: _Line) -> FeedRow:
        try:
            value = json.loads(line.text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            return _bad(line, f"not JSON: {exc.msg} at column {exc.colno}")
        if not isinstance(value, dict):
            kind = type(value).__name__
            return _bad(line, f"not a JSON object but a {kind}")
        return self._validate(line.number, value)


def _bad(line: _Line, reason: str) -> FeedRow:
    """A line that is not a row: its text (cut at :data:`RAW_LIMIT`) and why."""
    return FeedRow(line.number, line.text[:RAW_LIMIT], None, (reason,))


def _still_quoted(text: str, quoted: bool) -> bool:
    """Whether a quoted field is open at the end of the line ``text``, given whether one was open
    at its start. A quote opens a field only at its start (elsewhere it is a character); ``""``
    inside a quoted field is an escaped quote."""
    if '"' not in text:
        return quoted
    field_start, just_closed = not quoted, False
    for char in text:
        if quoted:
            if char == '"':
                quoted, just_closed = False, True
            continue
        if char == '"' and (field_start or just_closed):
            quoted = True
        field_start, just_closed = char == ",", False
    return quoted


def _header(line: _Line) -> tuple[str, ...]:
    """The CSV header's column names, checked: every required column, nothing unknown, once."""
    where = f"the header (line {line.number})"
    if line.problem:
        raise FeedError(f"{where} cannot be read: {line.problem}; fix the file")
    try:
        names = next(csv.reader([line.text], strict=True))
    except csv.Error as exc:
        raise FeedError(f"{where} is not a CSV row: {exc}; fix the file") from None
    header = tuple(name.strip().lower() for name in names)
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise FeedError(f"{where} names {', '.join(twice)} more than once; name each column once")
    unknown = [name for name in header if name not in FIELDS]
    missing = [name for name in REQUIRED if name not in header]
    if len(header) == 1 and ";" in line.text:
        raise FeedError(
            f"{where} has one column; the feed is comma-separated, not separated by ';'"
        )
    if missing or unknown:
        parts = [f"lacks {', '.join(missing)}"] if missing else []
        parts += [f"has unknown column(s) {', '.join(unknown)}"] if unknown else []
        raise FeedError(
            f"{where} {' and '.join(parts)}; the columns are {', '.join(REQUIRED)} "
            f"(required) and {', '.join(OPTIONAL)} (optional)"
        )
    return header


@contextmanager
def open_feed(
    path: str | Path, format: str | None = None, today: date | None = None
) -> Iterator[Feed]:
    """Open the feed at ``path`` (format from ``format`` or the file's name) and check its header."""
    kind = feed_format(path, format)
    with open(path, "rb") as stream:
        yield Feed(stream, kind, today)


def read_feed(
    source: str | Path | IO[bytes], format: str | None = None, *, today: date | None = None
) -> Iterator[FeedRow]:
    """Every data row of a feed, one at a time (a path, or a binary stream and its format)."""
    if isinstance(source, (str, Path)):
        with open_feed(source, format, today) as feed:
            yield from feed
    else:
        yield from Feed(source, feed_format(getattr(source, "name", ""), format), today)
