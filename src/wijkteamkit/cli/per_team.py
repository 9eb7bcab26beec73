"""A listing per team on the terminal: one headline, then a table for each team."""

from __future__ import annotations

from collections.abc import Sequence

from .common import plural


def team_title(team: str | None, count: int, noun: str) -> str:
    """``"swt-lindenholt: 3 households"``; a listing without a team says ``(no team)``."""
    return f"{team or '(no team)'}: {plural(count, noun)}"


def print_per_team(
    headline: str,
    columns: Sequence[str],
    tables: Sequence[tuple[str, Sequence[Sequence[str]]]],
) -> None:
    """Print ``headline`` in bold, then each ``(title, rows)`` as a table with ``columns``.

    Text is printed as it is (rich markup in a municipality's or team's name is not obeyed), and
    long cells fold rather than being cut off.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{escape(headline)}[/bold]", highlight=False, soft_wrap=True)
    for title, rows in tables:
        table = Table(title=escape(title), title_justify="left", title_style="bold")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
