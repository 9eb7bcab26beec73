"""``wijkteamkit db``: the case database's schema."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import EXIT_LOAD, database_option, fail

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
        callback=database_option,
    ),
]


@db_app.command("upgrade")
def upgrade(database: DatabaseOption = None) -> None:
    """Create the schema in a new database, or migrate an existing one to the latest revision."""
    from ..store.database import DatabaseError, database_url, open_database
    from ..store.migrate import current_revision

    url = database or database_url()
    try:
        engine = open_database(url)
    except DatabaseError as exc:
        fail(str(exc), EXIT_LOAD)
    revision = current_revision(engine)
    engine.dispose()
    typer.echo(f"{engine.url.render_as_string()} is at revision {revision} (head)")
