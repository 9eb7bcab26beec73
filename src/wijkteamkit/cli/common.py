"""What every command shares: output format, date parsing, one-line errors and exit codes."""

from __future__ import annotations

import json
import re
import sys
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any, NoReturn


class ExitCode(IntEnum):
    """The exit codes of every command; docs/cli.md's "Exit codes" table lists each one."""

    OK = 0
    """Done; for ``validate``, no errors."""
    FINDINGS = 1
    """The data are wrong: findings, a refusal, a broken audit chain, quarantined rows."""
    CANNOT_RUN = 2
    """The command could not run: bad arguments, a setup that does not load, unusable input."""
    INTERNAL = 3
    """A bug in wijkteamkit."""
    INTERRUPTED = 130
    """Ctrl-C."""
    PIPE = 141
    """The output pipe was closed before everything was written (``| head``)."""


EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
"""The dates the command line accepts: the models' plausible range (``domain.common``),
repeated here so that start-up does not import the models."""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Format(StrEnum):
    """Output format of a command."""

    TEXT = "text"
    JSON = "json"


class CliError(Exception):
    """A one-line error for the user; the entry point prints it and exits with ``exit_code``.

    ``code`` is a stable word for programs (the ``error.code`` of the JSON error object).
    ``in_document`` says the command's own JSON document already carries the error object (as
    ``validate`` and ``plugins`` do), so the entry point writes only the stderr line.
    """

    def __init__(
        self,
        message: str,
        exit_code: ExitCode = ExitCode.CANNOT_RUN,
        code: str = "usage",
        *,
        in_document: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = one_line(message)
        self.exit_code = exit_code
        self.code = code
        self.in_document = in_document

    def error_object(self) -> dict[str, Any]:
        """The ``"error"`` member of the JSON error object, for a document that carries it."""
        error: dict[str, Any] = error_document(self.message, self.exit_code, self.code)["error"]
        return error


@dataclass
class _Run:
    """How the current invocation reports errors; reset by the entry point for each run."""

    json_errors: bool = False
    debug: bool = False


run = _Run()


def fail(message: str, code: ExitCode = ExitCode.CANNOT_RUN, kind: str | None = None) -> NoReturn:
    """Stop the command with a one-line error (``wijkteamkit: error: <message>``) and ``code``.

    ``kind`` is the JSON error object's ``code``; left out, it is ``"database"`` when called
    while handling a ``DatabaseError`` and ``"usage"`` otherwise.
    """
    raise CliError(message, code, kind or _kind_of(sys.exc_info()[1]))


def _kind_of(handling: BaseException | None) -> str:
    database = sys.modules.get("wijkteamkit.store.database")
    if database is not None and isinstance(handling, database.DatabaseError):
        return "database"
    return "usage"


def one_line(text: str) -> str:
    """``text`` with every run of white space (newlines included) folded into one space."""
    return " ".join(text.split())


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``"1 error"``, ``"2 errors"``; ``nouns`` for a plural that is not ``noun + "s"``."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def report_error(message: str, exit_code: int, code: str, *, json_object: bool = True) -> None:
    """Print the error on stderr, and with ``--format json`` (unless ``json_object`` is false:
    the command's document carries it) as a JSON error object on stdout."""
    message = one_line(message)
    if run.json_errors and json_object:
        with suppress(OSError, ValueError):  # stdout is what failed; stderr still says why
            print_json(error_document(message, exit_code, code))
    error_line(message)


def error_line(message: str) -> None:
    """Write ``wijkteamkit: error: <message>`` on stderr as one line, never wrapped."""
    with suppress(OSError, ValueError):  # nowhere left to say it; the exit code still does
        sys.stderr.write(f"wijkteamkit: error: {one_line(message)}\n")
        sys.stderr.flush()


def error_document(message: str, exit_code: int, code: str) -> dict[str, Any]:
    """The JSON error object: ``{"ok": false, "error": {"code", "exit", "message"}}``."""
    return {
        "ok": False,
        "error": {"code": code, "exit": int(exit_code), "message": one_line(message)},
    }


def parse_date(value: str | None, option: str = "--on") -> date | None:
    """Parse a ``YYYY-MM-DD`` date given on the command line, or fail with a one-line message."""
    if value is None:
        return None
    example = "write it as YYYY-MM-DD, e.g. 2012-06-01"
    if not _ISO_DATE.fullmatch(value):
        fail(f"{option} {value!r} is not a date; {example}")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date; {example}")
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        fail(
            f"{option} {value!r} is out of range; give a date from {EARLIEST_DATE} to {LATEST_DATE}"
        )
    return parsed


def database_option(value: str | None) -> str | None:
    """Check a ``--database`` value: ``None`` (not given) passes, an empty one is refused."""
    if value is not None and not value.strip():
        fail("--database is empty; give a database URL such as sqlite:///cases.db, or leave it out")
    return value


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
