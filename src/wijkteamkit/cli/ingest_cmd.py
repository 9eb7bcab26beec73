"""``wijkteamkit ingest``: receive a debt early-warning feed (see docs/intake.md).

Exit codes: 0 every row accepted, merged or already received; 1 some rows quarantined; 2 the
feed or the database cannot be used at all (nothing read); 130 interrupted (every chunk
committed before stands; run the same command again to finish).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from .common import ExitCode, Format, database_option, fail, plural, print_json
from .db_cmd import DatabaseOption, FormatOption
from .plugins_cmd import PluginFileOption

if TYPE_CHECKING:
    from ..intake.ingest import Tally

DEFAULT_SOURCE = "vroegsignalering"
"""The source a feed is received under when ``--source`` is not given."""
QUARANTINE_SUFFIX = ".quarantine.jsonl"
"""Added to the feed's file name for the default quarantine file."""
STDIN = "-"


def ingest(
    municipality: Annotated[str, typer.Argument(help="CBS code (GM0268) or name (nijmegen).")],
    file: Annotated[
        str, typer.Argument(help="The feed: a .csv, .jsonl or .ndjson file, or - for stdin.")
    ],
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="Who sent the feed (a key: a-z, 0-9, - _ .); an external id is unique per source.",
        ),
    ] = DEFAULT_SOURCE,
    feed_format: Annotated[
        str | None,
        typer.Option(
            "--feed-format",
            help="csv or jsonl; default: from the file name (csv for stdin).",
            show_default=False,
        ),
    ] = None,
    quarantine: Annotated[
        Path | None,
        typer.Option(
            "--quarantine",
            help=f"Where bad rows go (mode 0600); default: FILE{QUARANTINE_SUFFIX}.",
            show_default=False,
        ),
    ] = None,
    database: DatabaseOption = None,
    plugin_file: PluginFileOption = None,
    output: FormatOption = Format.TEXT,
) -> None:
    """Receive a debt early-warning feed: good rows become signals routed to their team (or
    update an open one from the same creditor), bad rows go to the quarantine file.

    Never stops on a bad row. Running the same file again changes nothing.
    """
    from ..engine.casework import Casework
    from ..engine.errors import RuleViolation
    from ..engine.intake import Intake
    from ..intake.feed import Feed, FeedError
    from ..intake.feed import feed_format as format_of
    from ..intake.ingest import ingest as run
    from ..intake.quarantine import Quarantine
    from ..interrupts import plugin_failure
    from ..store.database import database_url, open_database
    from .loader import load_one

    url = database_option(database) or database_url()
    if file == STDIN and quarantine is None:
        fail("reading the feed from stdin needs --quarantine FILE for the bad rows")
    where = quarantine or Path(file + QUARANTINE_SUFFIX)
    try:
        kind = format_of(file, feed_format or ("csv" if file == STDIN else None))
    except FeedError as exc:
        fail(str(exc))
    with ExitStack() as stack:
        stream = sys.stdin.buffer if file == STDIN else stack.enter_context(open(file, "rb"))
        try:
            feed = Feed(stream, kind)
        except FeedError as exc:
            fail(f"{file}: {exc}", kind="feed")
        loaded = load_one(municipality, plugin_file)
        engine = open_database(url)
        stack.callback(engine.dispose)
        try:
            writer = Intake(Casework(engine, loaded), source)
        except RuleViolation as exc:
            fail(f"--source: {exc}")
        bad_rows = stack.enter_context(Quarantine(where))
        show = output is Format.TEXT and sys.stderr.isatty()
        with _progress(show, _size(stream)) as update:
            try:
                tally = run(feed, writer, bad_rows, progress=lambda t: update(t, feed.bytes_read))
            except KeyboardInterrupt as exc:
                if plugin_failure(exc):
                    raise
                fail(
                    "interrupted; every chunk committed before stands; run the same command "
                    "again to finish",
                    ExitCode.INTERRUPTED,
                    "interrupted",
                )
    _report(output, loaded.setup.code, file, source, where, tally)
    if tally.quarantined:
        raise typer.Exit(ExitCode.FINDINGS)


def _size(stream: IO[bytes]) -> int | None:
    """The file's size in bytes, or ``None`` for a pipe."""
    try:
        size = os.fstat(stream.fileno()).st_size
    except (OSError, ValueError):
        return None
    return size or None


@contextmanager
def _progress(show: bool, total: int | None) -> Iterator[Callable[[Tally, int], None]]:
    """A progress bar on stderr (rows, rows/s, time left from the bytes read), or nothing."""
    if not show:
        yield lambda tally, done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.fields[rows]:>10,} rows"),
        TextColumn("{task.fields[rate]:>8,.0f} rows/s"),
        BarColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=total, rows=0, rate=0.0)
        started = time.monotonic()

        def update(tally: Tally, done: int) -> None:
            rate = tally.rows / max(time.monotonic() - started, 1e-9)
            bar.update(task, completed=done, rows=tally.rows, rate=rate)

        yield update


def _report(output: Format, code: str, file: str, source: str, where: Path, tally: Tally) -> None:
    teams = sorted(set(tally.new_per_team) | set(tally.merged_per_team))
    if output is Format.JSON:
        print_json(
            {
                "ok": tally.quarantined == 0,
                "municipality": code,
                "file": file,
                "source": source,
                "rows": tally.rows,
                "accepted": tally.accepted,
                "merged": tally.merged,
                "already_received": tally.duplicate,
                "quarantined": tally.quarantined,
                "quarantine": str(where),
                "teams": {
                    team: {
                        "accepted": tally.new_per_team[team],
                        "merged": tally.merged_per_team[team],
                    }
                    for team in teams
                },
            }
        )
        return
    lines = [
        f"{file} (source {source}): {plural(tally.rows, 'row')} read",
        f"  accepted          {tally.accepted:>8}  new signals",
        f"  merged            {tally.merged:>8}  into an open signal from the same creditor",
        f"  already received  {tally.duplicate:>8}",
        f"  quarantined       {tally.quarantined:>8}"
        + (f"  in {where} (holds personal data)" if tally.quarantined else ""),
    ]
    if teams:
        width = max(len(team) for team in teams)
        lines.append("signals per team:")
        lines += [
            f"  {team:<{width}}  {tally.new_per_team[team]:>8} new  "
            f"{tally.merged_per_team[team]:>8} merged"
            for team in teams
        ]
    typer.echo("\n".join(lines))
