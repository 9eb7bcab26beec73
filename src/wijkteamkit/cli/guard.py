"""The entry point's guard: every failure becomes one line on stderr and a documented exit code.

Known errors keep their meaning (see docs/cli.md, "Exit codes"); anything unexpected is exit 3
with its type and place only, never its text, which could hold personal data. ``--debug`` or
``WIJKTEAMKIT_DEBUG=1`` also prints the traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..interrupts import plugin_failure, tracking_interrupts
from .common import CliError, ExitCode, report_error, run
from .lazy import LazyGroup

DEBUG_ENV = "WIJKTEAMKIT_DEBUG"
"""Set (to anything but empty or ``0``) to print the traceback of an unexpected error."""

_CORE = Path(__file__).resolve().parent.parent


class _Escaped(Exception):
    """A ``SystemExit`` or ``KeyboardInterrupt`` raised by code a command ran, not by the user."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(type(cause).__name__)
        self.cause = cause


class GuardedGroup(LazyGroup):
    """The root command group: runs every command behind :func:`exit_code_of`."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; a plugin's ``SystemExit`` or ``KeyboardInterrupt`` cannot end it."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            if plugin_failure(exc):
                raise _Escaped(exc) from exc
            raise CliError("interrupted", ExitCode.INTERRUPTED, "interrupted") from None
        except SystemExit as exc:
            raise _Escaped(exc) from exc

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Parse and run one invocation; exit (or, not standalone, return) its exit code."""
        argv = list(sys.argv[1:] if args is None else args)
        _ensure_streams()
        run.json_errors = wants_json(argv)
        run.debug = os.environ.get(DEBUG_ENV, "") not in ("", "0")
        with tracking_interrupts():
            try:
                result = super().main(
                    args=argv,
                    prog_name=prog_name,
                    complete_var=complete_var,
                    standalone_mode=False,
                    **extra,
                )
                code = result if isinstance(result, int) else 0
            except BaseException as exc:  # noqa: BLE001 - the one place every failure ends up
                code = _exit_code_safely(exc)
        code = _flush_output(code)
        if standalone_mode:
            sys.exit(code)
        return code


def _exit_code_safely(exc: BaseException) -> ExitCode:
    """:func:`exit_code_of`, and should describing the error fail too, a bare internal error."""
    try:
        return exit_code_of(exc)
    except BaseException as failure:  # noqa: BLE001 - e.g. an error whose __str__ raises
        report_error(
            f"internal error: {type(exc).__name__}, then {type(failure).__name__} while "
            "reporting it; this is a bug in wijkteamkit, please report it",
            ExitCode.INTERNAL,
            "internal",
        )
        return ExitCode.INTERNAL


def _ensure_streams() -> None:
    """Started with stdout or stderr closed (``>&-``): write that stream to the null device."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process


def _flush_output(code: int) -> int:
    """Flush stdout now, so a closed pipe or a full disk is an exit code, not a shutdown error."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return ExitCode.PIPE
    except (OSError, ValueError) as exc:
        _silence_stdout()
        if code == 0:
            report_error(f"cannot write the output: {_reason(exc)}", ExitCode.CANNOT_RUN, "os")
            return ExitCode.CANNOT_RUN
    return code


def _silence_stdout() -> None:
    """Point stdout at the null device, so Python's own flush at exit has nothing to complain of."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test's capture): nothing will be flushed at exit


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or type(exc).__name__


def wants_json(argv: Sequence[str]) -> bool:
    """Whether the invocation asks for ``--format json`` (so errors go to stdout as JSON too)."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--format=json" or (
            arg == "--format" and argv[index + 1 : index + 2] == ["json"]
        ):
            return True
    return False


def exit_code_of(exc: BaseException) -> ExitCode:
    """Report ``exc`` in one line and return the exit code it stands for."""
    import typer

    click = _click_exceptions()
    if isinstance(exc, CliError):
        report_error(exc.message, exc.exit_code, exc.code, json_object=not exc.in_document)
        return exc.exit_code
    no_args = getattr(click, "NoArgsIsHelpError", None)
    if no_args is not None and isinstance(exc, no_args):
        sys.stdout.write(exc.ctx.get_help() + "\n")
        report_error("name a command; see the list above", ExitCode.CANNOT_RUN, "usage")
        return ExitCode.CANNOT_RUN
    if isinstance(exc, click.UsageError):
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        report_error(exc.format_message().rstrip(".") + hint, ExitCode.CANNOT_RUN, "usage")
        return ExitCode.CANNOT_RUN
    if isinstance(exc, click.ClickException):
        report_error(exc.format_message(), ExitCode.CANNOT_RUN, "usage")
        return ExitCode.CANNOT_RUN
    if isinstance(exc, (typer.Abort, KeyboardInterrupt)):
        report_error("interrupted", ExitCode.INTERRUPTED, "interrupted")
        return ExitCode.INTERRUPTED
    if isinstance(exc, SystemExit) or _broken_pipe(exc):  # typer's or rich's exit on a closed pipe
        _silence_stdout()
        return ExitCode.PIPE
    known = _known(exc)
    if known is not None:
        message, code, kind = known
        report_error(message, code, kind)
        return code
    return _unexpected(exc.cause if isinstance(exc, _Escaped) else exc)


