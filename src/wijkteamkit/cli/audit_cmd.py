"""``wijkteamkit audit``: the tamper-evident audit log."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import EXIT_FINDINGS, EXIT_LOAD, Format, fail, print_json
from .db_cmd import DatabaseOption

audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(
    database: DatabaseOption = None,
    municipality: Annotated[
        str | None, typer.Option(help="Only this CBS code's chain.", show_default=False)
    ] = None,
    output: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.TEXT,
) -> None:
    """Recompute every audit chain. Exit 0 when intact, 1 when an entry was edited or removed."""
    from sqlmodel import Session

    from ..store import audit
    from ..store.database import DatabaseError, database_url, open_database

    try:
        engine = open_database(database or database_url())
    except DatabaseError as exc:
        fail(str(exc), EXIT_LOAD)
    code = municipality.upper() if municipality else None
    with Session(engine) as db:
        breaks = audit.verify(db, code)
        entries = audit.count(db, code)
    engine.dispose()
    if output is Format.JSON:
        print_json(
            {
                "ok": not breaks,
                "entries": entries,
                "breaks": [
                    {"municipality": b.municipality, "seq": b.seq, "problem": b.problem}
                    for b in breaks
                ],
            }
        )
    elif breaks:
        for b in breaks:
            typer.echo(f"BROKEN {b.municipality} entry {b.seq}: {b.problem}")
    else:
        typer.echo(f"audit chain intact: {entries} entries checked")
    raise typer.Exit(EXIT_FINDINGS if breaks else 0)
