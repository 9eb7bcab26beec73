"""Receiving signals, routing them to a team, and triage."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, text, update

from ..domain import Signal
from ..domain.case import (
    HouseholdIn,
    Role,
)
from ..domain.common import local_date
from ..domain.events import (
    SignalReceived,
)
from ..store.bulk import insert_many, reserve_ids
from ..store.tables import (
    HouseholdRow,
    PersonRow,
    SignalRow,
)
from .context import TEAM_ROLES, Context, Tx
from .errors import (
    NotFound,
    RuleViolation,
    item,
)
from .ids import in_range, keys_in_range
from .inputs import require_born, require_known, require_not_future
from .lookups import household_in, households
from .matching import (
    HOUSEHOLD,
    Address,
    Receipt,
    households_at,
    lock_intake,
    received,
    record_references,
)
from .moves import states, write_moves
from .process import (
    SIGNAL,
    CaseState,
    SignalState,
    move,
)
from .results import OperationResult, SignalReceipt
from .starts import not_started

BSN_LOCK_NAMESPACE = 0x42530000
"""First key of the PostgreSQL advisory lock on a BSN, plus the municipality's number; the
second key is the BSN itself (nine digits fit in 32 bits)."""

_LOCK = text("SELECT pg_advisory_xact_lock(:namespace, :bsn)")

SIGNAL_TABLE: Table = SignalRow.__table__  # type: ignore[attr-defined]
PERSON: Table = PersonRow.__table__  # type: ignore[attr-defined]

RECEIVING_ROLES = (Role.INTAKE, *TEAM_ROLES)
"""Who receives signals: a member of a team, or the intake system account."""


class SignalOps:
    """Receiving signals, routing them to a team, and triage."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def receive_signal(self, signal: Signal, household: HouseholdIn | int) -> SignalReceipt:
        """Record a signal about a new or known household and route it to a team.

        Returns the household and signal ids (it unpacks as ``household, signal``) and the team
        the signal was routed to (``receipt.team``). The routing
        hook picks the team of the household's neighbourhood; a signal that no team serves is
        refused. A new household one of whose members' BSN is already in an open household of
        the municipality is that household: the signal is attached to it and goes to its team
        (audited as ``signal.matched``). BSNs in several open households are refused, and so is
        reopening a closed household while one of its BSNs is in another open household. A new
        household without a BSN that gives its house number is the open household at that
        address, if there is one (``signal.matched`` by address, as in the bulk intake).

        A signal with a ``source`` and ``external_reference`` received before is that receipt:
        the first household and signal ids come back and nothing is written or audited.
        """
        with self.context.transaction("receive_signal") as tx:
            receipt = self.receive_signals_in(tx, [(signal, household)])[0]
        return replace(receipt, hook_failures=self.context.hook_failures)

    def receive_signals_in(
        self, tx: Tx, items: Sequence[tuple[Signal, HouseholdIn | int]]
    ) -> list[SignalReceipt]:
        """Receive each (signal, household) of ``items`` in ``tx``, in order, with the rules of
        :meth:`receive_signal`; the receipts in order (their hook failures are the batch's).

        Every item's input is checked before anything is written; an error names the item that
        failed (``item 3: ...``) and leaves nothing of the batch. What the items refer to is read
        with one query per kind (references, households by id, open households by BSN and by
        address); the items are then matched in order against indexes each item updates, so an
        item finds the household an earlier one made, as one at a time would; each table is
        written with one ``executemany``.
        """
        if not items:
            return []
        if self.context.actor.role not in RECEIVING_ROLES:
            tx.refuse(None, "role", f"a {self.context.actor.role.value} does not receive signals")
        for index, (signal, household) in enumerate(items):
            with item(index, len(items)):
                self._check_signal(signal, household, tx.now)
        intake = _Intake(tx, self._read(tx, items))
        for index, (signal, household) in enumerate(items):
            with item(index, len(items)):
                intake.receive(signal, household)
        return intake.write()

    def _read(self, tx: Tx, items: Sequence[tuple[Signal, HouseholdIn | int]]) -> _Known:
        """What the batch's items refer to, one query per kind (on PostgreSQL the intake lock
        and then every BSN's lock first, in order, as one signal at a time takes them)."""
        municipality = tx.actor.municipality
        connection = tx.connection
        new = [h for _, h in items if isinstance(h, HouseholdIn)]
        given = {h for _, h in items if not isinstance(h, HouseholdIn)}
        addresses = {
            (h.postcode, h.house_number, h.house_number_suffix)
            for h in new
            if not h.bsns and h.house_number is not None
        }
        sources: dict[str, set[str]] = {}
        for signal, _ in items:
            if signal.source is not None and signal.external_reference is not None:
                sources.setdefault(signal.source, set()).add(signal.external_reference)
        if sources or addresses:
            lock_intake(connection, municipality)
        references = {
            (source, reference): receipt
            for source, wanted in sources.items()
            for reference, receipt in received(connection, municipality, source, wanted).items()
        }
        members = _closed_members(tx, given)
        bsns = frozenset().union(*(h.bsns for h in new), *members.values())
        by_bsn = _open_with(tx, bsns)
        at = households_at(connection, municipality, addresses)
        ids = given | {i for found in by_bsn.values() for i in found} | {h.id for h in at.values()}
        homes = _homes(tx, ids)
        return _Known(
            references=references,
            members=members,
            by_bsn={bsn: [homes[i] for i in sorted(found)] for bsn, found in by_bsn.items()},
            at={address: homes[found.id] for address, found in at.items()},
            homes=homes,
        )

    def _check_signal(self, signal: Signal, household: HouseholdIn | int, now: datetime) -> None:
        """What a signal's input must satisfy against the setup and the engine's clock."""
        require_not_future(signal.received_at, now, "received_at")
        require_known(
            signal.indicators,
            [i.key for i in self.context.setup.indicators],
            "indicator(s)",
            "indicator",
        )
        if isinstance(household, HouseholdIn):
            for number, person in enumerate(household.members, start=1):
                require_born(person.birth_date, now, f"birth_date of member {number}")

    def triage(self, signal_id: int, integral: bool) -> OperationResult:
        """Triage a signal: a single question answered at once, or integral (a home visit)."""
        with self.context.transaction("triage") as tx:
            self.triage_in(tx, [(signal_id, integral)])
        return self.context.result()

    def triage_in(self, tx: Tx, items: Sequence[tuple[int, bool]]) -> None:
        """Triage each (signal id, integral) of ``items`` in ``tx``, in order.

        Every item is checked before anything is written; an error names the item that failed
        (``item 3: ...``) and leaves nothing of the batch. One query reads the signals, one the
        households; one ``UPDATE ... WHERE id IN (...)`` per outcome writes the signals, and
        the case states as :mod:`.moves` does.
        """
        if not items:
            return
        found = _signals(tx, {signal_id for signal_id, _ in items})
        homes = households(tx, {signal.household_id for signal in found.values()})
        read = states(homes)
        triaged: list[str] = []
        for index, (signal_id, integral) in enumerate(items):
            with item(index, len(items)):
                signal = found.get(signal_id)
                if signal is None:
                    raise NotFound(f"no signal {signal_id!r:.40} in {tx.setup.municipality.name}")
                household = household_in(tx, homes, signal.household_id)
                tx.require_team(household)
                SIGNAL.check(signal.state, SignalState.TRIAGED, f"signal {signal_id}")
                signal.state = SignalState.TRIAGED
                move(household, CaseState.HOME_VISIT if integral else CaseState.ANSWERED)
                triaged.append("integral" if integral else "single")
        for outcome in sorted(set(triaged)):
            chosen = [s for (s, _), t in zip(items, triaged, strict=True) if t == outcome]
            tx.connection.execute(_TRIAGE, {"signals": chosen, "triage": outcome})
        write_moves(tx, homes, read)
        for (signal_id, _), outcome in zip(items, triaged, strict=True):
            household_id = found[signal_id].household_id
            tx.audit(
                "signal.triaged",
                household_id,
                detail={"signal": signal_id, "triage": outcome},
            )