def _click_exceptions() -> Any:
    """Click's exception classes: vendored by newer typer, the ``click`` package before."""
    try:
        return importlib.import_module("typer._click.exceptions")
    except ImportError:
        return importlib.import_module("click.exceptions")


def _broken_pipe(exc: BaseException) -> bool:
    """Whether ``exc`` is, or (rich's ``SystemExit``) was raised while handling, a closed pipe."""
    cause = exc.cause if isinstance(exc, _Escaped) else exc
    return isinstance(cause, BrokenPipeError) or isinstance(cause.__context__, BrokenPipeError)


def _known(exc: BaseException) -> tuple[str, ExitCode, str] | None:
    """Message, exit code and kind of an error the library raises on purpose."""
    database = sys.modules.get("wijkteamkit.store.database")
    if database is not None and isinstance(exc, database.DatabaseError):
        return str(exc), ExitCode.CANNOT_RUN, "database"
    loading = sys.modules.get("wijkteamkit.loading")
    if loading is not None and isinstance(exc, loading.UnknownMunicipality):
        return str(exc), ExitCode.CANNOT_RUN, "unknown-municipality"
    if loading is not None and isinstance(exc, loading.MunicipalityLoadError):
        return "could not load the setup: " + str(exc), ExitCode.CANNOT_RUN, "load"
    errors = sys.modules.get("wijkteamkit.engine.errors")
    if errors is not None and isinstance(exc, errors.CaseworkError):
        return str(exc), ExitCode.FINDINGS, "casework"
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and isinstance(exc, pydantic.ValidationError):
        return _validation_message(exc), ExitCode.CANNOT_RUN, "invalid-input"
    sqlalchemy = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy is not None and isinstance(exc, sqlalchemy.SQLAlchemyError):
        return (
            f"the database refused the operation ({type(exc).__name__}); check that the "
            "URL names a wijkteamkit database and run 'wijkteamkit db upgrade'",
            ExitCode.CANNOT_RUN,
            "database",
        )
    if isinstance(exc, OSError) and _plugin_frame(exc) is None:
        if exc.filename:
            return (
                f"cannot use {exc.filename}: {_reason(exc)}; check the path",
                ExitCode.CANNOT_RUN,
                "os",
            )
        return (
            f"input or output failed: {_reason(exc)}; check where the output goes",
            ExitCode.CANNOT_RUN,
            "os",
        )
    return None


def _validation_message(exc: Any) -> str:
    """Where the input is invalid and why, without the input itself (it may be personal)."""
    from ..problems import describe

    return f"invalid {exc.title}: {describe(exc, limit=3)}; correct the input and try again"


def _unexpected(exc: BaseException) -> ExitCode:
    """A plugin's failure (exit 2, naming the plugin) or a bug (exit 3); type and place only."""
    if run.debug:
        traceback.print_exception(exc, file=sys.stderr)
    frame = _plugin_frame(exc)
    if frame is not None:
        label, filename, line = frame
        report_error(
            f"plugin {label} failed: {type(exc).__name__} (at {filename}:{line}); "
            "fix the plugin or leave it out",
            ExitCode.CANNOT_RUN,
            "plugin",
        )
        return ExitCode.CANNOT_RUN
    frames = traceback.extract_tb(exc.__traceback__)
    core = [f for f in frames if f.filename.startswith(str(_CORE))]
    place = f" at {Path(core[-1].filename).name}:{core[-1].lineno}" if core else ""
    hint = "" if run.debug else f"; run again with --debug (or {DEBUG_ENV}=1) for the traceback"
    report_error(
        f"internal error: {type(exc).__name__}{place}; this is a bug in wijkteamkit, please "
        f"report it{hint}",
        ExitCode.INTERNAL,
        "internal",
    )
    return ExitCode.INTERNAL


def _plugin_frame(exc: BaseException) -> tuple[str, str, int | None] | None:
    """The innermost frame of ``exc``'s traceback that runs a plugin's code."""
    from ..plugins import plugin_of

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        label = plugin_of(frame.filename)
        if label is not None:
            return label, frame.filename, frame.lineno
    return None
