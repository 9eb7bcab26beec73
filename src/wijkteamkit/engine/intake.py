"""Receiving a debt early-warning feed in bulk: one transaction per chunk of reports.

Housing corporations, energy and water companies and health insurers report payment arrears
(vroegsignalering) so the team can reach out. :meth:`Intake.write` takes a chunk of validated
reports (``wijkteamkit.intake.feed.DebtReport``, with their source row numbers) and, in one
transaction with the audit head locked once, gives every row one :class:`Outcome`:

- ``duplicate``: its (source, external id) was received before (or earlier in the chunk);
  nothing is written or audited, and the outcome names the first receipt;
- ``rejected``: no team serves its postcode, that team has not started on the day of the
  chunk (``team-not-started``), or a date lies ahead of the engine's clock; the outcome says
  why (the CLI quarantines the row); nothing is written;
- ``merged``: its household has an open signal (state ``received``) from the same creditor
  (kind and name): that signal takes the new arrears, dates and summary, audited
  ``signal.merged``;
- ``accepted``: a new signal (reporter ``debt_early_warning``), routed to the household's team,
  audited ``signal.received`` and announced (``SignalReceived``) after commit.

A report names no BSN, so its household is found by address (:mod:`.matching`, the rule the
interactive path uses for an intake without a BSN) among the open ones, or created with one
member (the head: initials and surname, birth date, phone and e-mail as reported). Every
reference of an accepted or merged row is kept, so the same file received again changes
nothing. Everything is written with SQLAlchemy Core: a few set-based reads and one
``executemany`` per table, whatever the chunk's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from pydantic import TypeAdapter
from sqlalchemy import Connection, Table, bindparam, select, update

from ..domain import Signal
from ..domain.case import Actor, MemberRole, Role
from ..domain.common import LOCAL_ZONE, Key, local_date
from ..domain.events import SignalReceived
from ..domain.signal import Reporter
from ..store.bulk import insert_many, reserve_ids
from ..store.tables import PersonRow
from .casework import Casework
from .context import Context, Tx
from .errors import ConflictError, RuleViolation
from .inputs import require_born, require_not_future, require_valid
from .matching import (
    HOUSEHOLD,
    SIGNAL,
    Address,
    Receipt,
    households_at,
    lock_intake,
    received,
    record_references,
)
from .process import CaseState, SignalState, move
from .signals import RECEIVING_ROLES
from .starts import not_started

PERSON: Table = PersonRow.__table__  # type: ignore[attr-defined]

DEBT_INDICATOR = "payment-arrears"
"""The indicator a debt early-warning signal flags, when the municipality's setup defines it
(so escalation rules can name it); a setup without it flags nothing."""

INTAKE_ORGANISATION = "wijkteamkit intake"

_SOURCE = TypeAdapter(Key)


class Report(Protocol):
    """What the engine reads of one feed row: ``wijkteamkit.intake.feed.DebtReport``, already
    validated (the engine checks only what needs its clock or the setup)."""

    @property
    def external_id(self) -> str: ...
    @property
    def signal_date(self) -> date: ...
    @property
    def creditor_kind(self) -> str: ...
    @property
    def creditor(self) -> str: ...
    @property
    def surname(self) -> str: ...
    @property
    def initials(self) -> str: ...
    @property
    def postcode(self) -> str: ...
    @property
    def house_number(self) -> int: ...
    @property
    def house_number_suffix(self) -> str | None: ...
    @property
    def birth_date(self) -> date | None: ...
    @property
    def arrears_eur(self) -> Decimal | None: ...
    @property
    def arrears_since(self) -> date | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...


class Outcome(StrEnum):
    """What became of one report."""

    ACCEPTED = "accepted"
    MERGED = "merged"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """One report's outcome: its source row, the household and signal it went to (ids) and
    their team, or why it was rejected."""

    row: int
    outcome: Outcome
    team: str | None = None
    household: int | None = None
    signal: int | None = None
    reasons: tuple[str, ...] = ()


def intake_actor(municipality: str, source: str, organisation: str = INTAKE_ORGANISATION) -> Actor:
    """The system account that receives ``source``'s feed: ``intake:<source>``, role intake."""
    return Actor(
        id=f"intake:{source}",
        role=Role.INTAKE,
        municipality=municipality,
        organisation=organisation,
    )


