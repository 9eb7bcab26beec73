"""Synthetic caseloads written through the engine: reproducible rows, a verified audit chain,
the command's refusals and summary; on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel
from typer.testing import CliRunner

from wijkteamkit.cli.app import app
from wijkteamkit.domain.signal import Reporter
from wijkteamkit.engine.casework import Casework
from wijkteamkit.loading import load
from wijkteamkit.store import audit, tenancy
from wijkteamkit.store.database import open_database
from wijkteamkit.synthetic.scripts import caseload
from wijkteamkit.synthetic.summary import Summary
from wijkteamkit.synthetic.writer import write

ENGINE_TESTS = Path(__file__).resolve().parent / "engine"
if str(ENGINE_TESTS) not in sys.path:
    sys.path.insert(0, str(ENGINE_TESTS))
_spec = importlib.util.spec_from_file_location("engine_fixtures", ENGINE_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
database_url = _fixtures.database_url

from rls_harness import engine_transactions_as_bound_role  # noqa: E402

NIJMEGEN = load(["nijmegen"], []).loaded[0]
CODE = NIJMEGEN.setup.code
CASE_TABLES = (
    "household",
    "person",
    "signal",
    "assessment",
    "consent",
    "plan",
    "escalation",
    "disclosure",
    "audit_entry",
)


@pytest.fixture
def casework(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Casework]:
    """Nijmegen's engine on a fresh database; on PostgreSQL as a row-level-security-bound role."""
    engine = open_database(database_url)
    with engine_transactions_as_bound_role(engine, monkeypatch):
        yield Casework(engine, NIJMEGEN)
    engine.dispose()


