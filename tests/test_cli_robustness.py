"""Bad command lines, generated: never a traceback, the documented exit code, one line of error.

Each case runs in-process through typer's CliRunner (the root group's guard is the same code
the console script runs); a few run as real subprocesses to prove the entry point itself.
With ``--format json`` every error must also be a JSON error object on stdout.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from wijkteamkit.cli.app import app
from wijkteamkit.cli.common import CliError, parse_date
from wijkteamkit.cli.guard import wants_json

PERSONAL = "Jansen 123456782"
"""Personal-looking data planted in failures; it must never reach the output."""

OVERLAYS = {
    "not_python.py": "this is not python at all ::\n",
    "exit0_import.py": "import sys\nsys.exit(0)\n",
    "exit3_import.py": "raise SystemExit(3)\n",
    "exit_text_import.py": "raise SystemExit('bye')\n",
    "kbd_import.py": "raise KeyboardInterrupt\n",
    "generator_exit_import.py": "raise GeneratorExit\n",
    "error_import.py": "raise RuntimeError('boom')\n",
    "exit0_hook.py": "def wijkteamkit_teams(municipality):\n    raise SystemExit(0)\n",
    "kbd_hook.py": "def wijkteamkit_principles(municipality):\n    raise KeyboardInterrupt\n",
    "error_hook.py": "def wijkteamkit_laws(municipality):\n    raise ValueError('no')\n",
    "exit_in_generator_hook.py": (
        "def wijkteamkit_teams(municipality):\n    raise SystemExit(0)\n    yield\n"
    ),
    "bad_return_hook.py": "def wijkteamkit_teams(municipality):\n    return 42\n",
    "unknown_hook.py": "def wijkteamkit_teemz(municipality):\n    return []\n",
    "bad_signature_hook.py": "def wijkteamkit_teams(municipalty):\n    return []\n",
    "exit_policy_hook.py": "def wijkteamkit_consent_policy(municipality):\n    raise SystemExit(0)\n",
    "unprintable_import.py": (
        "class Evil(Exception):\n    def __str__(self):\n        raise SystemExit(0)\nraise Evil()\n"
    ),
    "huge_message_import.py": "raise ValueError('x' * 1_000_000 + '\\nsecond line')\n",
    "exception_group_import.py": (
        "raise BaseExceptionGroup('many', [SystemExit(0), KeyboardInterrupt()])\n"
    ),
    "recursion_import.py": "def f():\n    return f()\nf()\n",
}
"""Plugin files layered on every municipality; each breaks at import or in a setup hook."""

BEHAVIOUR = {
    "funding_exit.py": (
        "def wijkteamkit_resolve_funding(setup, provision, on, delivery):\n    raise SystemExit(0)\n"
    ),
    "funding_kbd.py": (
        "def wijkteamkit_resolve_funding(setup, provision, on, delivery):\n"
        "    raise KeyboardInterrupt\n"
    ),
    "score_error.py": (
        f"def wijkteamkit_score_bid(procedure, bid, bids):\n    raise ValueError({PERSONAL!r})\n"
    ),
    "score_exit.py": "def wijkteamkit_score_bid(procedure, bid, bids):\n    raise SystemExit(0)\n",
    "municipality_exit.py": "def wijkteamkit_municipality():\n    raise SystemExit(0)\n",
    "funding_int.py": "def wijkteamkit_resolve_funding(setup, provision, on, delivery):\n    return 42\n",
    "funding_dict.py": (
        "def wijkteamkit_resolve_funding(setup, provision, on, delivery):\n"
        "    return {'nonsense': 1}\n"
    ),
    "score_text.py": "def wijkteamkit_score_bid(procedure, bid, bids):\n    return 'abc'\n",
    "score_bool.py": "def wijkteamkit_score_bid(procedure, bid, bids):\n    return True\n",
    "score_eleven.py": "def wijkteamkit_score_bid(procedure, bid, bids):\n    return 11.5\n",
    "score_nan.py": "def wijkteamkit_score_bid(procedure, bid, bids):\n    return float('nan')\n",
    "score_fine.py": "def wijkteamkit_score_bid(procedure, bid, bids):\n    return 7.25\n",
    "getattr_exit.py": (
        "def __dir__():\n    return ['wijkteamkit_teams']\n"
        "def __getattr__(name):\n    raise SystemExit(0)\n"
    ),
}
"""Plugin files whose behaviour hook (or municipality hook) breaks when a command calls it."""


@dataclass(frozen=True)
class Case:
    """One bad invocation; ``{dir}`` in an argument is the module's scratch folder."""

    args: tuple[str, ...]
    exit: int = 2
    kind: str | None = None
    json: bool = True
    """Whether the command takes ``--format json`` (then the case also runs with it)."""

    @property
    def id(self) -> str:
        return " ".join(a.replace("{dir}/", "") or "''" for a in self.args)