def received_at(signal_date: date) -> datetime:
    """When a report dated ``signal_date`` was received: the start of that day in the Netherlands."""
    return datetime.combine(signal_date, time(), LOCAL_ZONE)


def summary(report: Report) -> str:
    """The signal's text: the creditor, the arrears and since when (no personal data)."""
    text = f"Betalingsachterstand gemeld door {report.creditor} ({report.creditor_kind})"
    if report.arrears_eur is not None:
        text += f": EUR {report.arrears_eur}"
    if report.arrears_since is not None:
        text += f", sinds {report.arrears_since.isoformat()}"
    return text


def debt_values(report: Report) -> dict[str, Any]:
    """The signal columns a report sets, on a new signal and on one it is merged into."""
    cents = None if report.arrears_eur is None else int(report.arrears_eur * 100)
    return {
        "creditor_kind": str(report.creditor_kind),
        "creditor": report.creditor,
        "arrears_cents": cents,
        "arrears_since": report.arrears_since,
        "summary": summary(report),
    }


class Intake:
    """Receives one source's reports for one municipality, a chunk per transaction."""

    def __init__(self, casework: Casework, source: str, actor: Actor | None = None) -> None:
        self.source = require_valid(_SOURCE, source, "source", "the source name")
        self.actor = actor or intake_actor(casework.setup.code, self.source)
        self.context: Context = casework.as_actor(self.actor).context
        self.indicators = (
            [DEBT_INDICATOR] if casework.setup.get("indicators", DEBT_INDICATOR) else []
        )
        self.teams: dict[str, str | RuleViolation] = {}
        """The routing hook's answer per postcode, asked once per postcode (the setup is fixed)."""

    def write(self, reports: Sequence[tuple[int, Report]]) -> list[RowOutcome]:
        """Receive ``reports`` (source row number, report) in one transaction; one outcome per
        report, in order. When another writer got in between (a conflict), the chunk is rolled
        back and tried once more; what that writer received is then a duplicate."""
        try:
            return self._write(reports)
        except ConflictError:
            return self._write(reports)

    def _write(self, reports: Sequence[tuple[int, Report]]) -> list[RowOutcome]:
        with self.context.transaction("ingest") as tx:
            if self.actor.role not in RECEIVING_ROLES:
                tx.refuse(None, "role", f"a {self.actor.role.value} does not receive signals")
            chunk = _Chunk(tx, self.source, self.indicators, self.teams)
            outcomes = chunk.run(reports)
        return outcomes


@dataclass(eq=False, slots=True)
class _Household:
    """A household reports go to: found open at their address, or made by this chunk."""

    id: int | None
    team: str | None
    case_state: str
    row: dict[str, Any] | None = None
    """The household row to insert, for one this chunk makes; ``head`` its one member."""
    head: dict[str, Any] | None = None
    reopened: bool = False
    """A found household whose answered case a new signal moves back to ``signalled``."""


@dataclass(eq=False, slots=True)
class _Signal:
    """An open signal reports go to: found (``id``), or made by this chunk (``id`` None)."""

    household: _Household
    id: int | None
    values: dict[str, Any]
    """The row to insert for a new signal; the merged debt to set on a found one."""


@dataclass(frozen=True, slots=True)
class _Received:
    """An accepted or merged report."""

    row: int
    signal: _Signal
    team: str
    merged: bool
    matched: bool


