"""Throughput of the casework engine, against raw bulk inserts and a hand-written consent check.

For N households (default 2,000; ``--households 10000`` for the full-size run) the full
process runs through the public engine API, exactly as ``wijkteamkit.demo`` drives it: signal ->
triage -> kitchen-table assessment -> consent -> concept plan -> final plan. Every
``--escalate-every``-th household (default: every 10th) scores problems on three domains, so the
rules propose the multi-problem team, and the team leader confirms the escalation (a consent
decision, a disclosure record, the lead moves). Every step is its own audited transaction.

The batch path runs the same cycle for ``--batch-households`` households, ``--batch-size``
(default 100) per transaction: ``with session.batch() as batch:`` receive_signals (``--signals
batch``, the default; ``--signals intake``: the signals arrive as creditors' reports through the
bulk intake, ``engine/intake.py``, in a transaction of their own), triage, record_assessments, record_consents, draft_plans
and finalise_plans for the worker, and one batch of the team leader confirming the escalations
of those households: 2 transactions per 100 households (3 with the intake).

Backends: SQLite (a fresh temporary file) and PostgreSQL (a fresh scratch database created next to
``--postgres-url`` and dropped afterwards; skipped with a message when the server is unreachable).

Baselines in the same run:

* the very rows the engine wrote (every table, audit log included) copied into a fresh database
  of the same schema with raw ``sqlite3`` ``executemany`` in one transaction, and with PostgreSQL
  ``COPY ... FROM STDIN`` (psycopg 3 ``cursor.copy``); only the insert is timed;
* one ``decide()`` call against a plain Python loop doing the same checks on tuples.

Run: ``.venv/bin/python benchmarks/casework.py [--households 10000] [--batch-size 100]
[--postgres-url URL]``.
"""

from __future__ import annotations

import argparse
import io
import os
import sqlite3
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from wijkteamkit import Signal
from wijkteamkit.domain.case import Actor, AssessmentIn, ConsentIn, HouseholdIn, PersonIn, PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.consent import Consent, DisclosureRequest, Withdrawal, decide
from wijkteamkit.engine.intake import Intake
from wijkteamkit.store.database import open_database

HERE = Path(__file__).resolve().parent
BENCHTOWN = HERE / "benchtown.py"
CODE = "GM9901"
TEAM = "team-centrum"
MULTIPROBLEM = "regieteam"
DEFAULT_POSTGRES = "postgresql+psycopg://root@127.0.0.1:5432/postgres"
T0 = datetime(2016, 3, 1, 9, 0, tzinfo=UTC)

TABLES = (
    "audit_head",
    "household",
    "person",
    "signal",
    "signal_reference",
    "assessment",
    "consent",
    "consent_withdrawal",
    "plan",
    "escalation",
    "disclosure",
    "audit_entry",
)
"""Every table, parents before children (the order a bulk copy must respect)."""

PLAN = PlanIn(
    goals=({"domain": "financien", "goal": "Huurachterstand afgelost"},),
    actions=(
        {
            "description": "Betalingsregeling met de corporatie",
            "domain": "financien",
            "actor": "self",
            "rung": "own_strength",
        },
    ),
)
SIMPLE = {"financien": 2, "huisvesting": 3, "sociaal-netwerk": 4}
"""One problem domain (score <= 2): no rule fires."""
MULTI = {"financien": 1, "huisvesting": 2, "sociaal-netwerk": 2, "geestelijke-gezondheid": 3}
"""Three problem domains: the ``multi`` rule proposes the multi-problem team."""


