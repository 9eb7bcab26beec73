"""``wijkteamkit tender``: show, score, award and export maatschappelijk opdrachtgeverschap procedures."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import ExitCode, Format, fail, parse_date, print_json
from .plugins_cmd import PluginFileOption

if TYPE_CHECKING:
    from ..domain import Bid, TenderProcedure
    from ..loading import LoadedMunicipality

tender_app = typer.Typer(
    help="Maatschappelijk opdrachtgeverschap: tender procedures, bids, awards, OCDS.",
    no_args_is_help=True,
)

BidsOption = Annotated[
    Path | None,
    typer.Option(
        "--bids",
        help="Bids as .json or .csv; default: the procedure's bundled example bids.",
        show_default=False,
    ),
]
Municipality = Annotated[str, typer.Argument(help="CBS code or name.")]
Procedure = Annotated[str, typer.Argument(help="Procedure key.")]


def _procedure(loaded: LoadedMunicipality, key: str) -> TenderProcedure:
    from ..domain import TenderProcedure

    found = loaded.setup.get("tender_procedures", key)
    if not isinstance(found, TenderProcedure):
        known = ", ".join(p.key for p in loaded.setup.tender_procedures) or "none"
        fail(f"{loaded.setup.municipality.name} has no tender procedure {key!r}; known: {known}")
    return found


def _score_hook(loaded: LoadedMunicipality) -> Callable[..., Any]:
    """``wijkteamkit_score_bid``; a plugin scoring outside 0-10 (or not a number) is named."""
    from .loader import behaviour_hook

    def check(answer: Any) -> object:
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            raise TypeError("not a number")
        if not 0 <= answer <= 10:  # also refuses NaN
            raise ValueError("not a score from 0 to 10")
        return answer

    return behaviour_hook(loaded, "wijkteamkit_score_bid", check)


def _bids(procedure: TenderProcedure, path: Path | None) -> list[Bid]:
    from ..money.tender import BidError, check_bids, read_bids

    try:
        if path is not None:
            return read_bids(path, procedure)
        if not procedure.example_bids:
            fail(f"{procedure.key!r} ships no example bids; pass --bids FILE")
        return check_bids(procedure.example_bids, procedure, "example bids")
    except BidError as exc:
        fail(str(exc))


@tender_app.command("show")
def show(
    municipality: Municipality,
    procedure: Annotated[str | None, typer.Argument(help="Procedure key.")] = None,
    plugin_file: PluginFileOption = None,
    output: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.TEXT,
) -> None:
    """The procedure(s): profile, programme of requirements, criteria, participants, regime."""
    from .loader import load_one

    loaded = load_one(municipality, plugin_file)
    procedures = (
        [_procedure(loaded, procedure)] if procedure else list(loaded.setup.tender_procedures)
    )
    if output is Format.JSON:
        print_json([p.model_dump(mode="json") for p in procedures])
        return
    if not procedures:
        typer.echo(f"{loaded.setup.municipality.name} has no tender procedures")
    for p in procedures:
        typer.echo(f"{p.key}: {p.name}")
        typer.echo(
            f"  neighbourhood {p.neighbourhood}; commissioned by {p.commissioning_body}; regime {p.regime.value}; "
            f"lead {p.lead_municipality}"
        )
        for part in p.participants:
            typer.echo(
                f"  participant {part.municipality} {part.share:g}%"
                + (f" ({part.area})" if part.area else "")
            )
        if p.profile:
            size = ", ".join(
                f"{count:,} {what}".replace(",", ".")
                for count, what in (
                    (p.profile.population, "residents"),
                    (p.profile.households, "households"),
                )
                if count is not None
            )
            typer.echo(
                f"  profile: {size or 'size not given'}; problems "
                f"{', '.join(p.profile.problems) or '-'}; "
                f"opportunities {', '.join(p.profile.opportunities) or '-'}"
            )
        if p.requirements:
            r = p.requirements
            typer.echo(
                f"  requirements by {r.written_by}, ceiling EUR {r.budget_ceiling:,.0f}, {r.starts} to {r.ends}:"
            )
            for o in r.outcomes:
                scope = ", ".join(x for x in (o.domain, o.target_group) if x)
                typer.echo(f"    - {o.key}: {o.description}" + (f" ({scope})" if scope else ""))
        typer.echo(
            "  criteria: "
            + ", ".join(f"{c.name} {c.weight:g}% ({c.kind})" for c in p.award_criteria)
        )


@tender_app.command("score")
def score_cmd(
    municipality: Municipality,
    procedure: Procedure,
    bids: BidsOption = None,
    plugin_file: PluginFileOption = None,
    output: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.TEXT,
) -> None:
    """Check every bid's eligibility and score it on the best price-quality ratio."""
    from ..money.tender import score
    from .loader import load_one

    loaded = load_one(municipality, plugin_file)
    found = _procedure(loaded, procedure)
    scored = score(found, _bids(found, bids), _score_hook(loaded))
    if output is Format.JSON:
        print_json([s.model_dump(mode="json") for s in scored])
        return
    for s in sorted(scored, key=lambda s: (s.rank or 999, s.provider)):
        if s.eligible:
            typer.echo(
                f"{s.rank}. {s.provider}: {s.total:.2f} of 10, EUR {s.price:,.0f} "
                f"({', '.join(f'{k} {v:.1f}' for k, v in s.points.items())})"
            )
        else:
            typer.echo(f"-  {s.provider}: not eligible: {', '.join(s.reasons)}")