def _cases() -> Iterator[Case]:
    bad_dates = [
        "20120601",
        "2012-13-01",
        "99999-01-01",
        "9999-12-31",
        "0001-01-01",
        "2012-02-30",
        " 2012-06-01",
        "2012-06-01T00:00",
        "",
        "２０１２-０６-０１",
        "2012\u201006\u201001",
        "-001-01-01",
    ]
    dated: list[tuple[tuple[str, ...], bool]] = [
        (("validate", "GM0268", "--on"), True),
        (("show", "GM0268", "--on"), True),
        (("funding", "resolve", "begeleiding", "-m", "GM0268", "--on"), True),
        (("funding", "matrix", "GM0268", "--on"), True),
        (("funding", "matrix", "GM0268", "--on", "2015-01-01", "--compare"), True),
        (("tender", "export", "GM0796", "--published"), False),
        (("demo", "--on"), False),
    ]
    for index, value in enumerate(bad_dates):
        # every bad value on validate; the other commands take turns, so each sees several
        yield Case(("validate", "GM0268", "--on", value), kind="usage")
        prefix, has_json = dated[1 + index % (len(dated) - 1)]
        yield Case((*prefix, value), kind="usage", json=has_json)

    unknown = [
        ("validate", "atlantis"),
        ("show", "GM9999"),
        ("budget", ""),
        ("funding", "resolve", "begeleiding", "-m", "nijmgen", "--on", "2015-01-01"),
        ("funding", "matrix", "gm0268x", "--on", "2015-01-01"),
        ("tender", "show", "atlantis"),
        ("tender", "score", "\u0000", "open-inloop-noord"),
    ]
    for args in unknown:
        yield Case(args, kind="unknown-municipality")
    yield Case(("demo", "atlantis"), kind="unknown-municipality", json=False)

    usage: list[tuple[tuple[str, ...], bool]] = [
        (("valdate",), False),
        (("audit", "frobnicate"), False),
        (("validate", "GM0268", "--bogus"), True),
        (("show",), True),
        (("funding", "resolve", "begeleiding"), True),
        (("validate", "GM0268", "--strict=maybe"), True),
        (("--no-such-option", "validate"), False),
        (("tender", "award", "GM0796"), True),
        (("db",), False),
        (("funding",), False),
        (("validate", "GM0268", "--all"), True),
        (("validate",), True),
        (
            (
                "funding",
                "resolve",
                "begeleiding",
                "-m",
                "GM0268",
                "--on",
                "2015-01-01",
                "--delivery",
                "cash",
            ),
            True,
        ),
        (("tender", "score", "GM0796", "no-such-procedure"), True),
        (("funding", "resolve", "no-such-provision", "-m", "GM0268", "--on", "2015-01-01"), True),
        (("tender", "score", "GM0796", "open-inloop-noord", "--bids", "{dir}/missing.json"), True),
        (("tender", "score", "GM0796", "open-inloop-noord", "--bids", "{dir}/a_folder"), True),
        (("tender", "award", "GM0796", "open-inloop-noord", "--bids", "{dir}/garbage.json"), True),
        (("tender", "export", "GM0796", "--bids", "{dir}/garbage.json"), False),
        (("funding", "matrix", "GM0268", "--on", "2015-01-01", "--format", "xml"), False),
        (("show", "GM0268", "--format", "xml"), False),
        (("show", "GM0268", "--format", ""), False),
        (("validate", "GM0268", "--format", "JSON"), False),
        (("plugins", "--format", "csv"), False),
        (("budget", "GM0268", "--format"), False),
    ]
    for args, has_json in usage:
        yield Case(args, kind=None, json=has_json)

    for name in sorted(OVERLAYS):
        plugin = ("--plugin-file", f"{{dir}}/{name}")
        yield Case(("validate", "GM0268", *plugin), kind="load")
        yield Case(("show", "GM0268", *plugin), kind="load")
        yield Case(("budget", "GM0268", *plugin), kind="load")
    for name in ("binary_garbage.py", "latin1.py"):
        yield Case(("validate", "GM0268", "--plugin-file", f"{{dir}}/{name}"), kind="load")
    for name in ("missing.py", "a_folder", "not_python.py", "exit0_import.py", "kbd_import.py"):
        yield Case(("plugins", "--plugin-file", f"{{dir}}/{name}"), kind="load")
    for name in ("funding_exit.py", "funding_kbd.py", "funding_int.py", "funding_dict.py"):
        yield Case(
            (
                "funding",
                "resolve",
                "begeleiding",
                "-m",
                "GM0268",
                "--on",
                "2015-06-01",
                "--plugin-file",
                f"{{dir}}/{name}",
            ),
            kind="plugin",
        )
    scorers = ("score_error.py", "score_exit.py", "score_text.py", "score_bool.py")
    for index, name in enumerate((*scorers, "score_eleven.py", "score_nan.py")):
        command = ("tender", ("score", "award", "export")[index % 3], "GM0796", "open-inloop-noord")
        yield Case(
            (*command, "--plugin-file", f"{{dir}}/{name}"),
            kind="plugin",
            json="export" not in command,
        )
    yield Case(("show", "GM0001", "--plugin-file", "{dir}/municipality_exit.py"))
    for lister in (("validate", "GM0268"), ("plugins",)):  # pluggy itself trips on it
        yield Case((*lister, "--plugin-file", "{dir}/getattr_exit.py"), kind="plugin")

    urls = [
        "",
        "   ",
        "nonsense",
        "mysql://x/y",
        "sqlite:///{dir}/a_folder",
        "sqlite:///{dir}/a_file/cases.db",
        "sqlite:///{dir}/text.db",
        "sqlite:///{dir}/truncated.db",
        "sqlite:///{dir}/unknown_revision.db",
        "sqlite:////proc/wijkteamkit/cases.db",
        "postgresql+psycopg://nobody@127.0.0.1:1/cases",
    ]
    for url in urls:
        kind = "usage" if not url.strip() else "database"
        yield Case(("audit", "verify", "--database", url), kind=kind)
        yield Case(("db", "upgrade", "--database", url), kind=kind, json=False)
    yield Case(
        ("audit", "verify", "--database", "sqlite:///{dir}/nothing/here.db"), kind="database"
    )
    yield Case(
        ("audit", "verify", "--database", "sqlite:///{dir}/template.db", "--municipality", "GM9999")
    )
    for url in ("", "sqlite:///{dir}/text.db", "sqlite:///{dir}/a_file/cases.db"):
        yield Case(("demo", "--database", url), kind="usage" if not url else "database", json=False)


