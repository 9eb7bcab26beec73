"""Screening the caseload: rule evaluation alone, and end to end from the database.

Uses Nijmegen's setup (16 life domains, 5 indicators, 8 escalation rules of every condition
kind, 4 teams): more rules, and more kinds of them, than benchtown's two.

(a) **Rule evaluation** over ``--households`` (default 1,000,000) random assessments: the
    columnar evaluator (``rule.mask(table)`` for every rule) against, in the same run,
    * a plain Python loop calling ``rule.fires(scores, indicators)`` per household, as the
      interactive engine does (run over ``--loop-households``, default 20,000, and reported per
      household and scaled to the full count: a million takes minutes);
    * the same loop calling ``rule.when.holds(facts)`` on prebuilt ``Facts`` (the loop's floor);
    * the conditions compiled to SQL expressions and evaluated by SQLite over an in-memory table
      of the same data (``SELECT sum(<rule>) ...``: evaluation only, no rows fetched).
(b) **End to end** from a database filled by a bulk loader in this script (Core ``executemany``
    of household, signal, assessment and escalation rows in the shapes the engine writes), at
    each of ``--sizes`` (default 100,000 and 1,000,000) on SQLite, and on PostgreSQL at
    ``--postgres-sizes`` (default 100,000) when ``--postgres URL`` is given.
(c) **Peak memory** of each end-to-end run: it runs in a fresh interpreter; the peak resident
    set while screening (``VmHWM`` after resetting it through ``/proc/self/clear_refs``; Linux)
    is reported next to the resident set just before.

Run: ``.venv/bin/python benchmarks/screen.py [--households N] [--sizes 100000 1000000]
[--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]``.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from wijkteamkit.domain.case import Actor, Role
from wijkteamkit.domain.escalation import (
    NOT_SCORED,
    AllOf,
    AnyOf,
    AssessmentTable,
    Condition,
    DomainScore,
    Facts,
    Flagged,
    ProblemDomains,
)
from wijkteamkit.loading import load

MUNICIPALITY = "nijmegen"
SEED = 20261125
START = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
BATCH = 50_000


def setup() -> Any:
    return load([MUNICIPALITY]).loaded[0].setup


# (a) rule evaluation -----------------------------------------------------------------------


def random_table(n: int, domains: tuple[str, ...], indicators: tuple[str, ...]) -> AssessmentTable:
    """ZRM-like scores (a third of the domains not scored) and rare indicators."""
    rng = np.random.default_rng(SEED)
    scores = rng.choice(
        np.array([1, 2, 3, 4, 5], dtype=np.int8),
        size=(n, len(domains)),
        p=[0.05, 0.12, 0.25, 0.33, 0.25],
    )
    scores[rng.random((n, len(domains))) < 1 / 3] = NOT_SCORED
    flags = rng.random((n, len(indicators))) < 0.03
    return AssessmentTable(domains, scores, indicators, flags)


def facts_of(table: AssessmentTable, rows: int) -> list[Facts]:
    facts = []
    for row in range(rows):
        scores = {
            d: int(s)
            for d, s in zip(table.domains, table.scores[row], strict=True)
            if s != NOT_SCORED
        }
        flagged = frozenset(i for i, f in zip(table.indicators, table.flags[row], strict=True) if f)
        facts.append(Facts(scores=scores, indicators=flagged))
    return facts


def best(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def sql_expression(condition: Condition) -> str:
    """A condition compiled to an SQLite expression over columns d<i> (NULL: not scored) and
    f<i> (0/1). For this comparison only."""
    if isinstance(condition, ProblemDomains):
        columns = (
            [DOMAIN_COLUMN.get(d) for d in condition.domains]
            if condition.domains
            else list(DOMAIN_COLUMN.values())
        )
        terms = [f"(coalesce({c}, 6) <= {condition.at_most})" for c in columns if c] or ["0"]
        return f"(({' + '.join(terms)}) >= {condition.min_count})"
    if isinstance(condition, DomainScore):
        column = DOMAIN_COLUMN.get(condition.domain)
        if column is None:
            return "0"
        return f"(coalesce({column}, 6) BETWEEN {condition.at_least} AND {condition.at_most})"
    if isinstance(condition, Flagged):
        flag = FLAG_COLUMN.get(condition.indicator)
        return f"({flag} = 1)" if flag else "0"
    parts = [sql_expression(c) for c in condition.conditions]
    if isinstance(condition, AllOf):
        return "(" + (" AND ".join(parts) or "1") + ")"
    assert isinstance(condition, AnyOf)
    return "(" + (" OR ".join(parts) or "0") + ")"


DOMAIN_COLUMN: dict[str, str] = {}
FLAG_COLUMN: dict[str, str] = {}


def evaluation(households: int, loop_households: int) -> dict[str, Any]:
    s = setup()
    rules = s.escalation_rules
    domains = tuple(d.key for d in s.life_domains)
    indicators = tuple(i.key for i in s.indicators)
    table = random_table(households, domains, indicators)

    columnar = best(5, lambda: [rule.mask(table) for rule in rules])
    fired = np.stack([rule.mask(table) for rule in rules], axis=1)

    sample = facts_of(table, loop_households)
    plain = [(dict(f.scores), f.indicators) for f in sample]
    loop_fires = best(1, lambda: [[r.fires(sc, ind) for r in rules] for sc, ind in plain])
    loop_holds = best(3, lambda: [[r.when.holds(f) for r in rules] for f in sample])
    agree = [[r.fires(sc, ind) for r in rules] for sc, ind in plain] == fired[
        :loop_households
    ].tolist()

    DOMAIN_COLUMN.update({d: f"d{i}" for i, d in enumerate(domains)})
    FLAG_COLUMN.update({k: f"f{i}" for i, k in enumerate(indicators)})
    db = sqlite3.connect(":memory:")
    columns = [*DOMAIN_COLUMN.values(), *FLAG_COLUMN.values()]
    db.execute(f"CREATE TABLE t ({', '.join(columns)})")
    scores = table.scores.astype(object)
    scores[table.scores == NOT_SCORED] = None
    values = np.concatenate([scores, table.flags.astype(np.int64).astype(object)], axis=1)
    db.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(columns))})", values.tolist())
    query = "SELECT " + ", ".join(f"sum({sql_expression(r.when)})" for r in rules) + " FROM t"
    in_sql = best(3, lambda: db.execute(query).fetchone())
    sql_counts = list(db.execute(query).fetchone())
    db.close()
    scale = households / loop_households
    return {
        "households": households,
        "rules": len(rules),
        "columnar_s": columnar,
        "loop_fires_s": loop_fires * scale,
        "loop_holds_s": loop_holds * scale,
        "sqlite_expressions_s": in_sql,
        "speedup_vs_fires": loop_fires * scale / columnar,
        "speedup_vs_holds": loop_holds * scale / columnar,
        "agree_on_sample": agree,
        "sql_counts_agree": sql_counts == fired.sum(axis=0).tolist(),
    }


# (b) bulk loading --------------------------------------------------------------------------


def rows_of(
    n: int,
    teams: list[tuple[str, str, str]],
    domains: tuple[str, ...],
    indicators: tuple[str, ...],
    code: str,
    first_id: int,
) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Batches of rows for households ``first_id..first_id+n-1``: every household a signal and
    an assessment; 20% a second, later assessment; 3% a closed case; 10% an escalation, of
    which a third ended."""
    rng = random.Random(SEED)
    for start in range(0, n, BATCH):
        batch: dict[str, list[dict[str, Any]]] = {
            "household": [],
            "signal": [],
            "assessment": [],
            "escalation": [],
        }
        for offset in range(start, min(n, start + BATCH)):
            hid = first_id + offset
            team, hood, postcode = teams[hid % len(teams)]
            created = START + timedelta(minutes=offset)
            closed = rng.random() < 0.03
            batch["household"].append(
                {
                    "id": hid,
                    "municipality": code,
                    "neighbourhood": hood,
                    "team": team,
                    "postcode": postcode,
                    "case_state": "closed" if closed else "assessed",
                    "created_at": created,
                    "closed_at": created + timedelta(days=30) if closed else None,
                }
            )
            flagged = [i for i in indicators if rng.random() < 0.02]
            batch["signal"].append(
                {
                    "municipality": code,
                    "household_id": hid,
                    "reporter": "gp",
                    "received_at": created,
                    "indicators": flagged,
                    "team": team,
                    "state": "triaged",
                    "triage": "integral",
                }
            )
            for k in range(2 if rng.random() < 0.2 else 1):
                scores = {
                    d: rng.choices((1, 2, 3, 4, 5), (5, 12, 25, 33, 25))[0]
                    for d in domains
                    if rng.random() < 2 / 3
                }
                batch["assessment"].append(
                    {
                        "municipality": code,
                        "household_id": hid,
                        "held_at": created + timedelta(days=1 + 7 * k),
                        "held_by": "w-1",
                        "scores": scores,
                        "indicators": [i for i in indicators if rng.random() < 0.01],
                        "network": [],
                        "informal_carers": [],
                        "notes": {},
                    }
                )
            if rng.random() < 0.1:
                ended = rng.random() < 1 / 3
                batch["escalation"].append(
                    {
                        "municipality": code,
                        "household_id": hid,
                        "rule": "multiproblematiek",
                        "target": "regieteam",
                        "handover": "transfer",
                        "state": "ended" if ended else "proposed",
                        "direct": False,
                        "proposed_at": created + timedelta(days=1),
                        "ended_at": created + timedelta(days=20) if ended else None,
                        "version": 1,
                    }
                )
        yield batch


