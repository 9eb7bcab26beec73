"""Two processes receiving the same feed at once on PostgreSQL end where one run ends: no report
twice, no household twice, the chain linear (the reference index and the intake lock decide)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from case_helpers import Clock
from intake_helpers import SOURCE, end_state, feed, ingest_child, two_teams
from sqlmodel import Session

from wijkteamkit.engine.casework import Casework
from wijkteamkit.engine.intake import Intake
from wijkteamkit.store import audit
from wijkteamkit.store.database import open_database
from wijkteamkit.testing import PluginHarness


@pytest.fixture
def postgres(database_url: str) -> Iterator[str]:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")
    open_database(database_url).dispose()
    yield database_url


def _essence(state: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """What the intake decided, in id order: households by address and team, signals by
    household, reference, creditor and arrears, references, and the audit trail's actions."""
    return {
        "household": [(h[0], h[3], h[4], h[5], h[6], h[7]) for h in state["household"]],
        "signal": [(s[0], s[1], s[9], s[10], s[11], s[12]) for s in state["signal"]],
        "signal_reference": [(r[3], r[4]) for r in state["signal_reference"]],
        "audit_entry": [(e[0], e[5], e[6], e[7]) for e in state["audit_entry"]],
    }


def _one_run(tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What one process alone leaves (on SQLite: the decisions do not depend on the engine)."""
    harness = PluginHarness()
    harness.register(two_teams())
    engine = open_database(f"sqlite:///{tmp_path}/alone.db")
    Intake(Casework(engine, harness.load(), Clock()), SOURCE).write(feed())
    state = _essence(end_state(engine))
    engine.dispose()
    return state


@pytest.mark.parametrize("chunk", [5, 60])
def test_two_processes_ingesting_one_feed_end_where_one_run_ends(
    postgres: str, chunk: int, tmp_path: Path
) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    children = [
        context.Process(target=ingest_child, args=(postgres, chunk, barrier, results))
        for _ in range(2)
    ]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=120) for _ in children]
    for child in children:
        child.join(30)
    assert all(isinstance(o, list) for o in outcomes), outcomes
    engine = open_database(postgres)
    state = end_state(engine)
    with Session(engine) as db:
        assert audit.verify(db) == []
    engine.dispose()
    for first, second in zip(*outcomes, strict=True):
        # each report is received by one of the two; the other sees it as a duplicate
        assert "duplicate" in (first, second)
    references = [r[3] for r in state["signal_reference"]]
    assert len(references) == len(set(references))
    addresses = [(h[4], h[5], h[6]) for h in state["household"]]
    assert len(addresses) == len(set(addresses))
    assert len(state["signal"]) == len({(s[1], s[10], s[11]) for s in state["signal"]})
    assert _essence(state) == _one_run(tmp_path)