@dataclass(slots=True)
class _Signal:
    """A signal as triage reads it."""

    household_id: int
    state: str


_TRIAGE = (
    update(SIGNAL_TABLE)
    .where(SIGNAL_TABLE.c.id.in_(bindparam("signals", expanding=True)))
    .values(state=SignalState.TRIAGED, triage=bindparam("triage"))
)


_SIGNALS = select(SIGNAL_TABLE.c.id, SIGNAL_TABLE.c.household_id, SIGNAL_TABLE.c.state).where(
    SIGNAL_TABLE.c.id.in_(bindparam("signals", expanding=True)),
    SIGNAL_TABLE.c.municipality == bindparam("municipality"),
)


def _signals(tx: Tx, ids: Collection[int]) -> dict[int, _Signal]:
    """The actor's municipality's signals among ``ids``, by id (one query)."""
    keys = sorted(key for key in ids if in_range(tx.db, SignalRow, key))
    if not keys:
        return {}
    found = tx.connection.execute(
        _SIGNALS, {"signals": keys, "municipality": tx.actor.municipality}
    )
    return {key: _Signal(household, state) for key, household, state in found}


@dataclass(slots=True, eq=False)
class _Home:
    """A household as receiving signals sees it; ``id`` is ``None`` for one the batch makes
    until the ids are reserved."""

    id: int | None
    team: str | None
    case_state: str
    postcode: str
    address: Address | None


