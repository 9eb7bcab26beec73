"""Property: however a feed is cut into chunks, the intake ends in the same state as receiving it
one report at a time; the audit chain verifies, and receiving it again changes nothing."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from case_helpers import Clock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intake_helpers import SOURCE, end_state, report, two_teams
from sqlmodel import Session

from wijkteamkit.engine.casework import Casework
from wijkteamkit.engine.intake import Intake, Outcome, RowOutcome
from wijkteamkit.intake.feed import DebtReport
from wijkteamkit.loading import LoadedMunicipality
from wijkteamkit.store import audit
from wijkteamkit.store.database import open_database
from wijkteamkit.testing import PluginHarness

ADDRESSES = [
    {"postcode": "1234AB", "house_number": 1},
    {"postcode": "1234AB", "house_number": 1, "house_number_suffix": "A"},
    {"postcode": "1234AC", "house_number": 7},
    {"postcode": "5678CD", "house_number": 2},
    {"postcode": "9999ZZ", "house_number": 3},  # no team serves it
]
CREDITORS = [
    {"creditor_kind": "energy", "creditor": "Stroom BV"},
    {"creditor_kind": "energy", "creditor": "Andere Stroom"},
    {"creditor_kind": "housing", "creditor": "Woonstichting"},
]


@st.composite
def reports(draw: st.DrawFn) -> DebtReport:
    fields: dict[str, Any] = {
        **draw(st.sampled_from(ADDRESSES)),
        **draw(st.sampled_from(CREDITORS)),
        "arrears_eur": f"{draw(st.integers(0, 5000))}.{draw(st.integers(0, 99)):02d}",
        "arrears_since": draw(st.sampled_from([None, "2015-10-01", "2016-01-15"])),
        "birth_date": draw(st.sampled_from([None, "1960-01-01", "1985-07-31"])),
        "signal_date": draw(st.sampled_from(["2016-01-31", "2016-02-01", "2016-03-03"])),
    }  # the engine's clock is 2016-03-01: a report of 2016-03-03 is rejected
    return report(f"R{draw(st.integers(0, 12))}", today=date(2016, 3, 5), **fields)


@pytest.fixture(scope="module")
def loaded() -> LoadedMunicipality:
    harness = PluginHarness()
    harness.register(two_teams())
    return harness.load()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("intake") / "template.db"
    open_database(f"sqlite:///{path}").dispose()
    return path


class Fresh:
    """Fresh migrated SQLite databases, copied from a template."""

    def __init__(self, template: Path, loaded: LoadedMunicipality) -> None:
        self.template = template
        self.loaded = loaded
        self.engines: list[Any] = []

    def casework(self) -> Casework:
        path = self.template.with_name(f"{uuid.uuid4().hex}.db")
        shutil.copy(self.template, path)
        engine = open_database(f"sqlite:///{path}")
        self.engines.append(engine)
        return Casework(engine, self.loaded, Clock())


@pytest.fixture
def fresh(template: Path, loaded: LoadedMunicipality) -> Iterator[Fresh]:
    databases = Fresh(template, loaded)
    yield databases
    for engine in databases.engines:
        engine.dispose()


def ingest(casework: Casework, feed: list[DebtReport], sizes: list[int]) -> list[RowOutcome]:
    numbered = list(enumerate(feed, 2))
    intake = Intake(casework, SOURCE)
    results: list[RowOutcome] = []
    start, cuts = 0, iter(sizes)
    while start < len(numbered):
        size = next(cuts, len(numbered))
        results += intake.write(numbered[start : start + size])
        start += size
    return results


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    feed=st.lists(reports(), min_size=1, max_size=25),
    sizes=st.lists(st.integers(1, 12), max_size=10),
)
def test_any_chunking_ends_where_one_report_at_a_time_ends(
    fresh: Fresh, feed: list[DebtReport], sizes: list[int]
) -> None:
    one_by_one, chunked = fresh.casework(), fresh.casework()
    alone = ingest(one_by_one, feed, [1] * len(feed))
    together = ingest(chunked, feed, sizes)
    assert together == alone
    state = end_state(chunked.engine)
    assert state == end_state(one_by_one.engine)
    with Session(chunked.engine) as db:
        assert audit.verify(db) == []
    again = ingest(chunked, feed, [len(feed)])
    assert end_state(chunked.engine) == state
    assert {r.outcome for r in again} <= {Outcome.DUPLICATE, Outcome.REJECTED}
    kept = {feed[r.row - 2].external_id for r in alone if r.outcome is not Outcome.REJECTED}
    duplicates = {row for row, kept_report in enumerate(feed, 2) if kept_report.external_id in kept}
    assert duplicates == {r.row for r in again if r.outcome is Outcome.DUPLICATE}
