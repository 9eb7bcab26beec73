"""``wijkteamkit budget``: a municipality's budgets, their totals and whether coverage meets costs."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import ExitCode, Format, print_json
from .plugins_cmd import PluginFileOption


def budget(
    municipality: Annotated[str, typer.Argument(help="CBS code or name.")],
    plugin_file: PluginFileOption = None,
    output: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.TEXT,
) -> None:
    """Show every budget: cost groups with totals, coverage by source, balance. Exit 1 if they do not add up."""
    from ..validation import Check, default_date
    from ..validation.money import budget_coverage
    from .loader import load_one
    from .render import render_budgets

    loaded = load_one(municipality, plugin_file)
    setup = loaded.setup
    findings = list(budget_coverage(Check(setup, default_date(setup))))
    if output is Format.JSON:
        documents: list[dict[str, Any]] = []
        for b in setup.budgets:
            documents.append(
                {
                    **b.model_dump(mode="json"),
                    "group_totals": {g.key: str(g.total) for g in b.cost_groups},
                    "total_costs": str(b.total_costs),
                    "total_coverage": str(b.total_coverage),
                    "balance": str(b.balance),
                }
            )
        print_json(
            {
                "municipality": setup.code,
                "budgets": documents,
                "findings": [f.model_dump() for f in findings],
            }
        )
    else:
        render_budgets(setup)
        for f in findings:
            typer.echo(f"{f.severity}: {f.message}")
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(ExitCode.FINDINGS)
