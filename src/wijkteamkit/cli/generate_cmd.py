"""``wijkteamkit generate``: synthetic data for a municipality's setup, for tests, demos and
benchmarks. Everything it makes is made up."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import ExitCode, Format, database_option, fail, parse_date, plural, print_json
from .db_cmd import DatabaseOption, FormatOption
from .plugins_cmd import PluginFileOption

if TYPE_CHECKING:
    from ..synthetic.summary import Summary

generate_app = typer.Typer(
    help="Synthetic, reproducible data for a municipality's setup (tests, demos, benchmarks).",
    no_args_is_help=True,
)

MAX_ROWS = 10_000_000
"""The largest feed `generate feed` makes."""


@generate_app.command("feed")
def feed(
    municipality: Annotated[str, typer.Argument(help="CBS code (GM0268) or name (nijmegen).")],
    rows: Annotated[int, typer.Option("--rows", help="Data rows to write.", show_default=False)],
    bad_share: Annotated[
        float, typer.Option("--bad-share", help="Share of bad rows, 0 to 1, spread evenly.")
    ] = 0.05,
    seed: Annotated[int, typer.Option("--seed", help="The same seed makes the same bytes.")] = 1,
    feed_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="csv or jsonl; default: from --output's name (.jsonl, .ndjson), else csv.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="The file to write; default: stdout.", show_default=False),
    ] = None,
    plugin_file: PluginFileOption = None,
) -> None:
    """Write a synthetic debt early-warning feed (see docs/intake.md) for the municipality.

    Addresses lie in its neighbourhoods' postcodes; households repeat with several creditors,
    creditors report again; `--bad-share` of the rows are bad, of every kind. Streams: any
    size runs in constant memory.
    """
    from ..intake.feed import FeedError
    from ..intake.feed import feed_format as format_of
    from ..intake.generate import GenerateError, write_feed
    from .loader import load_one

    if not 0 <= rows <= MAX_ROWS:
        fail(f"--rows {rows} is out of range; give 0 to {MAX_ROWS}")
    if not 0 <= bad_share <= 1:
        fail(f"--bad-share {bad_share} is out of range; give a share from 0 to 1, e.g. 0.05")
    try:
        if feed_format is None and output is not None and output.suffix in (".jsonl", ".ndjson"):
            kind = format_of(output)
        else:
            kind = format_of("", feed_format or "csv")
    except FeedError as exc:
        fail(f"--format: {exc}")
    setup = load_one(municipality, plugin_file).setup
    try:
        if output is None:
            write_feed(sys.stdout.buffer, setup, rows, bad_share, seed, kind)
        else:
            with open(output, "wb") as out:
                write_feed(out, setup, rows, bad_share, seed, kind)
    except GenerateError as exc:
        fail(str(exc), kind="setup")


MAX_HOUSEHOLDS = 10_000_000
"""The largest caseload `generate caseload` makes in one run."""


@generate_app.command("caseload")
def caseload(
    municipality: Annotated[str, typer.Argument(help="CBS code (GM0268) or name (nijmegen).")],
    households: Annotated[
        int, typer.Option("--households", help="Households to make.", show_default=False)
    ],
    seed: Annotated[int, typer.Option("--seed", help="The same seed makes the same rows.")] = 1,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="The day the first signal arrives (YYYY-MM-DD); default 2025-01-01. "
            "Signals arrive over the year that follows.",
            show_default=False,
        ),
    ] = None,
    append: Annotated[
        bool,
        typer.Option(
            "--append",
            help="Add to a database that holds households of the municipality already.",
        ),
    ] = False,
    database: DatabaseOption = None,
    output: FormatOption = Format.TEXT,
    plugin_file: PluginFileOption = None,
) -> None:
    """Fill a database with a synthetic caseload for the municipality, through the engine.

    Every household runs the work process as far as its script says: signal (every reporter
    kind), triage, assessment, consent, plan, escalations the rules propose (confirmed,
    rejected, left proposed, ended), closing. Refuses a database that holds households of the
    municipality already unless --append is given. Exit 1 when the engine refuses a step (what
    was written before stays), 2 when it cannot run.
    """
    from ..engine.errors import CaseworkError
    from ..store.database import database_url
    from ..synthetic.scripts import DEFAULT_START
    from ..synthetic.scripts import caseload as scripts
    from ..synthetic.summary import Summary
    from ..synthetic.writer import existing_households, write
    from .loader import open_casework

    if not 1 <= households <= MAX_HOUSEHOLDS:
        fail(f"--households {households} is out of range; give 1 to {MAX_HOUSEHOLDS}")
    first_day = parse_date(start, "--start") or DEFAULT_START
    url = database_option(database) or database_url()
    casework = open_casework(municipality, url, plugin_file)
    setup = casework.setup
    summary = Summary(setup.code, seed)
    try:
        existing = existing_households(casework)
        if existing and not append:
            fail(
                f"the database holds {plural(existing, 'household')} of {setup.municipality.name} "
                "already; synthetic cases never mix with others silently: use a fresh database, "
                "or give --append to add to them",
                kind="not-empty",
            )
        try:
            batches = scripts(setup, households, seed, first_day, first=existing)
            with _progress(households, output) as progress:
                write(casework, batches, summary, progress)
        except LookupError as exc:
            fail(str(exc), kind="setup")
        except CaseworkError as exc:
            fail(
                f"the engine refused a step after {plural(summary.households, 'household')} were "
                f"written: {exc}",
                ExitCode.FINDINGS,
                "casework",
            )
    finally:
        casework.engine.dispose()
    if output is Format.JSON:
        print_json({"ok": True, **summary.as_dict()})
    else:
        _print_summary(summary)


@contextmanager
def _progress(total: int, output: Format) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr when it is a terminal and the output is text; else nothing."""
    if output is Format.JSON or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("households", total=total)
        yield lambda done: bar.update(task, completed=done)


def _print_summary(summary: Summary) -> None:
    data = summary.as_dict()
    escalations = data["escalations"]
    typer.echo(
        f"{plural(summary.households, 'synthetic household')} of {summary.municipality} "
        f"(seed {summary.seed}) in {summary.seconds:.1f} s, {summary.per_second:.0f}/s"
    )
    typer.echo(
        "signals: "
        + ", ".join(f"{kind} {n}" for kind, n in data["signals"].items() if kind != "total")
    )
    typer.echo("per team: " + ", ".join(f"{t} {n}" for t, n in data["signals_per_team"].items()))
    typer.echo(
        f"single questions {summary.single_questions}, assessments {summary.assessments}, "
        f"consents {summary.consents}, plans {summary.plans} ({summary.final_plans} final), "
        f"closed {summary.closed}"
    )
    typer.echo(
        f"escalations: proposed {escalations['proposed']}, confirmed {escalations['confirmed']}, "
        f"rejected {escalations['rejected']}, ended {escalations['ended']}, "
        f"still proposed {escalations['still_proposed']}"
    )