class _Chunk:
    """One chunk in one transaction: the steps of :meth:`Intake.write`."""

    def __init__(
        self, tx: Tx, source: str, indicators: list[str], teams: dict[str, str | RuleViolation]
    ) -> None:
        self.tx = tx
        self.connection: Connection = tx.connection
        self.municipality = tx.actor.municipality
        self.source = source
        self.indicators = indicators
        self.teams = teams

    def run(self, reports: Sequence[tuple[int, Report]]) -> list[RowOutcome]:
        lock_intake(self.connection, self.municipality)
        earlier = received(
            self.connection, self.municipality, self.source, [r.external_id for _, r in reports]
        )
        households = {
            address: _Household(found.id, found.team, found.case_state)
            for address, found in households_at(
                self.connection, self.municipality, [_address(r) for _, r in reports]
            ).items()
        }
        signals = self._open_signals(list(households.values()))
        results: list[RowOutcome | _Received | tuple[int, str]] = []
        references: dict[str, _Signal] = {}
        for row, report in reports:
            reference = report.external_id
            if reference in earlier or reference in references:
                results.append((row, reference))  # a duplicate
                continue
            team = self._team(report)
            if isinstance(team, RuleViolation):
                results.append(RowOutcome(row, Outcome.REJECTED, reasons=(str(team),)))
                continue
            address = _address(report)
            household = households.get(address)
            matched = household is not None
            if household is None:
                household = households[address] = self._new_household(report, team)
            key = (household, str(report.creditor_kind), report.creditor)
            signal = signals.get(key)
            merged = signal is not None
            if signal is None:
                signal = signals[key] = self._new_signal(household, report, team)
            else:
                signal.values.update(debt_values(report))
            references[reference] = signal
            results.append(_Received(row, signal, household.team or team, merged, matched))
        self._write(list(households.values()), list(signals.values()))
        record_references(
            self.connection,
            self.municipality,
            self.source,
            {reference: _id(signal.id) for reference, signal in references.items()},
        )
        receipts = earlier | {
            reference: Receipt(_id(signal.household.id), _id(signal.id), _team(signal))
            for reference, signal in references.items()
        }
        return [self._outcome(result, receipts) for result in results]

    def _outcome(
        self, result: RowOutcome | _Received | tuple[int, str], receipts: dict[str, Receipt]
    ) -> RowOutcome:
        """The row's outcome; an accepted or merged one is audited here, in row order."""
        if isinstance(result, RowOutcome):
            return result
        if isinstance(result, tuple):
            row, reference = result
            first = receipts[reference]
            return RowOutcome(row, Outcome.DUPLICATE, None, first.household, first.signal)
        household, signal = _id(result.signal.household.id), _id(result.signal.id)
        if result.merged:
            self.tx.audit("signal.merged", household, detail={"signal": signal})
            return RowOutcome(result.row, Outcome.MERGED, result.team, household, signal)
        if result.matched:
            self.tx.audit("signal.matched", household, detail={"by": "address"})
        reporter = Reporter.DEBT_EARLY_WARNING.value
        self.tx.audit(
            "signal.received",
            household,
            detail={"signal": signal, "reporter": reporter, "team": result.team},
        )
        self.tx.announce(
            SignalReceived, household, signal=signal, reporter=reporter, team=result.team
        )
        return RowOutcome(result.row, Outcome.ACCEPTED, result.team, household, signal)

    def _team(self, report: Report) -> str | RuleViolation:
        """The team that serves the report's postcode, or why the report is refused."""
        try:
            at = received_at(report.signal_date)
            require_not_future(at, self.tx.now, "signal_date")
            if report.birth_date is not None:
                require_born(report.birth_date, self.tx.now, "birth_date")
        except RuleViolation as refused:
            return refused
        if report.postcode not in self.teams:  # the routing hook: once per postcode and run
            signal = Signal.model_construct(  # of validated values: no second validation
                reporter=Reporter.DEBT_EARLY_WARNING, received_at=at, postcode=report.postcode
            )
            try:
                self.teams[report.postcode] = self.tx.hooks.route_signal(signal)
            except RuleViolation as unserved:
                # kept for the run without its traceback, whose frames hold this whole chunk
                self.teams[report.postcode] = unserved.with_traceback(None)
        team = self.teams[report.postcode]
        if isinstance(team, str):  # the team must have started on the day of the chunk
            return not_started(self.tx.setup, team, local_date(self.tx.now)) or team
        return team

    def _open_signals(
        self, households: list[_Household]
    ) -> dict[tuple[_Household, str, str], _Signal]:
        """The open debt signals of the households found, by household, creditor kind and name
        (the newest, if several)."""
        by_id = {h.id: h for h in households if h.id is not None}
        if not by_id:
            return {}
        query = (
            select(SIGNAL.c.id, SIGNAL.c.household_id, SIGNAL.c.creditor_kind, SIGNAL.c.creditor)
            .where(
                SIGNAL.c.municipality == self.municipality,
                SIGNAL.c.household_id.in_(sorted(by_id)),
                SIGNAL.c.state == SignalState.RECEIVED.value,
                SIGNAL.c.creditor.is_not(None),
            )
            .order_by(SIGNAL.c.id)
        )
        return {
            (by_id[household], kind, creditor): _Signal(by_id[household], signal, {})
            for signal, household, kind, creditor in self.connection.execute(query)
        }

    def _new_household(self, report: Report, team: str) -> _Household:
        found = self.tx.setup.get("teams", team)
        household = _Household(None, team, CaseState.SIGNALLED.value)
        household.row = {
            "municipality": self.municipality,
            "neighbourhood": getattr(found, "neighbourhood", None),
            "team": team,
            "postcode": report.postcode,
            "house_number": report.house_number,
            "house_number_suffix": report.house_number_suffix,
            "case_state": CaseState.SIGNALLED.value,
            "created_at": self.tx.now,
            "closed_at": None,
        }
        household.head = {
            "municipality": self.municipality,
            "role": MemberRole.HEAD.value,
            "birth_date": report.birth_date,
            "name": f"{report.initials} {report.surname}",
            "bsn": None,
            "phone": report.phone,
            "email": report.email,
        }
        return household

    def _new_signal(self, household: _Household, report: Report, team: str) -> _Signal:
        if household.case_state == CaseState.ANSWERED:  # a new concern reopens the question
            move(household, CaseState.SIGNALLED)
            household.reopened = True
        values = {
            "municipality": self.municipality,
            "reporter": Reporter.DEBT_EARLY_WARNING.value,
            "received_at": received_at(report.signal_date),
            "indicators": self.indicators,
            "team": household.team or team,
            "state": SignalState.RECEIVED.value,
            "triage": None,
            "source": self.source,
            "external_reference": report.external_id,
            **debt_values(report),
        }
        return _Signal(household, None, values)

    def _write(self, households: list[_Household], signals: list[_Signal]) -> None:
        """Insert the new households, their heads and the new signals, move reopened
        households on, and set the merged debts: one statement per table."""
        new = [h for h in households if h.row is not None]
        for household, household_id in zip(
            new, reserve_ids(self.connection, HOUSEHOLD, len(new)), strict=True
        ):
            household.id = household_id
        insert_many(
            self.connection,
            HOUSEHOLD,
            HOUSEHOLD_COLUMNS,
            [{**(h.row or {}), "id": h.id} for h in new],
        )
        insert_many(
            self.connection,
            PERSON,
            PERSON_COLUMNS,
            [{**(h.head or {}), "household_id": h.id} for h in new],
        )
        reopened = [h.id for h in households if h.reopened]
        if reopened:
            self.connection.execute(
                update(HOUSEHOLD)
                .where(HOUSEHOLD.c.id.in_(reopened))
                .values(case_state=CaseState.SIGNALLED.value)
            )
        fresh = [s for s in signals if s.id is None]
        for signal, signal_id in zip(
            fresh, reserve_ids(self.connection, SIGNAL, len(fresh)), strict=True
        ):
            signal.id = signal_id
        insert_many(
            self.connection,
            SIGNAL,
            SIGNAL_COLUMNS,
            [{**s.values, "id": s.id, "household_id": s.household.id} for s in fresh],
        )
        merged = [{**s.values, "merged_id": s.id} for s in signals if s.id is not None and s.values]
        if merged:
            self.connection.execute(
                update(SIGNAL).where(SIGNAL.c.id == bindparam("merged_id")), merged
            )


HOUSEHOLD_COLUMNS = tuple(c.name for c in HOUSEHOLD.columns)
PERSON_COLUMNS = tuple(c.name for c in PERSON.columns if c.name != "id")
SIGNAL_COLUMNS = tuple(c.name for c in SIGNAL.columns)
"""The columns each insert fills (a person's id is left to the database)."""


def _address(report: Report) -> Address:
    return (report.postcode, report.house_number, report.house_number_suffix)


def _id(value: int | None) -> int:
    """An id the chunk has written by now."""
    assert value is not None
    return value


def _team(signal: _Signal) -> str | None:
    """The team a signal went to: a new one's row names it; a found one is its household's."""
    team = signal.values.get("team", signal.household.team)
    return None if team is None else str(team)
