"""Running a feed through the engine: good rows in chunks, bad ones to the quarantine, a tally.

:func:`ingest` never stops on a bad row. It sends the good rows in chunks of
:data:`CHUNK_ROWS` to the engine's write side (one transaction per chunk), and writes the rows
the reader refused and the rows the engine rejected to the quarantine in row order, flushed
after each chunk. A chunk is committed whole or not at all, so an interrupted run leaves the
committed chunks standing, and the same feed run again finishes the job (what was received
comes back as a duplicate).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..engine.intake import Outcome, RowOutcome
from .feed import DebtReport, FeedRow, Raw
from .quarantine import Quarantine

CHUNK_ROWS = 1000
"""Rows per engine transaction: large enough to write in bulk, small enough that a rerun after
an interruption redoes little."""


class Writer(Protocol):
    """The engine's write side (:class:`wijkteamkit.engine.intake.Intake`)."""

    def write(self, reports: Sequence[tuple[int, DebtReport]]) -> list[RowOutcome]: ...


@dataclass
class Tally:
    """What became of the rows so far. ``accepted`` made new signals, ``merged`` updated an
    open signal from the same creditor, ``duplicate`` had been received before."""

    rows: int = 0
    accepted: int = 0
    merged: int = 0
    duplicate: int = 0
    quarantined: int = 0
    new_per_team: Counter[str] = field(default_factory=Counter)
    merged_per_team: Counter[str] = field(default_factory=Counter)

    def count(self, outcome: RowOutcome) -> None:
        """Add one engine outcome (a rejection is counted when it is quarantined)."""
        if outcome.outcome is Outcome.ACCEPTED:
            self.accepted += 1
            self.new_per_team[outcome.team or "?"] += 1
        elif outcome.outcome is Outcome.MERGED:
            self.merged += 1
            self.merged_per_team[outcome.team or "?"] += 1
        elif outcome.outcome is Outcome.DUPLICATE:
            self.duplicate += 1


class _Batch:
    """The rows read since the last chunk was written: good ones to send, bad ones to keep."""

    def __init__(self) -> None:
        self.reports: list[tuple[int, DebtReport]] = []
        self.raws: dict[int, Raw] = {}
        self.bad: list[tuple[int, Raw, Sequence[str]]] = []

    def __len__(self) -> int:
        return len(self.reports) + len(self.bad)

    def add(self, row: FeedRow) -> None:
        if row.report is None:
            self.bad.append((row.row, row.raw, row.reasons))
        else:
            self.reports.append((row.row, row.report))
            self.raws[row.row] = row.raw


def ingest(
    rows: Iterable[FeedRow],
    writer: Writer,
    quarantine: Quarantine,
    *,
    chunk_rows: int | None = None,
    progress: Callable[[Tally], None] | None = None,
) -> Tally:
    """Send every good row to ``writer`` and every bad or rejected one to ``quarantine``, in
    chunks of ``chunk_rows`` rows (default :data:`CHUNK_ROWS`); ``progress`` hears after each."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    tally = Tally()
    batch = _Batch()
    for row in rows:
        tally.rows += 1
        batch.add(row)
        if len(batch) >= chunk_rows:
            _write(batch, writer, quarantine, tally)
            batch = _Batch()
            if progress is not None:
                progress(tally)
    _write(batch, writer, quarantine, tally)
    if progress is not None:
        progress(tally)
    return tally


def _write(batch: _Batch, writer: Writer, quarantine: Quarantine, tally: Tally) -> None:
    bad = list(batch.bad)
    if batch.reports:
        for outcome in writer.write(batch.reports):
            if outcome.outcome is Outcome.REJECTED:
                bad.append((outcome.row, batch.raws[outcome.row], outcome.reasons))
            else:
                tally.count(outcome)
    for row, raw, reasons in sorted(bad, key=lambda item: item[0]):
        quarantine.write(row, raw, reasons)
    quarantine.flush()
    tally.quarantined += len(bad)
