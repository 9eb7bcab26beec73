"""Feed intake throughput and peak memory, against raw bulk inserts of the same rows.

A synthetic debt early-warning feed (``wijkteamkit.intake.generate``, 5% bad rows) for
Benchstad (``benchtown.py``) is received the way ``wijkteamkit ingest`` receives it: the
streaming reader, chunks of 1,000 rows through ``wijkteamkit.engine.intake.Intake`` (one
transaction each), bad rows to a quarantine file. Timed from the first byte read to the last
commit, on a migrated, empty database (start-up and migration excluded).

Baselines in the same run: the very rows the intake wrote (households, persons, signals,
signal references, the audit log and its head) copied into a fresh database of the same schema
(triggers and all) with raw ``sqlite3`` ``executemany`` in one transaction, and with PostgreSQL
``COPY ... FROM STDIN`` in one transaction; only the insert is timed. The reader alone (parse and
validate, no database) is timed too, to show where the time goes.

Peak memory: ``wijkteamkit generate feed`` and ``wijkteamkit ingest`` run as fresh processes at
each ``--memory-rows`` size; their maximum resident set size comes from ``wait4``.

Run: ``.venv/bin/python benchmarks/intake.py [--rows 100000] [--postgres-url URL]``.
"""

from __future__ import annotations

import argparse
import io
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from casework import BENCHTOWN, CODE, DEFAULT_POSTGRES, postgres_server, scratch_database

from wijkteamkit.engine.casework import Casework
from wijkteamkit.engine.intake import Intake
from wijkteamkit.intake.feed import open_feed
from wijkteamkit.intake.generate import write_feed
from wijkteamkit.intake.ingest import Tally, ingest
from wijkteamkit.intake.quarantine import Quarantine
from wijkteamkit.loading import load
from wijkteamkit.store.database import open_database

TABLES = ("audit_head", "household", "person", "signal", "signal_reference", "audit_entry")
"""Every table the intake writes, parents before children (the order a bulk copy must keep)."""
SOURCE = "bench"


@dataclass(frozen=True)
class Timed:
    what: str
    rows: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds


def say(text: str) -> None:
    print(text, flush=True)


def make_feed(path: Path, rows: int) -> Timed:
    setup = load([CODE], [BENCHTOWN]).loaded[0].setup
    start = time.perf_counter()
    with path.open("wb") as out:
        write_feed(out, setup, rows, 0.05, 1, "csv")
    return Timed("generate feed", rows, time.perf_counter() - start)


def read_only(path: Path) -> Timed:
    start = time.perf_counter()
    with open_feed(path) as feed:
        rows = sum(1 for _ in feed)
    return Timed("read and validate (no database)", rows, time.perf_counter() - start)


def run_ingest(url: str, path: Path, quarantine: Path) -> tuple[Timed, Tally, dict[str, int]]:
    """Receive the feed into the (empty, migrated) database at ``url``; rows written per table."""
    loaded = load([CODE], [BENCHTOWN]).loaded[0]
    engine = open_database(url)
    try:
        writer = Intake(Casework(engine, loaded), SOURCE)
        start = time.perf_counter()
        with open_feed(path) as feed, Quarantine(quarantine) as bad:
            tally = ingest(feed, writer, bad)
        seconds = time.perf_counter() - start
        with engine.connect() as connection:
            written = {
                table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
                for table in TABLES
            }
    finally:
        engine.dispose()
    return Timed("ingest", tally.rows, seconds), tally, written