@dataclass(slots=True, eq=False)
class _New:
    """A signal the batch writes, with its household (and its id, once reserved)."""

    home: _Home
    values: dict[str, Any]
    id: int = 0


@dataclass(frozen=True, slots=True)
class _Known:
    """What a batch of signals refers to, as read before its first item."""

    references: dict[tuple[str, str], Receipt]
    """(source, reference) -> the first receipt, of those received before."""
    members: dict[int, frozenset[str]]
    """The BSNs of each closed household an item gives by id."""
    by_bsn: dict[str, list[_Home]]
    """The open households with each BSN of the batch, by id."""
    at: dict[Address, _Home]
    """The open household at each address the batch looks up (the oldest)."""
    homes: dict[int, _Home]
    """The households the items give by id or the lookups found, by id."""


class _Intake:
    """One batch of signals matched in item order against indexes each item updates, then
    written: households, persons, signals and references with one ``executemany`` each, the
    audit entries and events in item order."""

    def __init__(self, tx: Tx, known: _Known) -> None:
        self.tx = tx
        self.known = known
        self.references: dict[tuple[str, str], Receipt | _New] = dict(known.references)
        self.receipts: list[Receipt | _New] = []
        self.steps: list[tuple[str, _Home, dict[str, Any]] | _New] = []
        self.homes: list[tuple[_Home, HouseholdIn]] = []
        self.signals: list[_New] = []
        self.moved: dict[int, _Home] = {}
        self.teams: dict[str, str] = {}

    def receive(self, signal: Signal, household: HouseholdIn | int) -> None:
        """Match or make the item's household, route the signal and keep it for writing."""
        key = None
        if signal.source is not None and signal.external_reference is not None:
            key = (signal.source, signal.external_reference)
            first = self.references.get(key)
            if first is not None:
                self.receipts.append(first)
                return
        if isinstance(household, HouseholdIn):
            home = self._known_household(household) or self._new_household(signal, household)
        else:
            home = self._given(household)
        team = home.team or self._route(signal, home.postcode)
        self._require_started(home, team)
        if home.case_state in (CaseState.ANSWERED, CaseState.CLOSED):
            self._reopen(home)
        new = _New(home, _signal_values(self.tx, signal, team))
        self.signals.append(new)
        self.steps.append(new)
        self.receipts.append(new)
        if key is not None:
            self.references[key] = new

    def _require_started(self, home: _Home, team: str) -> None:
        """Refuse a signal for a team that has not started on the day it is received (audited as
        ``signal.refused``; in a batch the items before are rolled back)."""
        refused = not_started(self.tx.setup, team, local_date(self.tx.now))
        if refused is not None:
            self.tx.discard()
            self.tx.audit(
                "signal.refused",
                home.id,
                outcome="deny",
                reason="team-not-started",
                detail={"team": team},
            )
            self.tx.keep()
            raise refused

    def _known_household(self, household: HouseholdIn) -> _Home | None:
        """The open household with one of the members' BSNs, or without BSNs the open household
        at the address given, if any (audited as ``signal.matched``)."""
        if not household.bsns:
            if household.house_number is None:
                return None
            address = (household.postcode, household.house_number, household.house_number_suffix)
            return self._matched(self.known.at.get(address), "address")
        found: list[_Home] = []
        for bsn in sorted(household.bsns):
            found += [h for h in self.known.by_bsn.get(bsn, ()) if h not in found]
        if len(found) > 1:
            self.tx.discard()
            self.tx.audit(
                "signal.refused", None, outcome="deny", reason="bsn_in_several_households"
            )
            self.tx.keep()
            raise RuleViolation(
                "the members' BSNs are in more than one open household; close or merge those "
                "households first",
                rule="one-household-per-bsn",
            )
        return self._matched(found[0] if found else None, "bsn")

    def _matched(self, home: _Home | None, by: str) -> _Home | None:
        if home is not None:
            self.steps.append(("signal.matched", home, {"detail": {"by": by}}))
        return home

    def _new_household(self, signal: Signal, household: HouseholdIn) -> _Home:
        team = self._route(signal, household.postcode)
        address = None
        if household.house_number is not None:
            address = (household.postcode, household.house_number, household.house_number_suffix)
        home = _Home(None, team, CaseState.SIGNALLED, household.postcode, address)
        self.homes.append((home, household))
        self._open(home, household.bsns)
        return home

    def _given(self, household: int) -> _Home:
        """The household an item gives by id; a closed one only its own team reopens, and only
        while none of its members is in another open household."""
        tx = self.tx
        home = self.known.homes.get(household)
        if home is None:
            raise NotFound(f"no household {household!r:.40} in {tx.setup.municipality.name}")
        if home.case_state == CaseState.CLOSED:
            if home.team != tx.actor.team:
                tx.refuse(
                    home.id,
                    "team",
                    f"household {home.id} is closed and only its own team reopens it; "
                    "report the concern as a new intake (HouseholdIn) instead",
                )
            bsns = self.known.members.get(household, frozenset())
            if any(h is not home for b in bsns for h in self.known.by_bsn.get(b, ())):
                raise RuleViolation(
                    f"a member of household {home.id} is in another open household; "
                    "add the signal to that household instead",
                    rule="one-household-per-bsn",
                )
        return home

    def _reopen(self, home: _Home) -> None:
        """Back to signalled: an answered case, or a closed one, whose members and address the
        later items then find open."""
        closed = home.case_state == CaseState.CLOSED
        move(home, CaseState.SIGNALLED)
        if home.id is not None:
            self.moved[home.id] = home
        if closed and home.id is not None:
            self._open(home, self.known.members.get(home.id, frozenset()))

    def _open(self, home: _Home, bsns: frozenset[str]) -> None:
        """``home`` is open from now on: the later items find it by its BSNs and address."""
        for bsn in bsns:
            self.known.by_bsn.setdefault(bsn, []).append(home)
        if home.address is not None:
            oldest = self.known.at.get(home.address)
            if oldest is None or (
                home.id is not None and (oldest.id is None or home.id < oldest.id)
            ):
                self.known.at[home.address] = home

    def _route(self, signal: Signal, postcode: str) -> str:
        """The team of the signal's postcode, or the household's; asked once per postcode."""
        where = signal.postcode or postcode
        team = self.teams.get(where)
        if team is None:
            team = self.tx.hooks.route_signal(signal.model_copy(update={"postcode": where}))
            self.teams[where] = team
        return team

    def write(self) -> list[SignalReceipt]:
        """Write what the items made, audit and announce in item order; the receipts."""
        tx = self.tx
        connection = tx.connection
        municipality = tx.actor.municipality
        for (home, _), key in zip(
            self.homes, reserve_ids(connection, HOUSEHOLD, len(self.homes)), strict=True
        ):
            home.id = key
        insert_many(
            connection,
            HOUSEHOLD,
            _HOUSEHOLD_COLUMNS,
            [
                {
                    "id": home.id,
                    "municipality": municipality,
                    "neighbourhood": _team_neighbourhood(tx, home.team),
                    "team": home.team,
                    "postcode": home.postcode,
                    "house_number": household.house_number,
                    "house_number_suffix": household.house_number_suffix,
                    "case_state": str(home.case_state),
                    "created_at": tx.now,
                    "closed_at": None,
                }
                for home, household in self.homes
            ],
        )
        insert_many(
            connection,
            PERSON,
            _PERSON_COLUMNS,
            [
                {**person.model_dump(), "municipality": municipality, "household_id": home.id}
                for home, household in self.homes
                for person in household.members
            ],
        )
        if self.moved:
            connection.execute(
                _REOPEN,
                [{"b_id": key, "b_state": str(h.case_state)} for key, h in self.moved.items()],
            )
        for new, key in zip(
            self.signals, reserve_ids(connection, SIGNAL_TABLE, len(self.signals)), strict=True
        ):
            new.id = key
        insert_many(
            connection,
            SIGNAL_TABLE,
            _SIGNAL_COLUMNS,
            [{**new.values, "id": new.id, "household_id": new.home.id} for new in self.signals],
        )
        by_source: dict[str, dict[str, int]] = {}
        for new in self.signals:
            source, reference = new.values["source"], new.values["external_reference"]
            if source is not None and reference is not None:
                by_source.setdefault(source, {})[reference] = new.id
        for source, references in by_source.items():
            record_references(connection, municipality, source, references)
        for step in self.steps:
            if isinstance(step, _New):
                self._received(step)
            else:
                action, home, fields = step
                tx.audit(action, home.id, **fields)
        return [
            SignalReceipt(household=r.home.id or 0, signal=r.id, team=r.values["team"])
            if isinstance(r, _New)
            else SignalReceipt(household=r.household, signal=r.signal, team=r.team)
            for r in self.receipts
        ]

    def _received(self, new: _New) -> None:
        household, team, reporter = new.home.id, new.values["team"], new.values["reporter"]
        self.tx.audit(
            "signal.received",
            household,
            detail={"signal": new.id, "reporter": reporter, "team": team},
        )
        assert household is not None
        self.tx.announce(SignalReceived, household, signal=new.id, reporter=reporter, team=team)


