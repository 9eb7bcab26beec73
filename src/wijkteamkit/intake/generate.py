"""Synthetic debt early-warning feeds for a municipality's setup: reproducible, streamed, with a
chosen share of bad rows of every kind.

Everything here is made up (illustrative): surnames are common Dutch ones combined at random
with random initials, birth dates and house numbers; creditors are fictitious; e-mail addresses
are at ``example.org``. Addresses lie in the municipality's neighbourhoods' postcode ranges.

The same setup, row count, bad share, seed and format give the same bytes. The generator keeps
only a bounded window of recent households and reports (to repeat a household or let a creditor
report again), so a feed of any length streams in constant memory. Each :class:`FeedLine` says
which defect it carries, so a test can check that exactly the bad rows are quarantined.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import IO

from ..domain.municipality import Neighbourhood
from ..domain.setup import MunicipalitySetup
from .feed import FIELDS, CreditorKind, FeedFormat

PERIOD_START = date(2025, 1, 1)
PERIOD_END = date(2025, 12, 31)
"""Signal dates of good rows fall in this year."""
WINDOW = 500
"""Recent households and reports kept to repeat: the generator's whole memory."""
LETTERS = 26 * 26
"""Letter pairs per four-digit postcode area (``AA`` to ``ZZ``)."""

_FIELD_DEFECTS = (
    "unknown_postcode",
    "bad_postcode",
    "bad_date",
    "future_date",
    "dates_out_of_order",
    "negative_amount",
    "bad_amount",
    "missing_field",
    "unknown_creditor_kind",
    "bad_house_number",
    "bad_suffix",
    "bad_initials",
    "bad_phone",
    "bad_email",
    "too_long",
    "not_utf8",
)
DEFECTS: dict[FeedFormat, tuple[str, ...]] = {
    "csv": (*_FIELD_DEFECTS, "not_csv", "wrong_column_count"),
    "jsonl": (*_FIELD_DEFECTS, "not_json", "not_object"),
}
"""The kinds of bad row, per format. Every kind but ``unknown_postcode`` fails reading; an
unknown postcode (in no neighbourhood of the municipality) is refused by the engine's routing."""

SURNAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf",
    "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel",
    "van der Veen", "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten",
    "van Beek", "Willems", "van Vliet", "Hoekstra", "Maas", "Verhoeven", "Koster", "Prins",
    "Yılmaz", "El Amrani", "Bulut", "Nguyen", "Öztürk",
)  # fmt: skip
"""Common Dutch surnames, combined at random with everything else: no real person is meant."""
INITIALS = "AAJJMMHHPPWCGERSTKLNBDFIY"

CREDITORS: dict[CreditorKind, tuple[str, ...]] = {
    CreditorKind.HOUSING: (
        "Woonstichting Voorbeeld",
        "Wooncorporatie Waalzicht",
        "Huisvester Oost",
    ),
    CreditorKind.ENERGY: ("Energie Voorbeeld", "Stroom en Gas Noord"),
    CreditorKind.WATER: ("Waterbedrijf Voorbeeld",),
    CreditorKind.HEALTH_INSURER: ("Zorgverzekeraar Voorbeeld", "Ziektekosten Rivierenland"),
}
"""Fictitious creditors per kind."""
ARREARS: dict[CreditorKind, tuple[int, int]] = {
    CreditorKind.HOUSING: (300, 6000),
    CreditorKind.ENERGY: (100, 2500),
    CreditorKind.WATER: (50, 600),
    CreditorKind.HEALTH_INSURER: (150, 3000),
}
"""Plausible arrears per creditor kind, in whole euros (low, high)."""


class GenerateError(Exception):
    """The setup cannot yield a feed (no neighbourhood with postcodes and a team)."""


@dataclass(frozen=True, slots=True)
class FeedLine:
    """One generated data row: the row number the reader will give it, its bytes (line ending
    included), and the kind of defect it carries (``None`` for a good row)."""

    row: int
    data: bytes
    defect: str | None


@dataclass(frozen=True, slots=True)
class _Person:
    surname: str
    initials: str
    birth_date: date | None


@dataclass(frozen=True, slots=True)
class _Household:
    postcode: str
    house_number: int
    suffix: str | None
    people: tuple[_Person, ...]


@dataclass(frozen=True, slots=True)
class _Report:
    household: _Household
    person: _Person
    kind: CreditorKind
    creditor: str
    signal_date: date
    arrears: Decimal
    arrears_since: date


def postcode_ranges(neighbourhood: Neighbourhood) -> list[tuple[int, int]]:
    """The neighbourhood's postcode entries as inclusive ranges of postcode numbers
    (four digits times 676 plus the letter pair's place: ``6535`` covers ``6535AA``-``6535ZZ``)."""
    ranges = []
    for entry in neighbourhood.postcodes:
        low, _, high = entry.partition("-")
        ranges.append((_number(low, first=True), _number(high or low, first=False)))
    return ranges