def fill(url: str, n: int) -> None:
    """Migrate a fresh database and bulk-load ``n`` households with Core executemany."""
    from sqlalchemy import insert
    from sqlmodel import SQLModel

    from wijkteamkit.store import tables as _  # noqa: F401 - registers the tables
    from wijkteamkit.store.database import open_database

    s = setup()
    hoods = {h.key: h for h in s.neighbourhoods}
    teams = []
    for team in s.teams:
        low = hoods[team.neighbourhood].postcodes[0].split("-")[0]
        teams.append((team.key, team.neighbourhood, f"{low}AB"))
    tables = {
        name: SQLModel.metadata.tables[name]
        for name in ("household", "signal", "assessment", "escalation")
    }
    engine = open_database(url)
    domains = tuple(d.key for d in s.life_domains)
    indicators = tuple(i.key for i in s.indicators)
    with engine.begin() as connection:
        for batch in rows_of(n, teams, domains, indicators, s.code, 1):
            for name in ("household", "signal", "assessment", "escalation"):
                if batch[name]:
                    connection.execute(insert(tables[name]), batch[name])
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")  # as autovacuum would, given the time
    engine.dispose()


# (b, c) one screening in a fresh interpreter -------------------------------------------------


def resident(field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (peak since the last reset) in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def measure(url: str) -> dict[str, Any]:
    from wijkteamkit.engine.casework import Casework
    from wijkteamkit.engine.screening import screen
    from wijkteamkit.store.database import open_existing

    loaded = load([MUNICIPALITY]).loaded[0]
    engine = open_existing(url)
    casework = Casework(engine, loaded)
    auditor = Actor(
        id="bench", role=Role.AUDITOR, municipality=loaded.setup.code, organisation="bench"
    )
    before = resident("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak so far is forgotten
    began = time.perf_counter()
    result = screen(casework, auditor)
    seconds = time.perf_counter() - began
    peak = resident("VmHWM")
    engine.dispose()
    return {
        "seconds": seconds,
        "rss_before_kib": before,
        "rss_peak_kib": peak,
        "open": result.open_households,
        "assessed": result.assessed,
        "listed": result.listed,
    }


def end_to_end(url: str, n: int) -> dict[str, Any]:
    began = time.perf_counter()
    fill(url, n)
    loaded_s = time.perf_counter() - began
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, __file__, "--measure", url],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _ in range(2)
    ]
    run: dict[str, Any] = min(runs, key=lambda r: r["seconds"])
    run.update(households=n, load_s=loaded_s, us_per_household=run["seconds"] / n * 1e6)
    return run