def _signal_values(tx: Tx, signal: Signal, team: str) -> dict[str, Any]:
    """The signal's row but for its id and household."""
    debt = signal.debt
    return {
        "municipality": tx.actor.municipality,
        "reporter": signal.reporter.value,
        "received_at": signal.received_at,
        "summary": signal.summary,
        "indicators": sorted(signal.indicators),
        "team": team,
        "state": SignalState.RECEIVED.value,
        "triage": None,
        "source": signal.source,
        "external_reference": signal.external_reference,
        "creditor_kind": None if debt is None else debt.creditor_kind.value,
        "creditor": None if debt is None else debt.creditor,
        "arrears_cents": None if debt is None else debt.arrears_cents,
        "arrears_since": None if debt is None else debt.arrears_since,
    }


def _team_neighbourhood(tx: Tx, team: str | None) -> str | None:
    found = tx.setup.get("teams", team) if team is not None else None
    return getattr(found, "neighbourhood", None)


def _closed_members(tx: Tx, ids: Collection[int]) -> dict[int, frozenset[str]]:
    """The members' BSNs of those of the households that are closed (one query)."""
    keys = keys_in_range(tx.db, HouseholdRow, ids)
    if not keys:
        return {}
    query = (
        select(PERSON.c.household_id, PERSON.c.bsn)
        .join(HOUSEHOLD, HOUSEHOLD.c.id == PERSON.c.household_id)
        .where(
            HOUSEHOLD.c.id.in_(keys),
            HOUSEHOLD.c.municipality == tx.actor.municipality,
            HOUSEHOLD.c.case_state == CaseState.CLOSED.value,
            PERSON.c.municipality == tx.actor.municipality,
            PERSON.c.bsn.is_not(None),
        )
    )
    found: dict[int, set[str]] = {}
    for household, bsn in tx.connection.execute(query):
        found.setdefault(household, set()).add(bsn)
    return {key: frozenset(bsns) for key, bsns in found.items()}


