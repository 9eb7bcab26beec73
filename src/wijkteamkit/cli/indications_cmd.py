"""``wijkteamkit indications``: import existing indications with their original dates, and list
those that end soon, per team (see docs/cli.md).

Exit codes of ``import``: 0 every row imported; 1 a row refused (named by line and field;
nothing imported); 2 cannot run (unknown municipality, a file without the columns, no or an
unusable database). ``ending``: 0 listed (whether or not anything ends), 2 cannot run.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .common import ExitCode, Format, fail, parse_date, plural, print_json
from .db_cmd import DatabaseOption, FormatOption
from .per_team import print_per_team, team_title
from .plugins_cmd import PluginFileOption

if TYPE_CHECKING:
    from ..domain import IndicationIn
    from ..engine.indications import EndingSoon

indications_app = typer.Typer(
    help="Indications, such as AWBZ indications continued under the Wmo 2015: import, ending.",
    no_args_is_help=True,
)

IMPORTER = "cli-indications"
"""The actor id of the commands: the municipality's intake account imports (for any household),
its auditor lists (every team)."""
REQUIRED = ("household", "provision", "law", "valid_from")
OPTIONAL = ("valid_to", "delivery")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID = re.compile(r"[0-9]{1,12}")


@indications_app.command("import")
def import_(
    municipality: Annotated[str, typer.Argument(help="CBS code (GM0193) or name (zwolle).")],
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with a header: household,provision,law,valid_from[,valid_to][,delivery]."
        ),
    ],
    database: DatabaseOption = None,
    plugin_file: PluginFileOption = None,
    output: FormatOption = Format.TEXT,
) -> None:
    """Import indications with their original dates (an AWBZ indication begun in 2014 keeps
    its start), all in one transaction: a bad row is named by line and field and nothing is
    imported. Households are named by id, never by name.
    """
    from ..domain.case import Role
    from ..engine.errors import CaseworkError
    from .loader import command_session, load_one

    items, labels = _read(file)
    loaded = load_one(municipality, plugin_file)
    with command_session(loaded, database, Role.INTAKE, IMPORTER, "import") as importer:
        try:
            ids = importer.record_indications(items, labels)
        except CaseworkError as exc:
            fail(f"{file}: {exc}; nothing imported", ExitCode.FINDINGS, "refused")
    code = loaded.setup.code
    if output is Format.JSON:
        print_json({"ok": True, "municipality": code, "file": str(file), "imported": len(ids)})
    else:
        typer.echo(f"{file}: {plural(len(ids), 'indication')} imported into {code}")


@indications_app.command("ending")
def ending(
    municipality: Annotated[str, typer.Argument(help="CBS code or name.")],
    within: Annotated[
        int, typer.Option("--within", min=0, max=520, help="Weeks ahead (0 to 520).")
    ] = 8,
    on: Annotated[
        str | None,
        typer.Option(help="From this day (YYYY-MM-DD); default today.", show_default=False),
    ] = None,
    team: Annotated[
        str | None, typer.Option(help="Only this team (a key).", show_default=False)
    ] = None,
    database: DatabaseOption = None,
    output: FormatOption = Format.TEXT,
    plugin_file: PluginFileOption = None,
) -> None:
    """List per team the indications that end within N weeks, each with the day it ends and
    why: its own end, or the end of the transitional right that continues it.

    Reads as the municipality's auditor and writes one audit entry (counts only).
    """
    from ..domain.case import Role
    from .loader import command_session, load_one

    day = parse_date(on)
    loaded = load_one(municipality, plugin_file)
    if team is not None and loaded.setup.get("teams", team) is None:
        known = ", ".join(t.key for t in loaded.setup.teams) or "none"
        fail(f"--team {team!r} is not a team of {loaded.setup.municipality.name}; known: {known}")
    with command_session(loaded, database, Role.AUDITOR, IMPORTER, "report") as auditor:
        result = auditor.indications_ending(within, day, team)
    if output is Format.JSON:
        print_json(document(result))
    else:
        _print(result, loaded.setup.municipality.name)


def _read(file: Path) -> tuple[list[IndicationIn], list[str]]:
    """The rows of ``file`` as indications with their labels (``line N``); a file that cannot
    be read or lacks a column stops with exit 2, a bad row with exit 1."""
    try:
        with file.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream)
            columns = tuple(reader.fieldnames or ())
            _check_columns(file, columns)
            items: list[IndicationIn] = []
            labels: list[str] = []
            for row in reader:
                label = f"line {reader.line_num}"
                items.append(_indication(file, label, row))
                labels.append(label)
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    except (UnicodeDecodeError, csv.Error) as exc:
        fail(f"{file} is not a UTF-8 CSV file: {exc}")
    return items, labels


def _columns(names: list[str]) -> str:
    return "column" if len(names) == 1 else "columns"


def _check_columns(file: Path, columns: tuple[str, ...]) -> None:
    expected = ",".join(REQUIRED + OPTIONAL)
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        what = "; ".join(
            part
            for part in (
                f"missing {_columns(missing)} {', '.join(missing)}" if missing else "",
                f"unknown {_columns(unknown)} {', '.join(repr(c) for c in unknown)}"
                if unknown
                else "",
            )
            if part
        )
        fail(
            f"{file}: {what}; the header is {expected} (valid_to and delivery optional; "
            "households by id, never by name)"
        )


def _indication(file: Path, label: str, row: dict[str, Any]) -> IndicationIn:
    """One row as an indication, or exit 1 naming the line and field (never the value)."""
    from pydantic import ValidationError

    from ..domain import IndicationIn

    if None in row or any(row.get(c) is None for c in REQUIRED):
        fail(
            f"{file}, {label}: the row has a different number of fields than the header",
            ExitCode.FINDINGS,
            "refused",
        )
    household = (row["household"] or "").strip()
    if not _ID.fullmatch(household):
        _bad(file, label, "household", "a household id (digits), never a name")
    values: dict[str, Any] = {
        "household": int(household),
        "provision": (row["provision"] or "").strip(),
        "law": (row["law"] or "").strip(),
        "valid_from": _date(file, label, "valid_from", row["valid_from"]),
        "valid_to": _date(file, label, "valid_to", row.get("valid_to")),
    }
    delivery = (row.get("delivery") or "").strip().lower()
    if delivery:
        values["delivery"] = delivery
    try:
        return IndicationIn.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if not field:  # a rule over several fields (the dates' order)
            fail(f"{file}, {label}: {message}; nothing imported", ExitCode.FINDINGS, "refused")
        _bad(file, label, field, message)


def _date(file: Path, label: str, field: str, value: str | None) -> date | None:
    text = (value or "").strip()
    if not text and field == "valid_to":
        return None
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    _bad(file, label, field, "a date written YYYY-MM-DD")


def _bad(file: Path, label: str, field: str, wanted: str) -> NoReturn:
    fail(
        f"{file}, {label}, field {field}: expected {wanted}; nothing imported",
        ExitCode.FINDINGS,
        "refused",
    )


def document(result: EndingSoon) -> dict[str, Any]:
    """The stable JSON object of a listing."""
    return {
        "ok": True,
        "municipality": result.municipality,
        "on": result.on.isoformat(),
        "within_weeks": result.weeks,
        "listed": result.count,
        "teams": [
            {
                "team": team.team,
                "indications": [
                    {
                        "id": i.id,
                        "household": i.household,
                        "provision": i.provision,
                        "law": i.law,
                        "valid_from": i.valid_from.isoformat(),
                        "valid_to": i.valid_to.isoformat() if i.valid_to else None,
                        "ends_on": i.ends_on.isoformat(),
                        "reason": i.reason.value,
                        "continued": i.continued,
                    }
                    for i in team.indications
                ],
            }
            for team in result.teams
        ],
    }


def _print(result: EndingSoon, name: str) -> None:
    print_per_team(
        f"{result.municipality} {name}: {plural(result.count, 'indication')} end from "
        f"{result.on} within {plural(result.weeks, 'week')}",
        ("ends on", "household", "provision", "law", "why"),
        [
            (
                team_title(team.team, len(team.indications), "indication"),
                [
                    (
                        i.ends_on.isoformat(),
                        str(i.household),
                        i.provision,
                        i.law + (", continued" if i.continued else ""),
                        i.reason.value,
                    )
                    for i in team.indications
                ],
            )
            for team in result.teams
        ],
    )