class Clock:
    """The engine's clock: one second further on every call, so every step has its own time."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@dataclass(frozen=True)
class EngineRun:
    backend: str
    households: int
    escalated: int
    seconds: float
    rows: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def per_second(self) -> float:
        return self.households / self.seconds


@dataclass(frozen=True)
class BulkRun:
    method: str
    rows: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds


def say(text: str) -> None:
    print(text, flush=True)


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- the process through the engine ---------------------------------------------------------


def actors() -> tuple[Actor, Actor]:
    worker = Actor(
        id="mw-0412",
        role="worker",
        municipality=CODE,
        organisation="Welzijn Benchstad",
        team=TEAM,
    )
    leader = Actor(
        id="tl-0003",
        role="team_leader",
        municipality=CODE,
        organisation="Gemeente Benchstad",
        team=TEAM,
    )
    return worker, leader


def postcode(n: int) -> str:
    return f"9901{('AB', 'CD', 'EF', 'GH')[n % 4]}"


def address(n: int) -> HouseholdIn:
    """Household ``n``: an address of its own (no BSN, so it is found by its address)."""
    return HouseholdIn(
        postcode=postcode(n),
        house_number=n + 1,
        members=(PersonIn(role="head", birth_date=date(1940 + n % 60, 6, 1)),),
    )


def assessment(clock: Clock, escalate: bool) -> AssessmentIn:
    scores = MULTI if escalate else SIMPLE
    return AssessmentIn(scores=scores, held_at=clock.now, informal_carers=("zus",))


def consent(household: int, clock: Clock, escalate: bool) -> ConsentIn:
    return ConsentIn(
        subject=household,
        purpose="casework",
        recipients=frozenset({TEAM, MULTIPROBLEM}),
        scope=frozenset(MULTI if escalate else SIMPLE),
        valid_from=clock.now,
        form="written",
    )


def one_household(
    worker: CaseSession, leader: CaseSession, clock: Clock, n: int, escalate: bool
) -> None:
    """The full process for one household, as ``wijkteamkit.demo`` does it."""
    household, signal = worker.receive_signal(
        Signal(reporter="housing", received_at=clock.now, summary="huurachterstand"),
        address(n),
    )
    worker.triage(signal, integral=True)
    result = worker.record_assessment(household, assessment(clock, escalate))
    worker.record_consent(consent(household, clock, escalate))
    plan = worker.draft_plan(household, PLAN, case_director="mw-0412")
    worker.finalise_plan(plan, 1)
    if escalate:
        if len(result.proposed) != 1:
            raise RuntimeError(f"household {household}: expected one proposal, {result.proposed}")
        leader.confirm_escalation(result.proposed[0], "M. de Vries", "Regieteam")
    elif result.proposed:
        raise RuntimeError(f"household {household}: unexpected proposal {result.proposed}")


def run_engine(
    backend: str,
    url: str,
    households: int,
    escalate_every: int,
    batch_size: int = 0,
    signals: str = "batch",
) -> tuple[EngineRun, Casework]:
    """The cycle for ``households``: one at a time (``batch_size`` 0), or in batches."""
    clock = Clock()
    casework = Casework.open(CODE, url, plugin_files=[BENCHTOWN], clock=clock)
    worker_actor, leader_actor = actors()
    worker, leader = casework.as_actor(worker_actor), casework.as_actor(leader_actor)
    escalated = 0
    step = max(1, households // 10)
    done = 0
    start = time.perf_counter()
    for first in range(0, households, batch_size or 1):
        numbers = range(first, min(households, first + (batch_size or 1)))
        escalates = [
            escalate_every > 0 and n % escalate_every == escalate_every - 1 for n in numbers
        ]
        escalated += sum(escalates)
        if batch_size:
            some_households(casework, worker, leader, clock, numbers, escalates, signals)
        else:
            one_household(worker, leader, clock, first, escalates[0])
        if (done + len(numbers)) // step > done // step:
            elapsed = time.perf_counter() - start
            progress(f"  {backend}: {done + len(numbers)}/{households} households, {elapsed:.1f} s")
        done += len(numbers)
    seconds = time.perf_counter() - start
    with casework.engine.connect() as connection:
        rows = {
            table: int(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())
            for table in TABLES
        }
    return EngineRun(backend, households, escalated, seconds, rows), casework


@dataclass(frozen=True)
class Report:
    """A creditor's report of household ``n`` as the bulk intake reads it (engine/intake.py)."""

    n: int
    creditor_kind: str = "housing"
    creditor: str = "Woonstichting Benchstad"
    surname: str = "Jansen"
    initials: str = "J."
    house_number_suffix: str | None = None
    arrears_eur: Decimal | None = Decimal("812.50")
    arrears_since: date | None = None
    phone: str | None = None
    email: str | None = None

    @property
    def external_id(self) -> str:
        return f"huur-{self.n}"

    @property
    def signal_date(self) -> date:
        return T0.date()

    @property
    def postcode(self) -> str:
        return postcode(self.n)

    @property
    def house_number(self) -> int:
        return self.n + 1

    @property
    def birth_date(self) -> date | None:
        return date(1940 + self.n % 60, 6, 1)


