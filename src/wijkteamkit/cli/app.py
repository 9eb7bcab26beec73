"""The typer application. Only the invoked command is imported, and it imports what it needs
when it runs, so start-up stays fast."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import run
from .guard import DEBUG_ENV, GuardedGroup
from .lazy import Lazy

COMMANDS = {
    "plugins": Lazy(
        "plugins_cmd:plugins",
        "List every plugin: its layer, distribution and version or file, and its hooks.",
    ),
    "validate": Lazy("validate_cmd:validate", "Validate municipalities' setups."),
    "new": Lazy(
        "new_cmd:new",
        "Create wijkteamkit-NAME/, an installable plugin package whose placeholder data validate.",
    ),
    "show": Lazy(
        "show_cmd:show",
        "Show a municipality's merged setup as it stands on a date, as tables or as the setup "
        "model's JSON dump; or write it as a TOML plugin.",
    ),
    "keys": Lazy(
        "keys_cmd:keys",
        "List every key a plugin can refer to (laws, funding streams, provisions, life "
        "domains, legal bases, targets, teams, ...), per collection, with its name and the "
        "plugin that supplies it.",
    ),
    "schema": Lazy(
        "schema_cmd:schema",
        "Print the JSON Schema (draft 2020-12) of a plugin written as TOML, for an editor to "
        "validate and complete plugin files with.",
    ),
    "demo": Lazy(
        "demo_cmd:demo",
        "Run a pilot: signals, triage, home visits, a plan, an escalation and back, a refused "
        "disclosure, and a report under the meldcode; then, at scale, a synthetic caseload, a "
        "feed received twice, and a screening of the whole caseload; then verify the audit log.",
    ),
    "budget": Lazy(
        "budget_cmd:budget",
        "Show every budget: cost groups with totals, coverage by source, balance.",
    ),
    "ingest": Lazy(
        "ingest_cmd:ingest",
        "Receive a debt early-warning feed: good rows become signals routed to their team (or "
        "update an open one from the same creditor), bad rows go to the quarantine file.",
    ),
    "screen": Lazy(
        "screen_cmd:screen",
        "List per team the open households where an escalation rule fires on the latest "
        "assessment (and the household's signals) but no escalation to its target is open.",
    ),
    "deadlines": Lazy(
        "deadlines_cmd:deadlines",
        "List per team the open Wmo 2015 requests whose statutory term (investigation within "
        "six weeks of the report, decision within two weeks of the application) is overdue or "
        "due within a week; requests and households by id, provisions by key.",
    ),
    "db": Lazy(
        "db_cmd:db_app",
        "The case database (WIJKTEAMKIT_DATABASE_URL; default sqlite:///wijkteamkit.db).",
    ),
    "funding": Lazy(
        "funding_cmd:funding_app", "Funding streams of provisions across the 2015 reform."
    ),
    "tender": Lazy(
        "tender_cmd:tender_app",
        "Maatschappelijk opdrachtgeverschap: tender procedures, bids, awards, OCDS.",
    ),
    "audit": Lazy(
        "audit_cmd:audit_app",
        "The append-only, hash-chained audit log and its signed checkpoints.",
    ),
    "generate": Lazy(
        "generate_cmd:generate_app",
        "Synthetic, reproducible data for a municipality's setup (tests, demos, benchmarks).",
    ),
    "indications": Lazy(
        "indications_cmd:indications_app",
        "Indications, such as AWBZ indications continued under the Wmo 2015: import, ending.",
    ),
}
"""Every command, in ``--help``'s order: only the one a run invokes is imported and built."""


class RootGroup(GuardedGroup):
    """The application's group: the guard's, with the commands of :data:`COMMANDS`."""

    lazy_commands = COMMANDS


app = typer.Typer(
    name="wijkteamkit",
    help="Describe, validate and run a municipality's social neighbourhood teams (sociale wijkteams).",
    cls=RootGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: typer's rich help imports rich, markdown-it and pygments (about half of
    # '--help'); the commands' help is plain text anyway.
    rich_markup_mode=None,
)


@app.callback()
def root(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help=f"Print the traceback of an unexpected error (or set {DEBUG_ENV}=1).",
        ),
    ] = False,
) -> None:
    """Describe, validate and run a municipality's social neighbourhood teams (sociale wijkteams)."""
    run.debug = run.debug or debug


def main() -> None:
    """Entry point of the ``wijkteamkit`` console script: never a traceback, always an exit code."""
    app()
