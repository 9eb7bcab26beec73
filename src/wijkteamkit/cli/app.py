"""The typer application. Commands import what they need when they run, so start-up stays fast."""

from __future__ import annotations

from typing import Annotated

import typer

from . import (
    budget_cmd,
    deadlines_cmd,
    demo_cmd,
    ingest_cmd,
    keys_cmd,
    new_cmd,
    plugins_cmd,
    schema_cmd,
    screen_cmd,
    show_cmd,
    validate_cmd,
)
from .audit_cmd import audit_app
from .common import run
from .db_cmd import db_app
from .funding_cmd import funding_app
from .generate_cmd import generate_app
from .guard import DEBUG_ENV, GuardedGroup
from .indications_cmd import indications_app
from .tender_cmd import tender_app

app = typer.Typer(
    name="wijkteamkit",
    help="Describe, validate and run a municipality's social neighbourhood teams (sociale wijkteams).",
    cls=GuardedGroup,
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


app.command("plugins")(plugins_cmd.plugins)
app.command("validate")(validate_cmd.validate)
app.command("new")(new_cmd.new)
app.command("show")(show_cmd.show)
app.command("keys")(keys_cmd.keys)
app.command("schema")(schema_cmd.schema)
app.command("demo")(demo_cmd.demo)
app.command("budget")(budget_cmd.budget)
app.command("ingest")(ingest_cmd.ingest)
app.command("screen")(screen_cmd.screen)
app.command("deadlines")(deadlines_cmd.deadlines)
app.add_typer(db_app, name="db")
app.add_typer(funding_app, name="funding")
app.add_typer(tender_app, name="tender")
app.add_typer(audit_app, name="audit")
app.add_typer(generate_app, name="generate")
app.add_typer(indications_app, name="indications")


def main() -> None:
    """Entry point of the ``wijkteamkit`` console script: never a traceback, always an exit code."""
    app()