def some_households(
    casework: Casework,
    worker: CaseSession,
    leader: CaseSession,
    clock: Clock,
    numbers: Sequence[int],
    escalates: Sequence[bool],
    signals: str = "batch",
) -> None:
    """The full process for a batch of households: the worker's steps in one batch (the
    signals too with ``signals`` "batch"; with "intake" they come through the bulk intake in a
    transaction of their own), the team leader's confirmations in another."""
    received: list[tuple[int, int]] = []  # (household, signal)
    if signals == "intake":
        outcomes = Intake(casework, "benchmark").write([(n, Report(n)) for n in numbers])
        if any(r.household is None or r.signal is None for r in outcomes):
            raise RuntimeError(f"the intake did not accept every report: {outcomes}")
        received = [(r.household or 0, r.signal or 0) for r in outcomes]
    with worker.batch() as batch:
        if signals == "batch":
            signal = Signal(reporter="housing", received_at=clock.now, summary="huurachterstand")
            receipts = batch.receive_signals([(signal, address(n)) for n in numbers])
            received = [(r.household, r.signal) for r in receipts]
        ids = [household for household, _ in received]
        batch.triage([(signal_id, True) for _, signal_id in received])
        results = batch.record_assessments(
            [(h, assessment(clock, e)) for h, e in zip(ids, escalates, strict=True)]
        )
        batch.record_consents([consent(h, clock, e) for h, e in zip(ids, escalates, strict=True)])
        plans = batch.draft_plans([(h, PLAN, "mw-0412") for h in ids])
        batch.finalise_plans([(p, 1) for p in plans])
    proposed = [r.proposed for r in results]
    if [len(p) for p in proposed] != [int(e) for e in escalates]:
        raise RuntimeError(f"households {ids}: proposals {proposed} do not match the scores")
    confirm = [(p[0], "M. de Vries", "Regieteam") for p in proposed if p]
    if confirm:
        with leader.batch() as batch:
            batch.confirm_escalations(confirm)


# --- baselines: the same rows through the raw driver ----------------------------------------


def sqlite_bulk(source_file: Path, target_file: Path) -> BulkRun:
    """Copy every row the engine wrote into a fresh file of the same schema: executemany."""
    open_database(f"sqlite:///{target_file}").dispose()  # the same schema, triggers and all
    with sqlite3.connect(source_file) as source:
        data = {
            table: source.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in TABLES
        }
    target = sqlite3.connect(target_file, isolation_level=None)
    target.execute("PRAGMA foreign_keys=ON")
    start = time.perf_counter()
    target.execute("BEGIN")
    for table, rows in data.items():
        if rows:
            marks = ",".join("?" * len(rows[0]))
            target.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    target.execute("COMMIT")
    seconds = time.perf_counter() - start
    target.close()
    return BulkRun("sqlite3 executemany, 1 transaction", sum(map(len, data.values())), seconds)


def postgres_copy(source_dsn: str, target_dsn: str, target_url: str) -> BulkRun:
    """Copy every row the engine wrote into a fresh database of the same schema: COPY."""
    import psycopg

    open_database(target_url).dispose()
    data: dict[str, bytes] = {}
    rows = 0
    with psycopg.connect(source_dsn) as source:
        for table in TABLES:
            buffer = io.BytesIO()
            with source.cursor().copy(f"COPY (SELECT * FROM {table} ORDER BY 1) TO STDOUT") as copy:
                for block in copy:
                    buffer.write(block)
            data[table] = buffer.getvalue()
            rows += data[table].count(b"\n")
    with psycopg.connect(target_dsn) as target:
        start = time.perf_counter()
        with target.transaction(), target.cursor() as cursor:
            for table, block in data.items():
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(block)
        seconds = time.perf_counter() - start
    return BulkRun("PostgreSQL COPY FROM STDIN, 1 transaction", rows, seconds)


# --- PostgreSQL scratch databases ----------------------------------------------------------


@dataclass(frozen=True)
class Server:
    admin_dsn: str
    url: Any  # sqlalchemy.engine.URL

    def dsn(self, database: str) -> str:
        rendered: str = self.url.set(drivername="postgresql", database=database).render_as_string(
            hide_password=False
        )
        return rendered

    def sqlalchemy_url(self, database: str) -> str:
        rendered: str = self.url.set(database=database).render_as_string(hide_password=False)
        return rendered