def generate(casework: Casework, households: int, seed: int = 1) -> Summary:
    return write(casework, caseload(casework.setup, households, seed), Summary(CODE, seed))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every case row, in id order, with times in UTC and JSON in one spelling."""
    tables = SQLModel.metadata.tables
    with Session(engine) as db:
        tenancy.bind(db, CODE)
        return {
            name: [
                tuple(_plain(v) for v in row)
                for row in db.connection().execute(select(tables[name]).order_by(tables[name].c.id))
            ]
            for name in CASE_TABLES
        }


def test_a_caseload_runs_the_whole_process_and_the_audit_chain_verifies(
    casework: Casework,
) -> None:
    told: list[int] = []
    batches = caseload(casework.setup, 120, 1, batch=50)
    summary = write(casework, batches, Summary(CODE, 1), told.append)
    assert told == [50, 100, 120]
    assert summary.households == 120 and sum(summary.signals.values()) == 120
    assert summary.assessments and summary.consents and summary.final_plans and summary.closed
    assert summary.confirmed and summary.rejected and summary.ended
    assert summary.proposed > summary.confirmed + summary.rejected  # some left proposed
    with Session(casework.engine) as db:
        tenancy.bind(db, CODE)
        assert audit.verify(db, CODE) == []
        states = {s for (s,) in db.connection().exec_driver_sql("SELECT state FROM escalation")}
    assert states == {"proposed", "active", "ended", "rejected"}


def test_300_households_look_like_a_caseload(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path}/cases.db")
    casework = Casework(engine, NIJMEGEN)
    summary = generate(casework, 300)
    assert set(summary.signals) == {r.value for r in Reporter}
    neighbourhoods = {n.key: n for n in NIJMEGEN.setup.neighbourhoods}
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT postcode, neighbourhood, team FROM household"
        ).all()
        scores = [
            json.loads(s) for (s,) in connection.exec_driver_sql("SELECT scores FROM assessment")
        ]
        closed = connection.exec_driver_sql(
            "SELECT count(*) FROM household WHERE case_state = 'closed'"
        ).scalar_one()
    teams = {t.neighbourhood: t.key for t in NIJMEGEN.setup.teams}
    for postcode, neighbourhood, team in rows:
        assert neighbourhoods[neighbourhood].covers_postcode(postcode)
        assert team == teams[neighbourhood]
    values = [v for s in scores for v in s.values()]
    assert set(values) == {1, 2, 3, 4, 5}
    assert 0.05 < sum(v <= 2 for v in values) / len(values) < 0.25  # a few in trouble
    assert 0.2 < closed / 300 < 0.6
    engine.dispose()


def test_the_same_seed_writes_the_same_rows(tmp_path: Path) -> None:
    def rows(name: str, seed: int) -> dict[str, list[tuple[Any, ...]]]:
        engine = open_database(f"sqlite:///{tmp_path}/{name}.db")
        generate(Casework(engine, NIJMEGEN), 60, seed)
        try:
            return dump(engine)
        finally:
            engine.dispose()

    first = rows("first", 3)
    assert first == rows("second", 3)
    assert first["household"] != rows("other", 4)["household"]


def test_sqlite_and_postgresql_write_the_same_rows(tmp_path: Path) -> None:
    created = _fixtures._fresh_postgres_database()
    if created is None:
        pytest.skip("PostgreSQL not reachable")
    url, admin = created
    dumps = []
    try:
        for where in (f"sqlite:///{tmp_path}/cases.db", url):
            engine = open_database(where)
            generate(Casework(engine, NIJMEGEN), 40, 3)
            dumps.append(dump(engine))
            engine.dispose()
    finally:
        _fixtures._drop_postgres_database(url, admin)
    assert dumps[0] == dumps[1]  # ids, times and audit hashes included


runner = CliRunner()


def test_the_command_refuses_a_database_with_households_unless_appending(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cases.db"
    args = ["generate", "caseload", "nijmegen", "--households", "12", "--database", url]
    made = runner.invoke(app, [*args, "--format", "json"])
    assert made.exit_code == 0, made.output
    summary = json.loads(made.stdout)
    assert summary["ok"] and summary["households"] == 12 and summary["municipality"] == CODE
    assert summary["signals"]["total"] == 12
    assert set(summary["escalations"]) == {
        "proposed",
        "confirmed",
        "rejected",
        "ended",
        "still_proposed",
    }
    refused = runner.invoke(app, [*args, "--format", "json"])
    assert refused.exit_code == 2
    assert json.loads(refused.stdout)["error"]["code"] == "not-empty"
    assert "--append" in refused.stderr
    appended = runner.invoke(app, [*args, "--append", "--seed", "2"])
    assert appended.exit_code == 0, appended.output
    assert "12 synthetic households of GM0268 (seed 2)" in appended.stdout
    engine = open_database(url)
    with Session(engine) as db:
        assert audit.verify(db, CODE) == []
        households = db.connection().exec_driver_sql("SELECT count(*) FROM household")
        assert households.scalar_one() == 24
        bsns = db.connection().exec_driver_sql("SELECT bsn FROM person WHERE bsn IS NOT NULL")
        numbers = [b for (b,) in bsns]
    assert len(numbers) == len(set(numbers))
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["arnhem", "--households", "5"], "setup", "Arnhem has no neighbourhood with postcodes"),
        (["nijmegen", "--households", "0"], "usage", "--households 0 is out of range"),
        (["nijmegen", "--households", "5", "--start", "2025-13-01"], "usage", "not a date"),
        (["nowhere", "--households", "5"], "unknown-municipality", "nowhere"),
    ],
)
def test_the_command_says_why_it_cannot_run(
    tmp_path: Path, args: list[str], code: str, says: str
) -> None:
    url = f"sqlite:///{tmp_path}/cases.db"
    result = runner.invoke(
        app, ["generate", "caseload", *args, "--database", url, "--format", "json"]
    )
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == code
    assert says in result.stderr


def test_progress_shows_only_on_a_terminal_and_never_with_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wijkteamkit.cli.common import Format
    from wijkteamkit.cli.generate_cmd import _progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with _progress(10, Format.TEXT) as progress:
        assert progress is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with _progress(10, Format.JSON) as progress:
        assert progress is None
    with _progress(10, Format.TEXT) as progress:
        assert progress is not None
        progress(5)


def test_a_caseload_across_the_reform_escalates_to_veilig_thuis_only_from_2015(
    casework: Casework,
) -> None:
    """The scripts propose by the rules valid on each assessment's day, as the engine does: a
    caseload that starts in 2014 writes without a refusal, and nobody goes to Veilig Thuis
    (founded 1 January 2015) before it existed. One household per batch, so that the engine's
    clock is each household's own (a batch runs each phase at its latest household's moment)."""
    start = date(2014, 10, 1)
    scripts = caseload(casework.setup, 150, 3, start=start, batch=1)
    summary = write(casework, scripts, Summary(CODE, 3))
    assert summary.households == 150 and summary.proposed
    with Session(casework.engine) as db:
        tenancy.bind(db, CODE)
        proposed = db.connection().exec_driver_sql("SELECT target, proposed_at FROM escalation")
        moments = [(target, _plain(at)) for target, at in proposed.all()]
    first_day = datetime(2014, 12, 31, 23, 0, tzinfo=UTC).isoformat()  # 1 January, Dutch time
    to_veilig_thuis = [at for target, at in moments if target == "veilig-thuis"]
    assert to_veilig_thuis, "the caseload reaches 2015 and flags domestic violence there"
    assert min(to_veilig_thuis) >= first_day
    assert any(at < first_day for _, at in moments)