def _number(code: str, *, first: bool) -> int:
    area = int(code[:4]) * LETTERS
    if len(code) == 4:
        return area if first else area + LETTERS - 1
    return area + (ord(code[4]) - 65) * 26 + ord(code[5]) - 65


def _postcode(number: int) -> str:
    area, pair = divmod(number, LETTERS)
    return f"{area:04d}{chr(65 + pair // 26)}{chr(65 + pair % 26)}"


class _Maker:
    """The generator's state: its random source, the served postcode ranges, recent households."""

    def __init__(self, setup: MunicipalitySetup, rows: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows = rows
        self.seed = seed
        served = {team.neighbourhood for team in setup.teams}
        self.areas = [
            (max(n.target_households or n.households or 1, 1), postcode_ranges(n))
            for n in setup.neighbourhoods
            if n.postcodes and n.key in served
        ]
        if not self.areas:
            raise GenerateError(
                f"no neighbourhood of {setup.municipality.name} has postcodes and a team; a feed "
                "needs addresses the teams serve (Neighbourhood.postcodes)"
            )
        self.neighbourhoods = setup.neighbourhoods
        self.households: deque[_Household] = deque(maxlen=WINDOW)
        self.reports: deque[_Report] = deque(maxlen=WINDOW)

    def postcode(self) -> str:
        weights = [weight for weight, _ in self.areas]
        ranges = self.rng.choices([r for _, r in self.areas], weights)[0]
        low, high = self.rng.choice(ranges)
        return _postcode(self.rng.randint(low, high))

    def unknown_postcode(self) -> str:
        while True:
            code = f"{self.rng.randint(1000, 9999)}{self.rng.choice('ABCDEFGHJKLMNPRTVWXZ') * 2}"
            if not any(n.covers_postcode(code) for n in self.neighbourhoods):
                return code

    def person(self, surname: str | None = None) -> _Person:
        initials = "".join(f"{c}." for c in self.rng.sample(INITIALS, self.rng.randint(1, 3)))
        born = None
        if self.rng.random() < 0.8:
            born = date(1935, 1, 1) + timedelta(days=self.rng.randint(0, 70 * 365))
        return _Person(surname or self.rng.choice(SURNAMES), initials, born)

    def household(self) -> _Household:
        first = self.person()
        people: tuple[_Person, ...] = (first,)
        if self.rng.random() < 0.3:
            people += (self.person(first.surname if self.rng.random() < 0.5 else None),)
        suffix = None
        if self.rng.random() < 0.15:
            suffix = self.rng.choice(("A", "B", "C", "D", "1", "2", "BIS", "HS"))
        return _Household(self.postcode(), self.rng.randint(1, 250), suffix, people)

    def signal_date(self, index: int) -> date:
        days = (PERIOD_END - PERIOD_START).days
        base = index * days // max(self.rows, 1)
        return min(PERIOD_START + timedelta(days=base + self.rng.randint(0, 3)), PERIOD_END)

    def report(self, index: int, household: _Household | None = None) -> _Report:
        household = household or self.household()
        kind = self.rng.choice(list(CreditorKind))
        low, high = ARREARS[kind]
        when = self.signal_date(index)
        return _Report(
            household,
            self.rng.choice(household.people),
            kind,
            self.rng.choice(CREDITORS[kind]),
            when,
            Decimal(self.rng.randint(low * 100, high * 100)) / 100,
            when - timedelta(days=self.rng.randint(30, 240)),
        )

    def good(self, index: int) -> _Report:
        """A report: a creditor reporting again, a known household's other creditor, or new."""
        chance = self.rng.random()
        if chance < 0.1 and self.reports:
            earlier = self.rng.choice(self.reports)
            when = min(
                max(self.signal_date(index), earlier.signal_date + timedelta(days=1)), PERIOD_END
            )
            more = Decimal(self.rng.randint(0, 50000)) / 100
            report = replace(earlier, signal_date=when, arrears=earlier.arrears + more)
        elif chance < 0.35 and self.households:
            report = self.report(index, self.rng.choice(self.households))
        else:
            report = self.report(index)
            self.households.append(report.household)
        self.reports.append(report)
        return report

    def fields(self, index: int, report: _Report) -> dict[str, str]:
        """The row's text fields (optional ones left out at random)."""
        person, household = report.person, report.household
        row = {
            "external_id": f"S{self.seed}-{index + 1:07d}",
            "signal_date": report.signal_date.isoformat(),
            "creditor_kind": report.kind.value,
            "creditor": report.creditor,
            "surname": person.surname,
            "initials": person.initials,
            "postcode": household.postcode,
            "house_number": str(household.house_number),
            "house_number_suffix": household.suffix or "",
            "birth_date": person.birth_date.isoformat() if person.birth_date else "",
            "arrears_eur": f"{report.arrears:.2f}" if self.rng.random() < 0.95 else "",
            "arrears_since": report.arrears_since.isoformat() if self.rng.random() < 0.8 else "",
            "phone": "",
            "email": "",
        }
        if self.rng.random() < 0.5:
            row["phone"] = f"06-{self.rng.randint(10000000, 99999999)}"
        if self.rng.random() < 0.3:
            name = person.surname.replace(" ", "").lower()
            row["email"] = f"{person.initials[0].lower()}.{name}@example.org"
        return row

    def spoil(self, row: dict[str, str], defect: str) -> dict[str, str]:
        """``row`` with the defect in its fields (the line-level ones are made by :func:`_line`)."""
        choice = self.rng.choice
        changes: dict[str, str] = {
            "unknown_postcode": {"postcode": self.unknown_postcode()},
            "bad_postcode": {"postcode": choice(("653 AB", "65354AB", "ABCD12", "6535-AB"))},
            "bad_date": {
                "signal_date": choice(("2025-02-30", "31-12-2025", "2025/03/01", "2025-13-01"))
            },
            "future_date": {"signal_date": f"2199-0{self.rng.randint(1, 9)}-15"},
            "dates_out_of_order": {"arrears_since": "2025-12-31", "signal_date": "2025-01-15"},
            "negative_amount": {"arrears_eur": f"-{self.rng.randint(1, 900)}.00"},
            "bad_amount": {"arrears_eur": choice(("12,50", "twelve", "1.234,56", "EUR 40"))},
            "missing_field": {choice(("surname", "postcode", "signal_date", "creditor")): ""},
            "unknown_creditor_kind": {"creditor_kind": choice(("gas", "telecom", "bank"))},
            "bad_house_number": {"house_number": choice(("0", "12a", "100000", "-3"))},
            "bad_suffix": {"house_number_suffix": choice(("toolong7", "a-b", "#1"))},
            "bad_initials": {"initials": choice(("123", "J.1", ".P", "J_"))},
            "bad_phone": {"phone": choice(("12345", "call me", "06-1234"))},
            "bad_email": {"email": choice(("no-at-sign.example.org", "a@b", "@example.org"))},
            "too_long": {"creditor": "Incassobureau " * 20},
        }.get(defect, {})
        return row | changes


def feed_header(kind: FeedFormat) -> bytes:
    """The header line of a CSV feed (JSON Lines has none)."""
    return (",".join(FIELDS) + "\r\n").encode() if kind == "csv" else b""


def _csv_line(values: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue().encode()


def _json_text(row: dict[str, str]) -> str:
    value: dict[str, object] = {}
    for name, text in row.items():
        if text == "":
            continue
        if name == "house_number" and text.isdigit():
            value[name] = int(text)
        elif name == "arrears_eur" and text.replace(".", "", 1).isdigit():
            value[name] = float(text)
        else:
            value[name] = text
    return json.dumps(value, ensure_ascii=False)


def _line(kind: FeedFormat, row: dict[str, str], defect: str | None) -> bytes:
    if kind == "csv":
        values = [row[name] for name in FIELDS]
        if defect == "not_csv":
            return (
                ",".join(values[:3]) + ',"' + values[3] + '"x,' + ",".join(values[4:]) + "\r\n"
            ).encode()
        if defect == "wrong_column_count":
            return _csv_line(values[: len(values) - 2])
        data = _csv_line(values)
    else:
        if defect == "not_json":
            return (_json_text(row)[:-12] + "\n").encode()
        if defect == "not_object":
            return (json.dumps(list(row.values()), ensure_ascii=False) + "\n").encode()
        data = (_json_text(row) + "\n").encode()
    if defect == "not_utf8":
        surname = row["surname"].encode()
        data = data.replace(surname, surname[:1] + b"\xff" + surname[1:], 1)
    return data


def feed_lines(
    setup: MunicipalitySetup, rows: int, bad_share: float, seed: int, kind: FeedFormat
) -> Iterator[FeedLine]:
    """The feed's data rows, one at a time; ``rows * bad_share`` (rounded down) of them are bad, spread
    evenly through the file, their defects taking turns so that every kind appears."""
    maker = _Maker(setup, rows, seed)
    defects = list(DEFECTS[kind])
    maker.rng.shuffle(defects)
    first_row = 2 if kind == "csv" else 1
    made_bad = 0
    for index in range(rows):
        bad = int((index + 1) * bad_share) > int(index * bad_share)
        if bad:
            defect = defects[made_bad % len(defects)]
            made_bad += 1
            row = maker.spoil(maker.fields(index, maker.report(index)), defect)
            yield FeedLine(first_row + index, _line(kind, row, defect), defect)
        else:
            report = maker.good(index)
            yield FeedLine(first_row + index, _line(kind, maker.fields(index, report), None), None)


def write_feed(
    out: IO[bytes],
    setup: MunicipalitySetup,
    rows: int,
    bad_share: float = 0.05,
    seed: int = 1,
    kind: FeedFormat = "csv",
) -> int:
    """Write a whole feed to the binary stream ``out``; returns the number of bad rows."""
    out.write(feed_header(kind))
    bad = 0
    for line in feed_lines(setup, rows, bad_share, seed, kind):
        out.write(line.data)
        bad += line.defect is not None
    return bad