def _open_with(tx: Tx, bsns: frozenset[str]) -> dict[str, set[int]]:
    """The open households of the municipality with each of ``bsns`` among their members (one
    query). On PostgreSQL each BSN is locked first, in order (until commit), so two intakes of
    one BSN run one after the other; SQLite serialises writers already (``BEGIN IMMEDIATE``)."""
    if not bsns:
        return {}
    municipality = tx.actor.municipality
    if tx.connection.dialect.name == "postgresql":
        namespace = BSN_LOCK_NAMESPACE + int(municipality[2:])
        for bsn in sorted(bsns):
            tx.connection.execute(_LOCK, {"namespace": namespace, "bsn": int(bsn)})
    query = (
        select(PERSON.c.bsn, PERSON.c.household_id)
        .join(HOUSEHOLD, HOUSEHOLD.c.id == PERSON.c.household_id)
        .where(
            PERSON.c.municipality == municipality,
            HOUSEHOLD.c.municipality == municipality,
            PERSON.c.bsn.in_(sorted(bsns)),
            HOUSEHOLD.c.case_state != CaseState.CLOSED.value,
        )
    )
    found: dict[str, set[int]] = {}
    for bsn, household in tx.connection.execute(query):
        found.setdefault(bsn, set()).add(household)
    return found


