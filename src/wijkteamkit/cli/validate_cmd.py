"""``wijkteamkit validate``: check municipalities' setups and report findings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import CliError, ExitCode, Format, error_line, fail, parse_date, plural, print_json
from .plugins_cmd import PluginFileOption

if TYPE_CHECKING:
    from ..loading import LoadReport
    from ..validation import Finding


def validate(
    municipalities: Annotated[
        list[str] | None,
        typer.Argument(
            help="CBS codes (GM0268) or names (nijmegen), any case.", show_default=False
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Validate every municipality found.")] = False,
    plugin_file: PluginFileOption = None,
    on: Annotated[
        str | None,
        typer.Option(
            help="Check on this date (YYYY-MM-DD); default: each setup's reference date, else today.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Fail on warnings too, and warn about every illustrative item."
        ),
    ] = False,
    output: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.TEXT,
) -> None:
    """Validate municipalities' setups. Exit 0 when clean, 1 on errors, 2 when loading failed.

    Without MUNICIPALITY or --all, validate the municipalities the --plugin-file files describe.
    """
    from ..loading import UnknownMunicipality, load
    from ..validation import RULES, STRICT_RULES
    from ..validation import validate as run_rules

    when = parse_date(on)
    if all_ and municipalities:
        fail("give MUNICIPALITY names or --all, not both")
    files_only = not all_ and not municipalities and bool(plugin_file)
    if not all_ and not municipalities and not files_only:
        fail("name a MUNICIPALITY (CBS code or name), pass --all, or pass --plugin-file FILE")
    try:
        report = load(None if all_ else municipalities, plugin_file or [], files_only=files_only)
    except UnknownMunicipality as exc:
        fail(str(exc), kind="unknown-municipality")
    if files_only and not report.loaded and not report.errors:
        fail(
            "no --plugin-file describes a municipality (wijkteamkit_municipality); name the "
            "MUNICIPALITY it applies to or pass --all"
        )
    rules = STRICT_RULES if strict else RULES
    results = [
        (loaded, run_rules(loaded.setup, when, loaded.issues, rules)) for loaded in report.loaded
    ]
    if all_ and not results and not report.errors:
        fail(
            "no municipality plugins found; install one (pip install -e plugins/nijmegen) or pass --plugin-file"
        )
    blocking = {"error", "warning"} if strict else {"error"}
    document = _document(report, results, blocking)
    failed = (
        CliError(
            f"{plural(len(report.errors), 'plugin problem')} stopped loading; fix or remove "
            "each plugin named above",
            ExitCode.CANNOT_RUN,
            "load",
            in_document=True,
        )
        if report.errors
        else None
    )
    if failed is not None:
        document["error"] = failed.error_object()
    if output is Format.JSON:
        print_json(document)
    else:
        _print_text(results, blocking)
        for error in report.errors:  # the JSON document lists them; text lists them on stderr
            hook = f" (hook {error.hook})" if error.hook else ""
            error_line(f"{error.plugin}{hook}: {error.message}")
    if failed is not None:
        raise failed
    raise typer.Exit(ExitCode.OK if document["ok"] else ExitCode.FINDINGS)


def _document(
    report: LoadReport, results: list[tuple[Any, list[Finding]]], blocking: set[str]
) -> dict[str, Any]:
    municipalities = [
        {
            "code": loaded.setup.code,
            "name": loaded.setup.municipality.name,
            "ok": not any(f.severity in blocking for f in findings),
            "findings": [f.model_dump(exclude={"municipality"}) for f in findings],
        }
        for loaded, findings in results
    ]
    load_errors = [
        {"plugin": e.plugin, "message": e.message, "hook": e.hook, "municipality": e.municipality}
        for e in report.errors
    ]
    ok = not load_errors and all(m["ok"] for m in municipalities)
    return {"ok": ok, "municipalities": municipalities, "load_errors": load_errors}


def _print_text(results: list[tuple[Any, list[Finding]]], blocking: set[str]) -> None:
    """One line per municipality and per finding, never wrapped; coloured on a terminal only.

    Plain ``typer.style`` rather than rich: rich's import alone is about a sixth of
    ``validate --all``'s start-up (docs/scale.md, "Start-up")."""
    colours = {"error": "red", "warning": "yellow", "info": "blue"}
    for loaded, findings in results:
        setup = loaded.setup
        bad = any(f.severity in blocking for f in findings)
        verdict = typer.style("FAILED", fg="red") if bad else typer.style("ok", fg="green")
        counts = ", ".join(
            plural(sum(1 for f in findings if f.severity == s), s, many)
            for s, many in (("error", "errors"), ("warning", "warnings"), ("info", "info"))
        )
        typer.echo(f"{setup.code} {setup.municipality.name}: {verdict} ({counts})")
        for f in findings:
            severity = typer.style(f.severity, fg=colours[f.severity])
            code = typer.style(f.code, bold=True)
            plugin = typer.style(f"({f.plugin})", dim=True)
            typer.echo(f"  {severity} {code} at {f.location}: {f.message} {plugin}")
