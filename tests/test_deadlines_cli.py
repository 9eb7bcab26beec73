"""``wijkteamkit deadlines``: an overdue request is listed per team, in text and JSON, as of
``--on``; ids and provision keys only; exit codes and one-line errors as the other commands.

The requests are Nijmegen's, made with the interactive engine on an SQLite file.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from wijkteamkit import Signal
from wijkteamkit.cli.app import app
from wijkteamkit.domain.case import Actor, HouseholdIn, PersonIn
from wijkteamkit.domain.requests import RequestIn, StepIn
from wijkteamkit.engine.casework import Casework
from wijkteamkit.engine.requests import LISTED
from wijkteamkit.store.tables import AuditEntryRow

NOW = datetime(2016, 3, 1, 9, 0, tzinfo=UTC)
TEAM = "swt-lindenholt"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def made(tmp_path: Path) -> tuple[str, dict[str, int]]:
    """An overdue request (reported 2016-01-04), one on time (2016-02-20) and one decided."""
    url = f"sqlite:///{tmp_path}/cases.db"
    casework = Casework.open("nijmegen", url, clock=lambda: NOW)
    worker = casework.as_actor(
        Actor(id="w-1", role="worker", municipality="GM0268", organisation="Swt", team=TEAM)
    )
    household, _ = worker.receive_signal(
        Signal(reporter="gp", received_at=NOW),
        HouseholdIn(
            postcode="6543AB",
            members=(PersonIn(role="head", name="Jan de Vries", birth_date=date(1950, 5, 1)),),
        ),
    )

    def report(provision: str, on: date) -> int:
        return worker.report_request(
            RequestIn(household=household, provision=provision, reported_on=on)
        )

    overdue = report("begeleiding", date(2016, 1, 4))
    report("dagbesteding", date(2016, 2, 20))
    decided = report("huishoudelijke-hulp", date(2016, 1, 4))
    for step, day in (("investigation", 5), ("application", 6), ("decision", 7)):
        worker.record_request_step(
            StepIn.model_validate(
                {
                    "request": decided,
                    "step": step,
                    "on": date(2016, 1, day),
                    "decision": "granted" if step == "decision" else None,
                }
            )
        )
    casework.engine.dispose()
    return url, {"overdue": overdue, "household": household}


def test_an_overdue_request_is_listed_per_team_in_text(made: tuple[str, dict[str, int]]) -> None:
    url, ids = made
    code, out, err = run("deadlines", "nijmegen", "--on", "2016-03-01", "--database", url)
    assert (code, err) == (0, "")
    assert "GM0268 Nijmegen" in out
    assert "2 open requests, 1 overdue or due within 7 days" in out
    assert f"{TEAM}: 1 request" in out
    assert (
        f"request {ids['overdue']}, household {ids['household']}, begeleiding: investigation "
        "(onderzoek) due 2016-02-15, overdue (art. 2.3.2)"
    ) in out
    assert "Jan" not in out and "Vries" not in out


def test_the_json_names_ids_terms_and_states(made: tuple[str, dict[str, int]]) -> None:
    url, ids = made
    code, out, _ = run(
        "deadlines", "GM0268", "--on", "2016-03-01", "--database", url, "--format", "json"
    )
    assert code == 0
    document = json.loads(out)
    assert (document["ok"], document["on"], document["within_days"]) == (True, "2016-03-01", 7)
    assert (document["open_requests"], document["listed"]) == (2, 1)
    (team,) = document["teams"]
    assert team["team"] == TEAM
    (request,) = team["requests"]
    assert request == {
        "request": ids["overdue"],
        "household": ids["household"],
        "provision": "begeleiding",
        "deadlines": [
            {
                "term": "wmo-investigation",
                "from": "report",
                "to": "investigation",
                "started": "2016-01-04",
                "due": "2016-02-15",
                "state": "overdue",
                "article": "art. 2.3.2",
            }
        ],
    }
    engine = create_engine(url)
    with Session(engine) as db:
        entry = db.exec(
            select(AuditEntryRow)
            .where(AuditEntryRow.action == LISTED)
            .order_by(col(AuditEntryRow.seq).desc())
        ).first()
    engine.dispose()
    assert entry is not None and entry.actor == "cli-deadlines"
    assert entry.detail == {"on": "2016-03-01", "within": 7, "open_requests": 2, "listed": 1}


def test_nothing_is_listed_before_a_term_runs_out(made: tuple[str, dict[str, int]]) -> None:
    url, _ = made
    code, out, _ = run(
        "deadlines", "nijmegen", "--on", "2016-01-31", "--database", url, "--format", "json"
    )
    assert code == 0
    assert (json.loads(out)["listed"], json.loads(out)["teams"]) == (0, [])


def test_it_cannot_run_without_a_date_a_municipality_or_a_database(
    made: tuple[str, dict[str, int]], tmp_path: Path
) -> None:
    url, _ = made
    code, _, err = run("deadlines", "nijmegen", "--on", "1-3-2016", "--database", url)
    assert code == 2 and "--on '1-3-2016' is not a date" in err
    code, _, err = run("deadlines", "atlantis", "--database", url)
    assert code == 2 and err.startswith("wijkteamkit: error:") and "atlantis" in err
    code, out, err = run(
        "deadlines", "nijmegen", "--database", f"sqlite:///{tmp_path}/none.db", "--format", "json"
    )
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert json.loads(out)["error"]["code"] == "database"
