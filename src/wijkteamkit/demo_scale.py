"""The demo at scale: a synthetic caseload, a debt early-warning feed received twice, a screening.

After the pilot (:mod:`wijkteamkit.demo`) the demo shows the bulk paths on the same database:
``households`` synthetic households run the work process through the engine's batch path; a
generated feed of ``feed_rows`` rows (5% bad, of every kind) is received, its bad rows
quarantined, and received again to show that a rerun adds nothing; the whole caseload is
screened; and the audit chain is verified. Everything it makes is made up.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from .domain.case import Actor, Role
from .engine.casework import Casework
from .engine.intake import Intake
from .engine.screening import screen
from .intake.feed import read_feed
from .intake.generate import write_feed
from .intake.ingest import Tally, ingest
from .intake.quarantine import Quarantine
from .store import audit, tenancy
from .synthetic.scripts import caseload
from .synthetic.summary import Summary
from .synthetic.writer import existing_households, write

Say = Callable[[str], None]

FEED_SOURCE = "demo-vroegsignalering"
BAD_SHARE = 0.05


@dataclass
class ScaleReport:
    """What the demo at scale did, for callers and tests."""

    households: int = 0
    accepted: int = 0
    merged: int = 0
    quarantined: int = 0
    rerun_added: int = 0
    listed: int = 0
    audit_intact: bool = False


def run_at_scale(casework: Casework, say: Say, households: int, feed_rows: int) -> ScaleReport:
    """Run the bulk paths on ``casework``'s database (its clock should be the real one: feed
    rows dated after it are refused), narrating through ``say``."""
    report = ScaleReport()
    setup = casework.setup
    say(f"\nAt scale ({setup.municipality.name}, everything below is synthetic):")
    if households:
        summary = Summary(setup.code, seed=1)
        batches = caseload(setup, households, seed=1, first=existing_households(casework))
        write(casework, batches, summary)
        report.households = summary.households
        say(
            f"  caseload: {summary.households} households through the batch path in "
            f"{summary.seconds:.1f} s ({summary.per_second:,.0f} households/s): "
            f"{summary.assessments} assessments, {summary.proposed} escalations proposed, "
            f"{summary.confirmed} confirmed, {summary.closed} cases closed"
        )
    if feed_rows:
        with tempfile.TemporaryDirectory(prefix="wijkteamkit-feed-") as folder:
            feed = Path(folder) / "feed.csv"
            with open(feed, "wb") as out:
                write_feed(out, setup, feed_rows, BAD_SHARE, seed=1)
            first, seconds = _receive(casework, feed, Path(folder) / "first.quarantine.jsonl")
            report.accepted, report.merged = first.accepted, first.merged
            report.quarantined = first.quarantined
            say(
                f"  feed: {first.rows} rows in {seconds:.1f} s ({first.rows / seconds:,.0f} "
                f"rows/s): {first.accepted} new signals, {first.merged} merged into an open "
                f"signal of the same creditor, {first.quarantined} quarantined with their reasons"
            )
            again, _ = _receive(casework, feed, Path(folder) / "again.quarantine.jsonl")
            report.rerun_added = again.accepted + again.merged
            say(
                f"  the same feed again: {again.duplicate} already received, "
                f"{report.rerun_added} added"
            )
    auditor = Actor(
        id="demo-auditor", role=Role.AUDITOR, municipality=setup.code, organisation="demo"
    )
    started = time.perf_counter()
    result = screen(casework, auditor)
    report.listed = result.listed
    say(
        f"  screening: {result.assessed} assessed of {result.open_households} open households "
        f"in {time.perf_counter() - started:.2f} s; {result.listed} where a rule fires and no "
        "escalation to its target is open"
    )
    with Session(casework.engine) as db:
        tenancy.bind(db, setup.code)
        breaks = audit.verify(db, setup.code)
        report.audit_intact = not breaks
        say(f"  audit chain: {audit.count(db, setup.code)} entries, intact: {not breaks}")
    return report


def _receive(casework: Casework, feed: Path, quarantine: Path) -> tuple[Tally, float]:
    started = time.perf_counter()
    with Quarantine(quarantine) as bad_rows:
        tally = ingest(read_feed(feed), Intake(casework, FEED_SOURCE), bad_rows)
    return tally, max(time.perf_counter() - started, 1e-9)
