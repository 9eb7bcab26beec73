"""kill -9 during the first migration and during engine writes: afterwards every database opens,
`db upgrade` works and the audit log verifies.

The child processes are forked (the parent has already imported everything), so a kill costs
milliseconds, not an interpreter start-up. Each kill lands at a random moment in its own slot
of the work, so the kills cover all of it (``WIJKTEAMKIT_KILL_SEED`` picks the moments).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from case_helpers import Clock, actor
from sample_town import SampleTown
from sqlmodel import Session
from tamper import bsns, household_with, populate

from wijkteamkit.engine.casework import Casework
from wijkteamkit.store import audit
from wijkteamkit.store.database import _revisions, open_database, open_existing
from wijkteamkit.testing import PluginHarness

FORK = multiprocessing.get_context("fork")
MIGRATION_KILLS = 12
WRITE_KILLS = 12
RANDOM = random.Random(int(os.environ.get("WIJKTEAMKIT_KILL_SEED", "20261125")))
"""Random kill moments within evenly spread slots; set the seed to reproduce or vary a run."""


def _kill_after(target: Callable[..., None], args: tuple[Any, ...], delay: float) -> bool:
    """Run ``target`` in a forked child, SIGKILL it ``delay`` seconds after it says it is ready.

    Returns whether the child was still running when killed (it was killed mid-work).
    """
    ready = FORK.Event()
    child = FORK.Process(target=target, args=(*args, ready), daemon=True)
    child.start()
    assert ready.wait(30), "the child never started"
    time.sleep(delay)
    alive = child.is_alive()
    assert child.pid is not None
    if alive:
        try:
            os.kill(child.pid, signal.SIGKILL)
        except ProcessLookupError:  # it finished just now
            alive = False
    child.join(30)
    return alive


def _migrate(url: str, ready: Any) -> None:
    ready.set()
    open_database(url).dispose()
    os._exit(0)


def _write(url: str, numbers: list[str], ready: Any) -> None:
    harness = PluginHarness()
    harness.register(SampleTown())
    casework = Casework(open_database(url), harness.load(), Clock())
    worker = casework.as_actor(actor())
    ready.set()
    for number in numbers:
        populate(worker, household_with(number))
    os._exit(0)


def _intact(url: str) -> int:
    """The database opens as it is, `db upgrade` works, and the log verifies; its entry count."""
    open_database(url).dispose()  # what `db upgrade` does
    engine = open_existing(url)
    try:
        with Session(engine) as db:
            assert audit.verify(db) == []
            return audit.count(db)
    finally:
        engine.dispose()


def _schema(path: Path) -> str:
    """``none`` or ``complete``: what a killed first migration left (never anything between)."""
    if not path.exists():
        return "none"
    connection = sqlite3.connect(path)
    try:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        if not tables:
            return "none"
        head, _known = _revisions()
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        assert revision == (head,), f"half-built schema: {sorted(tables)}"
        return "complete"
    finally:
        connection.close()


def _migration_seconds(tmp_path: Path) -> float:
    """How long a first migration takes here (the faster of two, imports already done)."""
    times = []
    for name in ("timing1.db", "timing2.db"):
        started = time.perf_counter()
        open_database(f"sqlite:///{tmp_path / name}").dispose()
        times.append(time.perf_counter() - started)
    return min(times)


def test_kill_during_the_first_migration_on_sqlite(tmp_path: Path) -> None:
    duration = _migration_seconds(tmp_path)
    outcomes = []
    killed_mid_work = 0
    for i in range(MIGRATION_KILLS):
        path = tmp_path / f"m{i}.db"
        url = f"sqlite:///{path}"
        delay = 0.8 * duration * (i + RANDOM.random()) / MIGRATION_KILLS
        killed_mid_work += _kill_after(_migrate, (url,), delay)
        outcomes.append(_schema(path))
        assert _intact(url) == 0
    assert "none" in outcomes, "no kill landed before the migration committed"
    assert killed_mid_work >= MIGRATION_KILLS // 2, outcomes


def test_kill_during_writes_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    open_database(url).dispose()
    numbers = bsns(WRITE_KILLS * 40)
    killed_mid_work = 0
    entries = 0
    for i in range(WRITE_KILLS):
        batch = numbers[i * 40 : (i + 1) * 40]
        delay = 0.05 + 0.3 * (i + RANDOM.random()) / WRITE_KILLS
        killed_mid_work += _kill_after(_write, (url, batch), delay)
        now = _intact(url)
        assert now >= entries
        entries = now
    assert killed_mid_work == WRITE_KILLS
    assert entries > 0


def test_kill_during_migration_and_writes_on_postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the SQLite runs are above")
    _kill_after(_migrate, (database_url,), 0.1)
    _intact(database_url)
    numbers = bsns(4 * 40)
    for i in range(4):
        batch = numbers[i * 40 : (i + 1) * 40]
        _kill_after(_write, (database_url, batch), 0.1 + 0.1 * (i + RANDOM.random()))
        _intact(database_url)