CASES = list(_cases())


def _make_files(folder: Path) -> None:
    for name, code in {**OVERLAYS, **BEHAVIOUR}.items():
        (folder / name).write_text(code)
    (folder / "binary_garbage.py").write_bytes(b"\x00\xff\xfe garbage \x80")
    (folder / "latin1.py").write_bytes(b'x = "\xff"\n')
    (folder / "a_folder").mkdir()
    (folder / "a_file").write_text("a regular file\n")
    (folder / "text.db").write_text("this is not an SQLite database\n" * 100)
    (folder / "garbage.json").write_text("{not json")
    template = folder / "template.db"
    result = CliRunner().invoke(app, ["db", "upgrade", "--database", f"sqlite:///{template}"])
    assert result.exit_code == 0, result.output
    data = template.read_bytes()
    (folder / "truncated.db").write_bytes(data[: len(data) // 3])
    (folder / "unknown_revision.db").write_bytes(data)
    with sqlite3.connect(folder / "unknown_revision.db") as db:
        db.execute("update alembic_version set version_num = 'ffffdeadbeef'")


@pytest.fixture(autouse=True)
def _no_local_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own WIJKTEAMKIT_ settings (debug, plugin folders) play no part here."""
    for key in list(os.environ):
        if key.startswith("WIJKTEAMKIT_"):
            monkeypatch.delenv(key)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("robustness")
    _make_files(made)
    return made


def invoke(args: Sequence[str], env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250", **(env or {})})
    # CliRunner keeps anything that escaped the guard; nothing may (SystemExit is its exit)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def check_error(result: Result, exit_code: int, *, as_json: bool, kind: str | None) -> None:
    """No traceback, the exit code, one line on stderr (in text, after one line per load error
    that ``validate`` and ``plugins`` list); with JSON, the error object and one line only."""
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything
    assert PERSONAL not in everything
    assert result.exit_code == exit_code, everything
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 if as_json else lines, result.stderr
    for line in lines:
        assert len(line) < 2000
        assert line.startswith("wijkteamkit: error: "), line
    if as_json:
        document = json.loads(result.stdout)
        assert document["ok"] is False
        error = document["error"]
        assert error["exit"] == exit_code
        assert error["message"] and "\n" not in error["message"]
        assert error["message"] in lines[-1]
        if kind is not None:
            assert error["code"] == kind


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_invocation_is_one_line_and_the_documented_exit_code(case: Case, folder: Path) -> None:
    args = [a.replace("{dir}", str(folder)) for a in case.args]
    plugin = Path(args[args.index("--plugin-file") + 1]).name if "--plugin-file" in args else None
    result = invoke(args)
    check_error(result, case.exit, as_json=False, kind=case.kind)
    if plugin is not None:  # the failing plugin is named
        assert plugin in result.stdout + result.stderr
    if case.json:
        result = invoke([*args, "--format", "json"])
        check_error(result, case.exit, as_json=True, kind=case.kind)
        if plugin is not None:
            assert plugin in result.stdout


def test_there_are_at_least_fifty_generated_cases() -> None:
    assert len(CASES) >= 50
    assert sum(1 for c in CASES if c.json) >= 50


# -- known errors from the library map to their documented codes, without personal data --


def _raise(exc: BaseException) -> Any:
    def raiser(*args: object, **kwargs: object) -> Any:
        raise exc

    return raiser


def _validation_error() -> Exception:
    from pydantic import BaseModel, ValidationError

    class Person(BaseModel):
        bsn: int

    try:
        Person.model_validate({"bsn": PERSONAL})
    except ValidationError as exc:
        return exc
    raise AssertionError("no validation error")


def _sqlalchemy_error() -> Exception:
    from sqlalchemy.exc import OperationalError

    return OperationalError(
        "INSERT INTO person (name) VALUES (?)", {"name": PERSONAL}, Exception(PERSONAL)
    )


def _known_errors() -> list[tuple[str, BaseException, int, str]]:
    from wijkteamkit.engine.errors import AccessDenied
    from wijkteamkit.loading import MunicipalityLoadError
    from wijkteamkit.plugins import LoadError
    from wijkteamkit.store.database import DatabaseError

    return [
        ("database", DatabaseError("cannot open it; check the path"), 2, "database"),
        ("casework", AccessDenied("not your team"), 1, "casework"),
        ("load", MunicipalityLoadError([LoadError("file x.py", "broken")]), 2, "load"),
        ("validation", _validation_error(), 2, "invalid-input"),
        ("sqlalchemy", _sqlalchemy_error(), 2, "database"),
        ("os", FileNotFoundError(2, "No such file or directory", "/nowhere/x"), 2, "os"),
        ("runtime", RuntimeError(PERSONAL), 3, "internal"),
        ("key", KeyError(PERSONAL), 3, "internal"),
        ("overflow", OverflowError(PERSONAL), 3, "internal"),
        ("system-exit", SystemExit(0), 3, "internal"),
        ("raised-interrupt", KeyboardInterrupt(), 3, "internal"),
    ]


@pytest.mark.parametrize(
    ("exc", "code", "kind"),
    [pytest.param(e, c, k, id=name) for name, e, c, k in _known_errors()],
)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_library_errors_map_to_their_codes_without_personal_data(
    monkeypatch: pytest.MonkeyPatch, exc: BaseException, code: int, kind: str, as_json: bool
) -> None:
    monkeypatch.setattr("wijkteamkit.loading.load_one", _raise(exc))
    args = ["show", "GM0268", *(["--format", "json"] if as_json else [])]
    result = invoke(args)
    check_error(result, code, as_json=as_json, kind=kind)
    if code == 3:
        assert "internal error" in result.stderr and "--debug" in result.stderr


def test_debug_shows_the_traceback_of_an_unexpected_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("wijkteamkit.loading.load_one", _raise(RuntimeError("bug")))
    for args, env in (
        (["--debug", "show", "GM0268"], None),
        (["show", "GM0268"], {"WIJKTEAMKIT_DEBUG": "1"}),
    ):
        result = invoke(args, env)
        assert result.exit_code == 3
        assert "Traceback" in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("wijkteamkit: error: internal")


def test_a_real_sigint_during_a_plugin_is_an_interrupt_not_a_load_error(folder: Path) -> None:
    plugin = folder / "sigint_self.py"
    plugin.write_text(
        "import os, signal\n"
        "def wijkteamkit_teams(municipality):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return []\n"
    )
    result = invoke(["validate", "GM0268", "--plugin-file", str(plugin), "--format", "json"])
    check_error(result, 130, as_json=True, kind="interrupted")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_plugin_raising_systemexit_0_cannot_make_validate_pass(folder: Path) -> None:
    result = invoke(["validate", "GM0268", "--plugin-file", str(folder / "exit0_hook.py")])
    assert result.exit_code == 2
    assert "exit0_hook.py" in result.stdout + result.stderr
    assert "SystemExit" in result.stderr


def test_a_behaviour_hook_failure_names_the_plugin_and_a_sound_one_still_counts(
    folder: Path,
) -> None:
    failed = invoke(
        [
            "tender",
            "score",
            "GM0796",
            "open-inloop-noord",
            "--plugin-file",
            str(folder / "score_text.py"),
        ]
    )
    assert "score_text.py" in failed.stderr and "wijkteamkit_score_bid" in failed.stderr
    fine = invoke(
        [
            "tender",
            "score",
            "GM0796",
            "open-inloop-noord",
            "--format",
            "json",
            "--plugin-file",
            str(folder / "score_fine.py"),
        ]
    )
    assert fine.exit_code == 0, fine.stderr
    assert {s["total"] for s in json.loads(fine.stdout) if s["eligible"]} == {7.25}


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["validate", "--help"],
        ["plugins"],
        ["show", "GM0268", "--on", "2015-01-01", "--format", "json"],
        ["show", "GM0268", "--on=2199-12-31"],
        ["validate", "GM0268", "--on", "2016-01-01", "--format=json"],
        [
            "funding",
            "resolve",
            "begeleiding",
            "-m",
            "GM0268",
            "--on",
            "2015-06-01",
            "--format",
            "json",
        ],
        ["funding", "matrix", "GM0268", "--on", "2014-12-31", "--compare", "2015-01-01"],
        ["tender", "export", "GM0796", "--published", "2016-06-01"],
        ["--debug", "show", "GM0268"],
    ],
    ids=" ".join,
)
def test_good_invocations_exit_0_with_nothing_on_stderr(args: list[str]) -> None:
    result = invoke(args)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr == ""
    if "json" in " ".join(args):
        assert json.loads(result.stdout)


def test_a_given_database_is_used_and_a_good_one_verifies(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    assert invoke(["db", "upgrade", "--database", url]).exit_code == 0
    verified = invoke(["audit", "verify", "--database", url, "--format", "json"])
    assert verified.exit_code == 0 and json.loads(verified.stdout)["ok"] is True
    assert not (tmp_path / "wijkteamkit.db").exists()


# -- the pieces, property-tested --


@given(st.text(max_size=14))
def test_parse_date_accepts_exactly_iso_dates_in_range(value: str) -> None:
    try:
        parsed = parse_date(value)
    except CliError as exc:
        assert exc.exit_code == 2 and "\n" not in exc.message
        return
    assert parsed is not None and parsed.isoformat() == value
    assert 1900 <= parsed.year <= 2199


@given(st.dates())
def test_parse_date_round_trips_every_date_in_range_and_refuses_the_rest(value: Any) -> None:
    text = value.isoformat()
    if 1900 <= value.year <= 2199:
        assert parse_date(text) == value
    else:
        with pytest.raises(CliError):
            parse_date(text)


def test_the_cli_date_range_is_the_models_range() -> None:
    from datetime import timedelta

    from wijkteamkit.cli.common import EARLIEST_DATE, LATEST_DATE
    from wijkteamkit.domain.common import EARLIEST, LATEST

    assert (EARLIEST_DATE, LATEST_DATE + timedelta(days=1)) == (EARLIEST, LATEST)


def test_wants_json_reads_both_spellings_and_stops_at_double_dash() -> None:
    assert wants_json(["show", "x", "--format", "json"])
    assert wants_json(["show", "x", "--format=json"])
    assert not wants_json(["show", "x", "--format", "text"])
    assert not wants_json(["show", "x", "--format"])
    assert not wants_json(["show", "--", "--format", "json"])


TOKENS = [
    "validate",
    "show",
    "budget",
    "plugins",
    "funding",
    "resolve",
    "matrix",
    "tender",
    "score",
    "award",
    "export",
    "GM0268",
    "GM0796",
    "nijmegen",
    "atlantis",
    "begeleiding",
    "open-inloop-noord",
    "--on",
    "--compare",
    "--published",
    "2015-01-01",
    "20150101",
    "-m",
    "--format",
    "json",
    "text",
    "csv",
    "--strict",
    "--all",
    "--plugin-file",
    "--bids",
    "--delivery",
    "pgb",
    "--provider",
    "--help",
    "",
    "-",
    "--",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(TOKENS), max_size=7))
def test_random_command_lines_never_show_a_traceback(argv: list[str]) -> None:
    result = invoke(argv)
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything
    assert result.exit_code in (0, 1, 2), everything
    if result.exit_code == 2:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("wijkteamkit: error: "), everything


# -- the real entry point, in subprocesses --


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wijkteamkit", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    "plugin", ["exit0_import.py", "kbd_import.py", "exit0_hook.py", "kbd_hook.py"]
)
def test_the_console_entry_point_turns_a_plugin_exit_into_a_load_error(
    folder: Path, plugin: str
) -> None:
    result = _run("validate", "GM0268", "--plugin-file", str(folder / plugin), "--format", "json")
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2
    assert plugin in json.dumps(json.loads(result.stdout)["load_errors"])
    assert result.stderr.startswith("wijkteamkit: error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_console_entry_point_hides_an_internal_errors_text() -> None:
    patch = (
        "import wijkteamkit.loading as l\n"
        f"l.load_one = lambda *args: int({PERSONAL!r})\n"
        "from wijkteamkit.cli.app import main\nmain()\n"
    )
    command = [sys.executable, "-c", patch, "show", "GM0268"]
    quiet = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert quiet.returncode == 3
    assert "Traceback" not in quiet.stderr and PERSONAL not in quiet.stderr
    assert quiet.stderr.startswith("wijkteamkit: error: internal error: ValueError")
    loud = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "WIJKTEAMKIT_DEBUG": "1"},
    )
    assert loud.returncode == 3 and "Traceback" in loud.stderr


def test_ctrl_c_of_the_cli_itself_exits_130_without_a_traceback(tmp_path: Path) -> None:
    plugin = tmp_path / "slow.py"
    plugin.write_text(
        "import sys, time\nsys.stderr.write('ready\\n')\nsys.stderr.flush()\ntime.sleep(120)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "wijkteamkit", "validate", "GM0268", "--plugin-file", str(plugin)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    assert process.stderr.readline() == "ready\n"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "Traceback" not in stdout + stderr
    assert stderr.strip() == "wijkteamkit: error: interrupted"


# -- the library rules behind it: load() without the command line --


@pytest.mark.parametrize(
    "plugin",
    [
        "exit0_import.py",
        "exit3_import.py",
        "generator_exit_import.py",
        "exit0_hook.py",
        "exit_in_generator_hook.py",
        "exit_policy_hook.py",
    ],
)
def test_load_turns_a_plugin_exit_into_a_load_error_naming_it(folder: Path, plugin: str) -> None:
    from wijkteamkit.loading import load

    report = load(["GM0268"], [folder / plugin])
    assert any(plugin in e.plugin and "Exit" in e.message for e in report.errors), report.errors


def test_without_the_cli_a_plugins_keyboard_interrupt_reaches_the_caller(folder: Path) -> None:
    from wijkteamkit.loading import load

    with pytest.raises(KeyboardInterrupt):
        load(["GM0268"], [folder / "kbd_hook.py"])


def test_while_tracking_a_plugins_own_keyboard_interrupt_is_its_failure(folder: Path) -> None:
    from wijkteamkit.interrupts import tracking_interrupts
    from wijkteamkit.loading import load

    with tracking_interrupts():
        report = load(["GM0268"], [folder / "kbd_hook.py"])
    assert [e.hook for e in report.errors] == ["wijkteamkit_principles"]
    assert "KeyboardInterrupt" in report.errors[0].message
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_real_sigint_while_tracking_reaches_the_caller(folder: Path) -> None:
    from wijkteamkit.interrupts import tracking_interrupts
    from wijkteamkit.loading import load

    plugin = folder / "sigint_library.py"
    plugin.write_text("import os, signal\nos.kill(os.getpid(), signal.SIGINT)\n")
    with pytest.raises(KeyboardInterrupt), tracking_interrupts():
        load(["GM0268"], [plugin])
    # the next tracked run starts afresh: a plugin's own interrupt is its failure again
    with tracking_interrupts():
        report = load(["GM0268"], [folder / "kbd_import.py"])
    assert report.errors and "KeyboardInterrupt" in report.errors[0].message


# -- where the output goes: a closed pipe, a full disk, a closed stdout --


def _spawn(args: Sequence[str], **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wijkteamkit", *args],
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
        **options,
    )


@pytest.mark.parametrize("args", [["show", "GM0268"], ["show", "GM0268", "--format", "json"]])
def test_a_closed_pipe_exits_141_quietly(args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already gone
    try:
        result = _spawn(args, stdout=write_end)
    finally:
        os.close(write_end)
    assert result.returncode == 141
    assert result.stderr == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    ("args", "code"),
    [(["show", "GM0268", "--format", "json"], 2), (["show", "atlantis", "--format", "json"], 2)],
)
def test_a_full_disk_is_one_line_and_exit_2(args: list[str], code: int) -> None:
    with open("/dev/full", "w") as full:
        result = _spawn(args, stdout=full)
    assert result.returncode == code
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("wijkteamkit: error: ")


def test_a_closed_stdout_is_like_dev_null() -> None:
    ok = _spawn(["show", "GM0268", "--format", "json"], stdout=None, preexec_fn=lambda: os.close(1))
    assert ok.returncode == 0 and ok.stderr == ""
    bad = _spawn(
        ["show", "atlantis", "--format", "json"], stdout=None, preexec_fn=lambda: os.close(1)
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("wijkteamkit: error: unknown municipality")


def test_a_plugin_dir_with_an_exiting_plugin_is_a_load_error(tmp_path: Path) -> None:
    (tmp_path / "quits.py").write_text("import sys\nsys.exit(0)\n")
    for args in (["plugins"], ["validate", "GM0268"], ["show", "GM0268"]):
        result = invoke([*args, "--format", "json"], {"WIJKTEAMKIT_PLUGIN_DIR": str(tmp_path)})
        check_error(result, 2, as_json=True, kind="load")
        assert "quits.py" in result.stdout
    missing = invoke(["plugins"], {"WIJKTEAMKIT_PLUGIN_DIR": str(tmp_path / "nowhere")})
    check_error(missing, 2, as_json=False, kind="load")


def test_an_error_that_cannot_be_described_is_still_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wijkteamkit.store.database import DatabaseError

    class Unprintable(DatabaseError):
        def __str__(self) -> str:
            raise RuntimeError(PERSONAL)

    monkeypatch.setattr("wijkteamkit.loading.load_one", _raise(Unprintable()))
    for as_json in (False, True):
        result = invoke(["show", "GM0268", *(["--format", "json"] if as_json else [])])
        check_error(result, 3, as_json=as_json, kind="internal")


@pytest.mark.parametrize(
    "path",
    ["a" * 5000, "nul\x00byte.py", "/dev/null", "."],
    ids=["too-long", "nul", "device", "dot"],
)
def test_a_plugin_path_that_is_no_file_is_a_load_error(path: str) -> None:
    for as_json in (False, True):
        args = ["show", "GM0268", "--plugin-file", path, *(["--format", "json"] if as_json else [])]
        result = invoke(args)
        assert "Traceback" not in result.stdout + result.stderr
        assert result.exit_code == 2
        assert len(result.stderr.strip().splitlines()) == 1
        if as_json:
            assert json.loads(result.stdout)["error"]["code"] in ("load", "usage")


# -- PostgreSQL: a database that is not there, empty, or at an unknown revision --

POSTGRES_ADMIN = os.environ.get(
    "WIJKTEAMKIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = bool(os.environ.get("WIJKTEAMKIT_REQUIRE_POSTGRES"))
"""Read at import: the autouse fixture clears WIJKTEAMKIT_ settings before each test."""


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A URL stem ``.../wtk_cli_x``: ``<stem>_empty`` has no schema, ``<stem>_unknown`` a
    revision no wijkteamkit knows; ``<stem>_missing`` does not exist."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES_ADMIN)
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    stem = f"wtk_cli_{uuid.uuid4().hex[:10]}"
    try:
        server = psycopg.connect(dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN}")
    with server:
        for suffix in ("empty", "unknown"):
            server.execute(f'CREATE DATABASE "{stem}_{suffix}"')
        unknown = admin.set(drivername="postgresql", database=f"{stem}_unknown")
        with psycopg.connect(unknown.render_as_string(hide_password=False)) as db:
            db.execute("create table alembic_version (version_num varchar(32) primary key)")
            db.execute("insert into alembic_version values ('ffffdeadbeef')")
        try:
            yield admin.set(database=stem).render_as_string(hide_password=False)
        finally:
            for suffix in ("empty", "unknown"):
                server.execute(f'DROP DATABASE IF EXISTS "{stem}_{suffix}" WITH (FORCE)')


@pytest.mark.parametrize(
    ("command", "suffix", "as_json"),
    [
        (("audit", "verify"), "_empty", True),
        (("audit", "verify"), "_missing", True),
        (("audit", "verify"), "_unknown", True),
        (("db", "upgrade"), "_missing", False),
        (("db", "upgrade"), "_unknown", False),
        (("demo",), "_unknown", False),
    ],
)
def test_an_unusable_postgresql_database_is_one_line_and_exit_2(
    postgres: str, command: tuple[str, ...], suffix: str, as_json: bool
) -> None:
    args = [*command, "--database", postgres + suffix, *(["--format", "json"] if as_json else [])]
    check_error(invoke(args), 2, as_json=as_json, kind="database")


def test_a_database_password_never_shows(tmp_path: Path) -> None:
    for url in (
        "postgresql+psycopg://wijkteam:s3cr3t-pw@127.0.0.1:1/cases",
        "postgresql+psycopg://wijkteam:s3cr3t-pw@127.0.0.1:1/cases?sslmode=bogus",
    ):
        result = invoke(["audit", "verify", "--database", url, "--format", "json"])
        check_error(result, 2, as_json=True, kind="database")
        assert "s3cr3t-pw" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["plugins"],
        ["validate"],
        ["show"],
        ["demo"],
        ["budget"],
        ["db"],
        ["db", "upgrade"],
        ["funding", "resolve"],
        ["funding", "matrix"],
        ["tender", "show"],
        ["tender", "score"],
        ["tender", "award"],
        ["tender", "export"],
        ["audit"],
        ["audit", "verify"],
    ],
    ids=" ".join,
)
def test_every_commands_help_exits_0(command: list[str]) -> None:
    result = invoke([*command, "--help"])
    assert result.exit_code == 0 and result.stderr == "" and "Usage" in result.stdout


def test_the_installed_console_script_is_guarded_too(folder: Path) -> None:
    script = Path(sys.executable).with_name("wijkteamkit")
    if not script.exists():
        pytest.skip("the wijkteamkit console script is not installed next to this Python")
    args = ["show", "GM0268", "--on", "20120601", "--format", "json"]
    bad_date = subprocess.run(
        [str(script), *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert bad_date.returncode == 2 and "Traceback" not in bad_date.stderr
    assert json.loads(bad_date.stdout)["error"]["code"] == "usage"
    plugin = ["validate", "GM0268", "--plugin-file", str(folder / "exit0_import.py")]
    exits = subprocess.run(
        [str(script), *plugin], capture_output=True, text=True, timeout=120, check=False
    )
    assert exits.returncode == 2 and "exit0_import.py" in exits.stderr