def postgres_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(admin_url)
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"wtk_screen_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.set(database=name).render_as_string(hide_password=False), drop


def nothing() -> None:
    """Dropping an SQLite file's database: its temporary folder goes."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--loop-households", type=int, default=20_000)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--postgres-sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    if args.households:  # 0 skips part (a)
        e = evaluation(args.households, args.loop_households)
        print(f"(a) rule evaluation, {e['households']:,} households x {e['rules']} rules")
        print(f"    columnar (numpy)          {e['columnar_s'] * 1000:9.1f} ms")
        print(f"    SQL expressions (SQLite)  {e['sqlite_expressions_s'] * 1000:9.1f} ms")
        print(
            f"    loop of holds(facts)      {e['loop_holds_s'] * 1000:9.1f} ms  "
            f"({e['speedup_vs_holds']:.0f}x the columnar time)"
        )
        print(
            f"    loop of fires()           {e['loop_fires_s'] * 1000:9.1f} ms  "
            f"({e['speedup_vs_fires']:.0f}x the columnar time)"
        )
        print(
            f"    evaluators agree on the loop's sample: {e['agree_on_sample']}; "
            f"SQL counts agree: {e['sql_counts_agree']}"
        )
    backends = [("sqlite", n) for n in args.sizes]
    if args.postgres:
        backends += [("postgresql", n) for n in args.postgres_sizes]
    print("(b, c) end to end from the database (best of 2, each in a fresh interpreter)")
    for backend, n in backends:
        with tempfile.TemporaryDirectory(prefix="wtk-screen-") as folder:
            if backend == "sqlite":
                url, drop = f"sqlite:///{Path(folder) / 'screen.db'}", nothing
            else:
                url, drop = postgres_database(args.postgres)
            try:
                r = end_to_end(url, n)
            finally:
                drop()
        print(
            f"    {backend:10} {n:>9,} households: {r['seconds']:6.2f} s "
            f"({r['us_per_household']:.1f} us/household; {r['assessed']:,} assessed, "
            f"{r['listed']:,} listed), RSS {r['rss_before_kib'] / 1024:.0f} -> "
            f"{r['rss_peak_kib'] / 1024:.0f} MiB; bulk load {r['load_s']:.0f} s"
        )


if __name__ == "__main__":
    main()