def sqlite_bulk(source_file: Path, target_file: Path) -> Timed:
    """The rows the intake wrote, into a fresh file of the same schema: one executemany each."""
    open_database(f"sqlite:///{target_file}").dispose()
    with sqlite3.connect(source_file) as source:
        data = {t: source.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
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
    return Timed("sqlite3 executemany, 1 transaction", sum(map(len, data.values())), seconds)


def postgres_copy(source_dsn: str, target_dsn: str, target_url: str) -> Timed:
    """The rows the intake wrote, into a fresh database of the same schema: COPY FROM STDIN."""
    import psycopg

    open_database(target_url).dispose()
    data: dict[str, bytes] = {}
    with psycopg.connect(source_dsn) as source:
        for table in TABLES:
            buffer = io.BytesIO()
            with source.cursor().copy(f"COPY (SELECT * FROM {table} ORDER BY 1) TO STDOUT") as copy:
                for block in copy:
                    buffer.write(block)
            data[table] = buffer.getvalue()
    with psycopg.connect(target_dsn) as target:
        start = time.perf_counter()
        with target.transaction(), target.cursor() as cursor:
            for table, block in data.items():
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(block)
        seconds = time.perf_counter() - start
    rows = sum(block.count(b"\n") for block in data.values())
    return Timed("PostgreSQL COPY FROM STDIN, 1 transaction", rows, seconds)


MEASURED = """
import sys
out, sys.argv = sys.argv[1], ["wijkteamkit", *sys.argv[2:]]
try:
    from wijkteamkit.cli.app import main
    main()
finally:
    with open("/proc/self/status") as status, open(out, "w") as peak:
        peak.write(next(l.split()[1] for l in status if l.startswith("VmHWM:")))
"""
"""Runs the command line and writes its own peak RSS (``VmHWM``, KiB, Linux). Not ``ru_maxrss``:
Linux keeps that across ``exec``, so a child would report this script's own peak."""


def peak_kib(args: list[str], folder: Path, stdout: Path | None = None) -> tuple[int, float, int]:
    """Run ``wijkteamkit ARGS`` as a fresh process; its peak RSS in KiB, seconds and exit code."""
    peak = folder / "peak.txt"
    start = time.perf_counter()
    with open(stdout or os.devnull, "wb") as out:
        done = subprocess.run(
            [sys.executable, "-c", MEASURED, str(peak), *args],
            stdout=out,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    return int(peak.read_text()), time.perf_counter() - start, done.returncode


def memory(sizes: list[int], folder: Path) -> None:
    say("peak memory (fresh processes, SQLite):")
    for rows in sizes:
        feed = folder / f"memory-{rows}.csv"
        generate = ["generate", "feed", CODE, "--plugin-file", str(BENCHTOWN)]
        made, made_s, _ = peak_kib([*generate, "--rows", str(rows)], folder, feed)
        url = f"sqlite:///{folder}/memory-{rows}.db"
        receive = ["ingest", CODE, str(feed), "--plugin-file", str(BENCHTOWN)]
        got, got_s, code = peak_kib([*receive, "--database", url], folder)
        say(
            f"  {rows:>9,} rows: generate feed {made / 1024:6.1f} MiB ({made_s:5.1f} s); "
            f"ingest {got / 1024:6.1f} MiB ({got_s:6.1f} s, exit {code}); "
            f"feed {feed.stat().st_size / 2**20:.1f} MiB"
        )


def report(run: Timed, tally: Tally, written: dict[str, int], reading: Timed, bulk: Timed) -> None:
    total = sum(written.values())
    say(
        f"  ingest: {run.rows} rows in {run.seconds:.2f} s = {run.per_second:,.0f} rows/s "
        f"(accepted {tally.accepted}, merged {tally.merged}, quarantined {tally.quarantined}); "
        f"{total} database rows = {total / run.seconds:,.0f} rows/s"
    )
    say("    written: " + ", ".join(f"{t} {n}" for t, n in written.items()))
    say(
        f"    of which reading and validating alone takes {reading.seconds:.2f} s "
        f"({reading.seconds / run.seconds:.0%})"
    )
    say(
        f"  baseline {bulk.what}: {bulk.rows} rows in {bulk.seconds:.3f} s = "
        f"{bulk.per_second:,.0f} rows/s; ingest is {bulk.seconds / run.seconds:.3f} of it "
        f"(1/{run.seconds / bulk.seconds:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000, help="feed rows (default 100000)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("WIJKTEAMKIT_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help=f"a server where this role may CREATE DATABASE (default {DEFAULT_POSTGRES})",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--memory-rows",
        default="10000,100000",
        help="feed sizes for the peak-memory runs, comma-separated ('' to skip)",
    )
    args = parser.parse_args()
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    say(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; a feed of {args.rows} rows")
    with tempfile.TemporaryDirectory(prefix="wtk-intake-") as name:
        folder = Path(name)
        feed = folder / "feed.csv"
        made = make_feed(feed, args.rows)
        say(
            f"generate feed: {made.rows} rows in {made.seconds:.2f} s = {made.per_second:,.0f} "
            f"rows/s ({feed.stat().st_size / 2**20:.1f} MiB)"
        )
        reading = read_only(feed)
        say(
            f"{reading.what}: {reading.rows} rows in {reading.seconds:.2f} s = "
            f"{reading.per_second:,.0f} rows/s"
        )
        if not args.skip_sqlite:
            engine_file = folder / "intake.db"
            open_database(f"sqlite:///{engine_file}").dispose()
            run, tally, written = run_ingest(
                f"sqlite:///{engine_file}", feed, folder / "q-sqlite.jsonl"
            )
            say("SQLite:")
            report(run, tally, written, reading, sqlite_bulk(engine_file, folder / "bulk.db"))
        if not args.skip_postgres:
            server, about = postgres_server(args.postgres_url)
            if server is None:
                say(f"PostgreSQL: skipped, {args.postgres_url} unreachable: {about}")
            else:
                stem = f"wijkteamkit_intake_{os.getpid()}"
                with (
                    scratch_database(server, stem) as engine_db,
                    scratch_database(server, stem + "_copy") as copy_db,
                ):
                    url = server.sqlalchemy_url(engine_db)
                    open_database(url).dispose()
                    run, tally, written = run_ingest(url, feed, folder / "q-postgres.jsonl")
                    say(f"PostgreSQL ({about}):")
                    copy = postgres_copy(
                        server.dsn(engine_db), server.dsn(copy_db), server.sqlalchemy_url(copy_db)
                    )
                    report(run, tally, written, reading, copy)
        sizes = [int(size) for size in args.memory_rows.split(",") if size.strip()]
        if sizes:
            memory(sizes, folder)


if __name__ == "__main__":
    main()