def postgres_server(url: str) -> tuple[Server | None, str]:
    """The server behind ``url`` if we can create databases on it, else ``None`` and why."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            version = conn.execute("SHOW server_version").fetchone()
    except psycopg.OperationalError as exc:
        return None, " ".join(str(exc).split())
    return Server(admin, parsed), f"PostgreSQL {version[0] if version else '?'}"


@contextmanager
def scratch_database(server: Server, name: str) -> Iterator[str]:
    import psycopg

    with psycopg.connect(server.admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(server.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- decide() against a hand-written check ----------------------------------------------------

Row = tuple[int, int, str, frozenset[str], frozenset[str], datetime, datetime | None, datetime]
"""A consent as a plain tuple: id, subject, purpose, recipients, scope, from, to, given at."""


def by_hand(
    subject: int,
    recipient: str,
    purpose: str,
    scope: frozenset[str],
    consents: Sequence[Row],
    withdrawals: Sequence[tuple[int, datetime]],
    at: datetime,
) -> tuple[bool, frozenset[str]]:
    """The same consent check as ``decide()`` without models: a loop and a set intersection."""
    withdrawn: dict[int, datetime] = {}
    for consent_id, when in withdrawals:
        if consent_id not in withdrawn or when < withdrawn[consent_id]:
            withdrawn[consent_id] = when
    granted: set[str] = set()
    wanted_purpose, wanted_recipient = purpose.casefold(), recipient.casefold()
    for cid, subj, purp, recipients, cscope, valid_from, valid_to, given_at in consents:
        if subj != subject or (cid in withdrawn and withdrawn[cid] <= at):
            continue
        if given_at > at or valid_from > at or (valid_to is not None and at >= valid_to):
            continue
        if purp.casefold() != wanted_purpose:
            continue
        if not any(r.casefold() == wanted_recipient for r in recipients):
            continue
        granted |= scope & cscope
    return bool(granted), frozenset(granted)


@dataclass(frozen=True)
class Micro:
    name: str
    microseconds: float


def per_call(function: Callable[[], object], number: int, repeat: int = 5) -> float:
    """Best of ``repeat`` runs of ``number`` calls, in microseconds per call."""
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number * 1e6


def micro_decide(casework: Casework, number: int) -> list[Micro]:
    worker, _leader = actors()
    at = T0 + timedelta(days=30)
    scope = frozenset(MULTI)
    records: list[Consent | Withdrawal] = [
        Consent(
            id=1,
            subject=7,
            purpose="casework",
            recipients=frozenset({TEAM}),
            scope=scope,
            valid_from=T0,
            form="written",
            given_at=T0,
        ),
        Consent(
            id=2,
            subject=7,
            purpose="casework",
            recipients=frozenset({TEAM, MULTIPROBLEM}),
            scope=scope,
            valid_from=T0,
            form="written",
            given_at=T0,
        ),
        Withdrawal(consent_id=1, at=T0 + timedelta(days=10)),
    ]
    request = DisclosureRequest(
        subject=7,
        requester=worker,
        recipient=MULTIPROBLEM,
        purpose="casework",
        scope=scope,
        legal_basis=None,
    )
    policy = casework.policy
    decision = decide(request, records, policy, at)
    rows: list[Row] = [
        (c.id, c.subject, c.purpose, c.recipients, c.scope, c.valid_from, c.valid_to, c.given_at)
        for c in records
        if isinstance(c, Consent)
    ]
    withdrawals = [(w.consent_id, w.at) for w in records if isinstance(w, Withdrawal)]
    permitted, granted = by_hand(7, MULTIPROBLEM, "casework", scope, rows, withdrawals, at)
    if (permitted, granted) != (decision.permitted, decision.granted):
        raise RuntimeError(f"the hand-written check disagrees with decide(): {decision}")

    def build_request() -> object:
        return DisclosureRequest(
            subject=7,
            requester=worker,
            recipient=MULTIPROBLEM,
            purpose="casework",
            scope=scope,
            legal_basis=None,
        )

    return [
        Micro(
            "baseline: hand-written loop on tuples",
            per_call(
                lambda: by_hand(7, MULTIPROBLEM, "casework", scope, rows, withdrawals, at), number
            ),
        ),
        Micro(
            "decide(request, records, policy, at)",
            per_call(lambda: decide(request, records, policy, at), number),
        ),
        Micro(
            "building the DisclosureRequest (engine does per call)", per_call(build_request, number)
        ),
    ]


# --- the report --------------------------------------------------------------------------------


def report_engine(
    run: EngineRun, bulk: BulkRun | None, interactive: EngineRun | None = None
) -> None:
    say(
        f"{run.backend}: {run.households} households ({run.escalated} escalated) in "
        f"{run.seconds:.1f} s = {run.per_second:.1f} households/s; "
        f"{run.total_rows} rows = {run.total_rows / run.seconds:.0f} rows/s"
    )
    say("  rows: " + ", ".join(f"{t} {n}" for t, n in run.rows.items() if n))
    if bulk is not None:
        ratio = bulk.per_second / (run.total_rows / run.seconds)
        say(
            f"  baseline {bulk.method}: {bulk.rows} rows in {bulk.seconds:.3f} s = "
            f"{bulk.per_second:.0f} rows/s ({ratio:.0f}x the engine's rows/s)"
        )
    if interactive is not None:
        say(
            f"  {run.per_second / interactive.per_second:.1f}x the households/s of one at a "
            f"time ({interactive.per_second:.1f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--households",
        type=int,
        default=2_000,
        help="default 2000 (10000 works, but takes 10-25 minutes per backend on 2 cores)",
    )
    parser.add_argument(
        "--escalate-every",
        type=int,
        default=10,
        help="every n-th household is escalated (default 10; 0: none)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("WIJKTEAMKIT_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help=f"a server where this role may CREATE DATABASE (default {DEFAULT_POSTGRES})",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=100,
        help="households per transaction on the batch path (default 100; 0: no batch run)",
    )
    parser.add_argument(
        "--batch-households",
        type=int,
        default=0,
        help="households on the batch path (default: 10 times --households)",
    )
    parser.add_argument(
        "--signals",
        choices=("batch", "intake"),
        default="batch",
        help="batch path's signals: Batch.receive_signals in the worker's batch (default), or "
        "the bulk intake in a transaction of its own",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--decide-calls", type=int, default=20_000, help="calls per timeit run (default 20000)"
    )
    args = parser.parse_args()
    if args.households < 1:
        parser.error("--households must be at least 1")
    batched = args.batch_households or 10 * args.households
    say(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; {args.households} households, "
        f"every {args.escalate_every or 'no'}th escalated; "
        f"6 audited transactions per household (+1 per escalation); batch path: "
        f"{batched if args.batch_size else 0} households, {args.batch_size} per transaction"
    )
    casework_for_micro: Casework | None = None

    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="wtk-bench-") as folder:
            engine_file, bulk_file = Path(folder, "engine.db"), Path(folder, "bulk.db")
            run, casework = run_engine(
                "SQLite", f"sqlite:///{engine_file}", args.households, args.escalate_every
            )
            casework.engine.dispose()
            bulk = sqlite_bulk(engine_file, bulk_file)
            report_engine(run, bulk)
            casework_for_micro = casework
            if args.batch_size:
                batch_file, batch_bulk = Path(folder, "batch.db"), Path(folder, "batch-bulk.db")
                batch_run, batch_casework = run_engine(
                    f"SQLite, batches of {args.batch_size}",
                    f"sqlite:///{batch_file}",
                    batched,
                    args.escalate_every,
                    args.batch_size,
                    args.signals,
                )
                batch_casework.engine.dispose()
                report_engine(batch_run, sqlite_bulk(batch_file, batch_bulk), run)

    if not args.skip_postgres:
        server, about = postgres_server(args.postgres_url)
        if server is None:
            say(f"PostgreSQL: skipped, {args.postgres_url} unreachable: {about}")
        else:
            stem = f"wijkteamkit_bench_{os.getpid()}"
            with (
                scratch_database(server, stem) as engine_db,
                scratch_database(server, stem + "_copy") as copy_db,
            ):
                run, casework = run_engine(
                    f"PostgreSQL ({about})",
                    server.sqlalchemy_url(engine_db),
                    args.households,
                    args.escalate_every,
                )
                casework.engine.dispose()
                bulk = postgres_copy(
                    server.dsn(engine_db), server.dsn(copy_db), server.sqlalchemy_url(copy_db)
                )
                report_engine(run, bulk)
                casework_for_micro = casework_for_micro or casework
            if args.batch_size:
                with (
                    scratch_database(server, stem + "_batch") as batch_db,
                    scratch_database(server, stem + "_batch_copy") as batch_copy,
                ):
                    batch_run, batch_casework = run_engine(
                        f"PostgreSQL ({about}), batches of {args.batch_size}",
                        server.sqlalchemy_url(batch_db),
                        batched,
                        args.escalate_every,
                        args.batch_size,
                        args.signals,
                    )
                    batch_casework.engine.dispose()
                    bulk = postgres_copy(
                        server.dsn(batch_db),
                        server.dsn(batch_copy),
                        server.sqlalchemy_url(batch_copy),
                    )
                    report_engine(batch_run, bulk, run)

    if casework_for_micro is None:
        casework_for_micro = Casework.open(CODE, "sqlite://", plugin_files=[BENCHTOWN])
    micros = micro_decide(casework_for_micro, args.decide_calls)
    baseline = micros[0].microseconds
    say(f"consent decision, best of 5 x {args.decide_calls} calls:")
    for m in micros:
        say(f"  {m.name:<56} {m.microseconds:8.2f} us/call  {m.microseconds / baseline:6.1f}x")


if __name__ == "__main__":
    main()