def _homes(tx: Tx, ids: Collection[int]) -> dict[int, _Home]:
    """The municipality's households among ``ids``, by id (one query)."""
    keys = keys_in_range(tx.db, HouseholdRow, ids)
    if not keys:
        return {}
    query = select(
        HOUSEHOLD.c.id,
        HOUSEHOLD.c.team,
        HOUSEHOLD.c.case_state,
        HOUSEHOLD.c.postcode,
        HOUSEHOLD.c.house_number,
        HOUSEHOLD.c.house_number_suffix,
    ).where(HOUSEHOLD.c.id.in_(keys), HOUSEHOLD.c.municipality == tx.actor.municipality)
    return {
        key: _Home(key, team, state, postcode, None if n is None else (postcode, n, suffix))
        for key, team, state, postcode, n, suffix in tx.connection.execute(query)
    }


_REOPEN = (
    update(HOUSEHOLD)
    .where(HOUSEHOLD.c.id == bindparam("b_id"))
    .values(case_state=bindparam("b_state"), closed_at=None)
)

_HOUSEHOLD_COLUMNS = tuple(c.name for c in HOUSEHOLD.columns)
_PERSON_COLUMNS = tuple(c.name for c in PERSON.columns if c.name != "id")
_SIGNAL_COLUMNS = tuple(c.name for c in SIGNAL_TABLE.columns)
"""The columns each insert fills (a person's id is left to the database)."""
