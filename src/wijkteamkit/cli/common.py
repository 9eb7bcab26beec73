"""What every command shares: output format, date parsing, one-line errors and exit codes."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from typing import Any, NoReturn

import typer

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_LOAD = 2


class Format(StrEnum):
    """Output format of a command."""

    TEXT = "text"
    JSON = "json"


def fail(message: str, code: int = EXIT_LOAD) -> NoReturn:
    """Print ``wijkteamkit: error: <message>`` on stderr and exit with ``code``."""
    sys.stderr.write(f"wijkteamkit: error: {message}\n")
    raise typer.Exit(code)


def parse_date(value: str | None, option: str = "--on") -> date | None:
    """Parse an ISO date given on the command line, or fail with a one-line message."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2012-06-01")


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
