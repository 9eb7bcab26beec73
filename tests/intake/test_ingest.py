"""`wijkteamkit ingest` end to end: a generated feed is received, its bad rows (and only those)
quarantined with their reasons; a second run, an interruption or a kill -9 changes nothing a
clean run would not have."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel
from typer.testing import CliRunner, Result

from wijkteamkit.cli.app import app
from wijkteamkit.domain.setup import MunicipalitySetup
from wijkteamkit.engine.intake import Intake
from wijkteamkit.intake import ingest as ingest_module
from wijkteamkit.intake.feed import FeedFormat
from wijkteamkit.intake.generate import feed_header, feed_lines
from wijkteamkit.loading import load_municipality
from wijkteamkit.store import audit
from wijkteamkit.store.database import open_database, open_existing

FORK = multiprocessing.get_context("fork")
RANDOM = random.Random(int(os.environ.get("WIJKTEAMKIT_KILL_SEED", "20261125")))
runner = CliRunner()


@pytest.fixture(scope="module")
def nijmegen() -> MunicipalitySetup:
    return load_municipality("nijmegen", [])


def generated(
    path: Path, setup: MunicipalitySetup, rows: int, seed: int, kind: FeedFormat = "csv"
) -> dict[int, str | None]:
    """Write a feed with 5% bad rows to ``path``; the defect of every row, by row number."""
    defects = {}
    with path.open("wb") as out:
        out.write(feed_header(kind))
        for line in feed_lines(setup, rows, 0.05, seed, kind):
            out.write(line.data)
            defects[line.row] = line.defect
    return defects


def ingest(*args: str) -> Result:
    return runner.invoke(app, ["ingest", *args])


def summary_of(result: Result) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def state(url: str) -> dict[str, Any]:
    """What the intake wrote, without ids or clock times; and the audit log verifies."""
    tables = SQLModel.metadata.tables
    household, person, signal_ = tables["household"], tables["person"], tables["signal"]
    reference, entry = tables["signal_reference"], tables["audit_entry"]
    engine = open_existing(url)
    try:
        with engine.connect() as db:
            address = {
                row.id: (row.postcode, row.house_number, row.house_number_suffix)
                for row in db.execute(select(household))
            }
            external = {row.id: row.external_reference for row in db.execute(select(signal_))}
            found = {
                "households": sorted(
                    (*address[row.id], row.team, row.case_state)
                    for row in db.execute(select(household))
                ),
                "persons": sorted(
                    (
                        repr(address[row.household_id]),
                        row.name,
                        repr(row.birth_date),
                        row.phone or "",
                    )
                    for row in db.execute(select(person))
                ),
                "signals": sorted(
                    repr(
                        (
                            address[row.household_id],
                            row.external_reference,
                            row.source,
                            row.creditor_kind,
                            row.creditor,
                            row.arrears_cents,
                            row.arrears_since,
                            row.team,
                            row.state,
                        )
                    )
                    for row in db.execute(select(signal_))
                ),
                "references": sorted(
                    (row.source, row.external_reference, external[row.signal_id])
                    for row in db.execute(select(reference))
                ),
                "audit": Counter(db.execute(select(entry.c.action)).scalars()),
            }
        with Session(engine) as session:
            assert audit.verify(session) == []
    finally:
        engine.dispose()
    return found


def quarantined(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_feed_is_received_and_a_second_run_adds_nothing(
    database_url: str, tmp_path: Path, nijmegen: MunicipalitySetup
) -> None:
    feed = tmp_path / "feed.csv"
    defects = generated(feed, nijmegen, 2000, 11)
    first = ingest("nijmegen", str(feed), "--database", database_url, "--format", "json")
    assert first.exit_code == 1, first.output
    summary = summary_of(first)
    good = [row for row, defect in defects.items() if defect is None]
    bad = sorted(row for row, defect in defects.items() if defect is not None)
    assert (summary["rows"], summary["quarantined"], summary["already_received"]) == (2000, 100, 0)
    assert summary["accepted"] + summary["merged"] == len(good)
    assert summary["merged"] > 0
    teams = summary["teams"]
    assert set(teams) == {team.key for team in nijmegen.teams}
    assert sum(t["accepted"] + t["merged"] for t in teams.values()) == len(good)
    assert summary["quarantine"] == f"{feed}.quarantine.jsonl"
    rows = quarantined(Path(summary["quarantine"]))
    assert [row["row"] for row in rows] == bad
    assert all(row["reasons"] for row in rows)
    unknown = {row for row, defect in defects.items() if defect == "unknown_postcode"}
    for row in rows:
        if row["row"] in unknown:
            assert "no team serves postcode" in row["reasons"][0]
    before = state(database_url)
    assert len(before["references"]) == len(good)
    assert before["audit"]["signal.received"] == summary["accepted"]

    second = ingest("nijmegen", str(feed), "--database", database_url, "--format", "json")
    assert second.exit_code == 1
    again = summary_of(second)
    assert (again["accepted"], again["merged"], again["already_received"]) == (0, 0, len(good))
    assert again["quarantined"] == 100 and again["teams"] == {}
    assert state(database_url) == before
    assert [row["row"] for row in quarantined(Path(summary["quarantine"]))] == bad


def test_a_json_lines_feed_is_received_the_same_way(
    tmp_path: Path, nijmegen: MunicipalitySetup
) -> None:
    feed = tmp_path / "feed.ndjson"
    defects = generated(feed, nijmegen, 400, 12, "jsonl")
    url = f"sqlite:///{tmp_path}/cases.db"
    result = ingest("nijmegen", str(feed), "--database", url, "--format", "json")
    assert result.exit_code == 1
    summary = summary_of(result)
    assert summary["accepted"] + summary["merged"] == sum(d is None for d in defects.values())
    bad = sorted(row for row, defect in defects.items() if defect is not None)
    assert [row["row"] for row in quarantined(Path(summary["quarantine"]))] == bad


def test_a_feed_piped_from_generate_is_received(tmp_path: Path) -> None:
    command = shutil.which("wijkteamkit", path=str(Path(sys.executable).parent))
    assert command is not None
    url = f"sqlite:///{tmp_path}/cases.db"
    bad = tmp_path / "bad.jsonl"
    done = subprocess.run(
        f"{command} generate feed nijmegen --rows 300 --seed 5 | "
        f"{command} ingest nijmegen - --quarantine {bad} --database {url} --format json",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["rows"], summary["quarantined"]) == (300, 15)
    assert summary["accepted"] + summary["merged"] == 285
    assert len(quarantined(bad)) == 15


def test_a_feed_without_bad_rows_exits_0_with_a_text_summary(
    tmp_path: Path, nijmegen: MunicipalitySetup
) -> None:
    feed = tmp_path / "feed.csv"
    with feed.open("wb") as out:
        out.write(feed_header("csv"))
        for line in feed_lines(nijmegen, 60, 0.0, 2, "csv"):
            out.write(line.data)
    result = ingest("nijmegen", str(feed), "--database", f"sqlite:///{tmp_path}/c.db")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{feed} (source vroegsignalering): 60 rows read\n")
    assert "quarantined              0\n" in result.stdout
    assert "signals per team:" in result.stdout
    assert result.stderr == "", "no progress bar when stderr is not a terminal"
    assert (tmp_path / "feed.csv.quarantine.jsonl").read_text() == ""


@pytest.mark.parametrize(
    ("content", "name", "extra", "code", "message"),
    [
        (b"", "feed.csv", [], "feed", "the file is empty"),
        (b"external_id,signal_date\n", "feed.csv", [], "feed", "lacks creditor_kind, creditor"),
        (b"x", "feed.txt", [], "usage", "cannot tell the format of 'feed.txt'"),
        (b"x", "feed.txt", ["--feed-format", "xml"], "usage", "unknown feed format 'xml'"),
        (b"x", "-", [], "usage", "needs --quarantine FILE"),
    ],
)
def test_a_feed_that_cannot_be_read_exits_2_before_touching_the_database(
    tmp_path: Path, content: bytes, name: str, extra: list[str], code: str, message: str
) -> None:
    feed = tmp_path / name
    feed.write_bytes(content)
    database = tmp_path / "c.db"
    argument = name if name == "-" else str(feed)
    result = ingest(
        "nijmegen", argument, "--database", f"sqlite:///{database}", "--format", "json", *extra
    )
    assert result.exit_code == 2
    error = summary_of(result)["error"]
    assert error["code"] == code and message in error["message"]
    assert not database.exists()


def test_a_missing_feed_file_exits_2(tmp_path: Path) -> None:
    result = ingest(
        "nijmegen", str(tmp_path / "none.csv"), "--database", f"sqlite:///{tmp_path}/c.db"
    )
    assert result.exit_code == 2
    assert "none.csv: No such file or directory" in result.stderr


def test_a_source_that_is_not_a_key_exits_2(tmp_path: Path, nijmegen: MunicipalitySetup) -> None:
    feed = tmp_path / "feed.csv"
    generated(feed, nijmegen, 5, 1)
    result = ingest(
        "nijmegen", str(feed), "--source", "Not a key", "--database", f"sqlite:///{tmp_path}/c.db"
    )
    assert result.exit_code == 2
    assert "--source:" in result.stderr


def test_ctrl_c_keeps_the_committed_chunks_and_a_rerun_finishes(
    tmp_path: Path, nijmegen: MunicipalitySetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = tmp_path / "feed.csv"
    generated(feed, nijmegen, 300, 21)
    clean, url = f"sqlite:///{tmp_path}/clean.db", f"sqlite:///{tmp_path}/c.db"
    monkeypatch.setattr(ingest_module, "CHUNK_ROWS", 50)
    assert ingest("nijmegen", str(feed), "--database", clean).exit_code == 1
    write = Intake.write
    calls = []

    def interrupted(self: Intake, reports: Any) -> Any:
        calls.append(len(reports))
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, as the user presses it
        return write(self, reports)

    monkeypatch.setattr(Intake, "write", interrupted)
    result = ingest("nijmegen", str(feed), "--database", url)
    assert result.exit_code == 130
    assert "interrupted; every chunk committed before stands" in result.stderr
    partial = state(url)
    assert 0 < len(partial["references"]) < len(state(clean)["references"])
    monkeypatch.setattr(Intake, "write", write)
    assert ingest("nijmegen", str(feed), "--database", url).exit_code == 1
    assert state(url) == state(clean)


def _run_ingest(feed: str, url: str, ready: Any) -> None:
    ingest_module.CHUNK_ROWS = 100
    ready.set()
    code = app(["ingest", "nijmegen", feed, "--database", url], standalone_mode=False)
    os._exit(code if isinstance(code, int) else 0)


def _kill_after(feed: str, url: str, delay: float) -> bool:
    """Run ingest in a forked child, SIGKILL it ``delay`` seconds in; whether it was still running."""
    ready = FORK.Event()
    child = FORK.Process(target=_run_ingest, args=(feed, url, ready), daemon=True)
    child.start()
    assert ready.wait(30)
    child.join(delay)
    alive = child.is_alive()
    assert child.pid is not None
    if alive:
        try:
            os.kill(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            alive = False
    child.join(30)
    return alive


def test_kill_9_during_ingest_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, nijmegen: MunicipalitySetup
) -> None:
    feed = tmp_path / "feed.csv"
    generated(feed, nijmegen, 1500, 31)
    clean, url = f"sqlite:///{tmp_path}/clean.db", f"sqlite:///{tmp_path}/killed.db"
    for database in (clean, url):  # the kills land in ingest, not in the first migration
        open_database(database).dispose()
    started = time.perf_counter()
    assert not _kill_after(str(feed), clean, 600), "the clean run finishes"
    duration = time.perf_counter() - started
    kills = 5
    killed_mid_work, partial = 0, 0
    total = len(state(clean)["references"])
    for slot in range(kills):
        # Each rerun is quicker than the first run (part is already received), so later slots
        # may find it done; the first ones land mid-work.
        killed_mid_work += _kill_after(str(feed), url, duration * (slot + RANDOM.random()) / kills)
        partial += 0 < len(state(url)["references"]) < total  # it opens and verifies, too
    assert killed_mid_work >= 2 and partial >= 1, "the kills landed while ingest was writing"
    assert not _kill_after(str(feed), url, 600), "the rerun finishes"
    assert state(url) == state(clean)


def test_nothing_of_a_written_chunk_stays_in_memory(
    tmp_path: Path, nijmegen: MunicipalitySetup
) -> None:
    """Memory stays bounded: once a chunk is written, none of its reports is held any more (an
    unserved postcode's refusal, cached for the run, once kept its chunk alive)."""
    import gc

    from wijkteamkit.engine.casework import Casework
    from wijkteamkit.intake.feed import DebtReport, open_feed
    from wijkteamkit.intake.quarantine import Quarantine

    feed = tmp_path / "feed.csv"
    defects = generated(feed, nijmegen, 400, 41)
    assert "unknown_postcode" in defects.values()
    casework = Casework.open("nijmegen", f"sqlite:///{tmp_path}/c.db")
    try:
        writer = Intake(casework, "vroegsignalering")
        with open_feed(feed) as rows, Quarantine(tmp_path / "q.jsonl") as bad:
            tally = ingest_module.ingest(rows, writer, bad, chunk_rows=100)
        assert tally.quarantined == 20
        gc.collect()
        assert not [o for o in gc.get_objects() if isinstance(o, DebtReport)]
    finally:
        casework.engine.dispose()
