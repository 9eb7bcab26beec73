"""``wijkteamkit db``: the case database's schema."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import Format, database_option, print_json

db_app = typer.Typer(
    help="The case database (WIJKTEAMKIT_DATABASE_URL; default sqlite:///wijkteamkit.db).",
    no_args_is_help=True,
)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="SQLAlchemy URL; default: WIJKTEAMKIT_DATABASE_URL, else sqlite:///wijkteamkit.db.",
        show_default=False,
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", help="text or json.")]


@db_app.command("upgrade")
def upgrade(database: DatabaseOption = None, output: FormatOption = Format.TEXT) -> None:
    """Create the schema in a new database, or migrate an existing one to the latest revision.

    The only command (with `demo`) that creates a database. Exit 2 when the database cannot be
    created or migrated (a foreign or newer database, a read-only or uncreatable location).
    """
    from ..store.database import database_url, open_database
    from ..store.migrate import current_revision

    url = database_option(database) or database_url()
    engine = open_database(url)  # a DatabaseError is a one-line error, exit 2
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    where = engine.url.render_as_string()
    if output is Format.JSON:
        print_json({"ok": True, "database": where, "revision": revision})
    else:
        typer.echo(f"{where} is at revision {revision} (head)")