@tender_app.command("award")
def award_cmd(
    municipality: Municipality,
    procedure: Procedure,
    bids: BidsOption = None,
    provider: Annotated[
        str | None, typer.Option(help="Confirm the intended winner.", show_default=False)
    ] = None,
    plugin_file: PluginFileOption = None,
    output: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.TEXT,
) -> None:
    """Award the procedure with a written rationale and the resulting contract(s)."""
    from ..money.tender import AwardRefused, award
    from .loader import load_one

    loaded = load_one(municipality, plugin_file)
    found = _procedure(loaded, procedure)
    try:
        result = award(found, _bids(found, bids), provider, _score_hook(loaded))
    except AwardRefused as exc:
        fail(f"refused: {exc}", ExitCode.FINDINGS, "refused")
    if output is Format.JSON:
        print_json(result.model_dump(mode="json"))
        return
    typer.echo(result.rationale)
    for c in result.contracts:
        shares = ", ".join(f"{m} EUR {v:,.2f}" for m, v in c.parts.items())
        typer.echo(
            f"contract {c.id}: {c.provider}, EUR {c.value:,.2f}, {c.starts} to {c.ends}"
            + (f"; {shares}" if shares else "")
        )


@tender_app.command("export")
def export(
    municipality: Municipality,
    procedure: Annotated[
        str | None, typer.Argument(help="Procedure key; default: every procedure.")
    ] = None,
    bids: BidsOption = None,
    published: Annotated[
        str | None,
        typer.Option(help="Publication date (YYYY-MM-DD); default now.", show_default=False),
    ] = None,
    ocid_prefix: Annotated[str, typer.Option(help="Your registered OCDS prefix.")] = "ocds-wtk000",
    plugin_file: PluginFileOption = None,
) -> None:
    """Print the OCDS 1.1 release package (tender, parties, bids, awards, contracts) to stdout."""
    from ..interop.ocds import release_package
    from .loader import load_one

    when = parse_date(published, "--published")
    stamp = (
        datetime.combine(when, datetime.min.time(), tzinfo=UTC)
        if when
        else datetime.now(UTC).replace(microsecond=0)
    )
    loaded = load_one(municipality, plugin_file)
    procedures = (
        [_procedure(loaded, procedure)] if procedure else list(loaded.setup.tender_procedures)
    )
    if not procedures:
        fail(f"{loaded.setup.municipality.name} has no tender procedures")
    if bids is not None and len(procedures) > 1:
        fail("--bids belongs to one procedure; name the PROCEDURE")
    hook = _score_hook(loaded)
    packages: list[dict[str, Any]] = [
        release_package(loaded.setup, p, _bids(p, bids), stamp, ocid_prefix, hook)
        for p in procedures
    ]
    if len(packages) == 1:
        print_json(packages[0])
    else:
        merged = {
            **packages[0],
            "releases": [r for p in packages for r in p["releases"]],
            "uri": packages[0]["uri"].rsplit("/", 1)[0] + "/all.json",
        }
        print_json(merged)
    sys.stdout.flush()
