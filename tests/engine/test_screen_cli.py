"""``wijkteamkit screen``: output per team, JSON, ``--on``, exit codes, and one-line errors.

The caseload is Nijmegen's setup, made with the interactive engine on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from case_helpers import Clock
from sqlalchemy import create_engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from wijkteamkit import Signal
from wijkteamkit.cli.app import app
from wijkteamkit.domain.case import Actor, AssessmentIn, HouseholdIn, PersonIn, Role
from wijkteamkit.engine.casework import Casework
from wijkteamkit.engine.screening import SCREENED
from wijkteamkit.store.tables import AuditEntryRow

START = datetime(2016, 3, 1, 9, 0, tzinfo=UTC)
PROBLEMS = {"financien": 1, "huisvesting": 2, "sociaal-netwerk": 2}
TEAMS = {"swt-lindenholt": "6543AB", "swt-dukenburg": "6535AB"}


@dataclass(frozen=True)
class Made:
    url: str
    listed: dict[str, int]
    """Per team, the household the screening must list (multiproblematiek, proposal rejected)."""
    kept: dict[str, int]
    """Per team, a household whose proposal is still open."""


def _worker(team: str) -> Actor:
    return Actor(
        id=f"w-{team}", role="worker", municipality="GM0268", organisation="Swt", team=team
    )


def _make(casework: Casework, clock: Clock, team: str) -> tuple[int, int]:
    """Assess a household with problems on three domains; returns it and its proposal."""
    worker = casework.as_actor(_worker(team))
    household, signal = worker.receive_signal(
        Signal(reporter="gp", received_at=clock.now),
        HouseholdIn(
            postcode=TEAMS[team], members=(PersonIn(role="head", birth_date=date(1970, 5, 1)),)
        ),
    )
    worker.triage(signal, integral=True)
    result = worker.record_assessment(household, AssessmentIn(scores=PROBLEMS, held_at=clock.now))
    (proposal,) = result.proposed
    return household, proposal


@pytest.fixture
def made(database_url: str) -> Iterator[Made]:
    clock = Clock(START)
    casework = Casework.open("nijmegen", database_url, clock=clock)
    listed: dict[str, int] = {}
    kept: dict[str, int] = {}
    for team in TEAMS:
        listed[team], proposal = _make(casework, clock, team)
        kept[team], _ = _make(casework, clock, team)
        clock.advance(days=2)
        leader = casework.as_actor(_worker(team).model_copy(update={"role": Role.TEAM_LEADER}))
        leader.reject_escalation(proposal, "not now")
    casework.engine.dispose()
    yield Made(database_url, listed, kept)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_it_lists_per_team_as_text(made: Made) -> None:
    code, out, err = run("screen", "nijmegen", "--database", made.url)
    assert (code, err) == (0, "")
    assert "GM0268 Nijmegen" in out and "2 listed" in out
    for team, household in made.listed.items():
        assert f"{team}: 1 household" in out
        assert f"│ {household} " in out
        assert f"│ {made.kept[team]} " not in out
    assert "multiproblematiek" in out and "regieteam" in out


def test_json_is_a_stable_object(made: Made) -> None:
    code, out, _ = run("screen", "GM0268", "--database", made.url, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document == {
        "ok": True,
        "municipality": "GM0268",
        "on": document["on"],
        "open_households": 4,
        "assessed": 4,
        "listed": 2,
        "teams": [
            {
                "team": team,
                "listed": 1,
                "households": [
                    {
                        "household": made.listed[team],
                        "hits": [{"rule": "multiproblematiek", "target": "regieteam"}],
                    }
                ],
            }
            for team in sorted(TEAMS)
        ],
    }
    assert date.fromisoformat(document["on"]) >= date(2016, 3, 5)


def test_on_a_day_it_sees_the_caseload_as_it_stood(made: Made) -> None:
    def listed(day: date) -> tuple[int, int]:
        code, out, _ = run(
            "screen", "nijmegen", "--database", made.url, "--on", str(day), "--format", "json"
        )
        assert code == 0
        document = json.loads(out)
        return document["open_households"], document["listed"]

    assert listed(START.date() - timedelta(days=1)) == (0, 0)
    assert listed(START.date()) == (2, 0)  # lindenholt only; its proposal still open
    assert listed(START.date() + timedelta(days=2)) == (4, 1)  # lindenholt's rejected
    assert listed(START.date() + timedelta(days=4)) == (4, 2)


def test_nothing_listed_is_still_exit_0(made: Made) -> None:
    code, out, _ = run("screen", "nijmegen", "--database", made.url, "--on", "2016-02-01")
    assert code == 0
    assert "0 open households, 0 with an assessment, 0 listed" in out


def test_it_is_audited_as_the_municipalitys_auditor(made: Made) -> None:
    assert run("screen", "nijmegen", "--database", made.url)[0] == 0
    engine = create_engine(made.url)
    with Session(engine) as db:
        entry = db.exec(select(AuditEntryRow).order_by(col(AuditEntryRow.id).desc())).first()
    engine.dispose()
    assert entry is not None
    assert (entry.action, entry.actor, entry.actor_role) == (SCREENED, "cli-screen", "auditor")
    assert entry.detail["listed"] == 2 and "households" not in entry.detail


@pytest.mark.parametrize(
    ("args", "kind", "says"),
    [
        (("atlantis",), "unknown-municipality", "unknown municipality"),
        (("nijmegen", "--on", "2016-02-30"), "usage", "is not a date"),
        (("nijmegen", "--database", ""), "usage", "--database is empty"),
    ],
)
def test_bad_arguments_are_one_line_errors_exit_2(
    args: tuple[str, ...], kind: str, says: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/none.db"
    full = [*args] if "--database" in args else [*args, "--database", url]
    code, out, err = run("screen", *full, "--format", "json")
    assert code == 2
    assert json.loads(out)["error"]["code"] == kind
    assert says in err and "Traceback" not in err


def test_a_missing_or_empty_database_is_a_one_line_error(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path}/missing.db"
    code, _, err = run("screen", "nijmegen", "--database", missing)
    assert code == 2 and "no database at" in err
    assert not (tmp_path / "missing.db").exists()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    code, out, err = run(
        "screen", "nijmegen", "--database", f"sqlite:///{empty}", "--format", "json"
    )
    assert code == 2 and "no wijkteamkit schema" in err
    assert json.loads(out)["error"]["code"] == "database"
