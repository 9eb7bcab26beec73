"""``wijkteamkit demo``: a realistic pilot on a fresh embedded database."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from .common import ExitCode, database_option, fail, parse_date
from .plugins_cmd import PluginFileOption

MAX_DEMO_SIZE = 1_000_000
"""The largest caseload and feed the demo makes."""


def demo(
    municipality: Annotated[str, typer.Argument(help="CBS code or name.")] = "nijmegen",
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="Run on this database URL instead of a fresh SQLite file. "
            "WIJKTEAMKIT_DATABASE_URL is deliberately not used: demo data never goes into a real case database.",
            show_default=False,
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(
            help="The day the pilot starts (YYYY-MM-DD); default the municipality's "
            "reference_date, else 2015-03-02.",
            show_default=False,
        ),
    ] = None,
    households: Annotated[
        int,
        typer.Option(
            "--households",
            help="After the pilot, a synthetic caseload of this many households through the "
            "batch path (0: none).",
        ),
    ] = 2000,
    feed_rows: Annotated[
        int,
        typer.Option(
            "--feed-rows",
            help="After the pilot, a synthetic debt early-warning feed of this many rows, "
            "received twice (0: none).",
        ),
    ] = 20000,
    plugin_file: PluginFileOption = None,
) -> None:
    """Run a pilot: signals, triage, home visits, a plan, an escalation and back, a refused
    disclosure, and a report under the meldcode; then, at scale, a synthetic caseload, a feed
    received twice, and a screening of the whole caseload; then verify the audit log.

    Without --database it runs on a temporary SQLite file, removed at the end."""
    from ..demo import run_demo, start_day
    from ..demo_scale import run_at_scale
    from ..engine.casework import Casework
    from ..engine.errors import CaseworkError
    from .loader import open_casework

    if not 0 <= households <= MAX_DEMO_SIZE or not 0 <= feed_rows <= MAX_DEMO_SIZE:
        fail(f"--households and --feed-rows take 0 to {MAX_DEMO_SIZE}")
    given_day = parse_date(on)
    url = database_option(database)
    folder = None if url else Path(tempfile.mkdtemp(prefix="wijkteamkit-demo-"))
    try:
        casework = open_casework(municipality, url or f"sqlite:///{folder}/demo.db", plugin_file)
        try:
            report = run_demo(casework, typer.echo, given_day or start_day(casework.setup))
            at_scale = run_at_scale(
                Casework(casework.engine, casework.loaded), typer.echo, households, feed_rows
            )
        except (CaseworkError, LookupError) as exc:
            fail(f"the demo stopped: {exc}", ExitCode.FINDINGS, "casework")
        finally:
            casework.engine.dispose()
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    typer.echo(
        f"database: {url}"
        if url
        else "database: a temporary SQLite file, now removed "
        "(give --database to keep the demo's data)"
    )
    if not report.audit_intact or not at_scale.audit_intact:
        fail("the demo ran, but the audit chain is not intact", ExitCode.FINDINGS, "audit")
