"""``wijkteamkit indications import`` and ``ending``: Zwolle's AWBZ indications imported with
their original dates (all or nothing, a bad row named by line and field), listed per team when
they end, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from case_helpers import Clock
from sqlalchemy import create_engine, func, select
from sqlmodel import Session, col
from typer.testing import CliRunner

from wijkteamkit import Signal
from wijkteamkit.cli.app import app
from wijkteamkit.domain.case import Actor, HouseholdIn, PersonIn
from wijkteamkit.engine.casework import Casework
from wijkteamkit.store.tables import AuditEntryRow, IndicationRow

START = datetime(2015, 3, 1, 9, 0, tzinfo=UTC)
TEAMS = {"wijkteam-holtenbroek": "8025AB", "wijkteam-stadshagen": "8043AB"}
HEADER = "household,provision,law,valid_from,valid_to,delivery\n"


@dataclass(frozen=True)
class Made:
    url: str
    households: dict[str, int]


@pytest.fixture
def made(database_url: str) -> Iterator[Made]:
    casework = Casework.open("zwolle", database_url, clock=Clock(START))
    households = {}
    for team, postcode in TEAMS.items():
        worker = casework.as_actor(
            Actor(
                id=f"w-{team}", role="worker", municipality="GM0193", organisation="Swt", team=team
            )
        )
        households[team], _ = worker.receive_signal(
            Signal(reporter="gp", received_at=START),
            HouseholdIn(
                postcode=postcode, members=(PersonIn(role="head", birth_date=date(1950, 1, 1)),)
            ),
        )
    casework.engine.dispose()
    yield Made(database_url, households)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _file(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "indications.csv"
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return str(path)


def _count(url: str) -> int:
    engine = create_engine(url)
    with Session(engine) as db:
        found = int(db.execute(select(func.count()).select_from(IndicationRow)).scalar_one())
    engine.dispose()
    return found


def test_import_then_list_what_ends(made: Made, tmp_path: Path) -> None:
    holtenbroek, stadshagen = made.households.values()
    file = _file(
        tmp_path,
        f"{holtenbroek},begeleiding,awbz,2014-03-01,2017-03-01,zin",
        f"{holtenbroek},beschermd-wonen,awbz,2012-05-01,,",
        f"{stadshagen},dagbesteding,awbz,2014-09-01,2015-11-30,pgb",
    )
    code, out, err = run("indications", "import", "zwolle", file, "--database", made.url)
    assert (code, err) == (0, "") and "3 indications imported into GM0193" in out

    code, out, _ = run(
        "indications", "ending", "zwolle", "--within", "8", "--on", "2015-11-15",
        "--database", made.url, "--format", "json",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert (document["listed"], document["within_weeks"]) == (2, 8)
    teams = {t["team"]: t["indications"] for t in document["teams"]}
    (begeleiding,) = teams["wijkteam-holtenbroek"]
    assert begeleiding["household"] == holtenbroek and begeleiding["valid_from"] == "2014-03-01"
    assert (begeleiding["ends_on"], begeleiding["reason"]) == ("2015-12-31", "transitional")
    (day,) = teams["wijkteam-stadshagen"]
    assert (day["ends_on"], day["reason"], day["continued"]) == ("2015-11-30", "own-end", True)

    code, out, _ = run(
        "indications", "ending", "GM0193", "--within", "8", "--on", "2019-11-15",
        "--database", made.url,
    )  # fmt: skip
    assert code == 0 and "wijkteam-holtenbroek: 1 indication" in out
    assert "2019-12-31" in out and "beschermd-wonen" in out and "stadshagen" not in out

    engine = create_engine(made.url)
    with Session(engine) as db:
        entry = db.execute(
            select(AuditEntryRow).order_by(col(AuditEntryRow.id).desc()).limit(1)
        ).scalar_one()
    engine.dispose()
    assert (entry.action, entry.actor, entry.actor_role) == (
        "query.indications_ending",
        "cli-indications",
        "auditor",
    )


@pytest.mark.parametrize(
    ("row", "says"),
    [
        ("{h},begeleiding,awbz,2014-13-01,,", "line 3, field valid_from: expected a date"),
        ("Jansen,begeleiding,awbz,2014-03-01,,", "line 3, field household: expected a household"),
        ("{h},begeleiding,awbz,2014-03-01,2013-01-01,", "line 3: valid_to lies before valid_from"),
        ("{h},begeleiding,awbz,2015-03-01,,", "line 3: AWBZ did not fund 'begeleiding'"),
        ("99999,begeleiding,awbz,2014-03-01,,", "line 3: no household 99999"),
        ("{h},begeleiding,awbz,2014-03-01,,zin", "[duplicate-indication] line 3: household"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_imported(
    made: Made, tmp_path: Path, row: str, says: str
) -> None:
    home = made.households["wijkteam-holtenbroek"]
    file = _file(tmp_path, f"{home},begeleiding,awbz,2014-03-01,,zin", row.format(h=home))
    code, out, err = run(
        "indications", "import", "zwolle", file, "--database", made.url, "--format", "json"
    )
    assert code == 1, err
    assert says in err and "nothing imported" in err and "Traceback" not in err
    assert json.loads(out)["ok"] is False
    assert _count(made.url) == 0


def test_a_file_without_the_columns_cannot_run(made: Made, tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("naam,provision,law,valid_from\nJansen,begeleiding,awbz,2014-03-01\n")
    code, _, err = run("indications", "import", "zwolle", str(path), "--database", made.url)
    assert code == 2 and "missing column household" in err and "'naam'" in err
    assert "Jansen" not in err
    code, _, err = run("indications", "import", "zwolle", str(tmp_path / "none.csv"))
    assert code == 2 and "cannot read" in err
