"""The documentation: every hook and finding code is documented, and the examples work.

Fenced ``python`` blocks in ``docs/*.md`` must compile. A block preceded by an HTML comment
marker on the line just before its fence is also run:

- ``<!-- test: plugin-file -->``: the block is a plugin file and must validate without errors
  (``wijkteamkit validate``, exit 0). A file that implements ``wijkteamkit_municipality`` is
  validated as that municipality; any other file is an overlay, layered over the invented town
  the docs ship, ``examples/teststad.toml`` (GM0001 Teststad).
- ``<!-- test: embed -->``: the block is run as a script in a temporary directory that holds
  ``examples/teststad.toml``, a copy of that very file (the docs name it relative to the
  repository root), with ``WIJKTEAMKIT_DATABASE_URL`` pointing at a temporary SQLite file.
- ``<!-- test: plugin-tests -->``: the block is a pytest module for the same page's
  ``plugin-file`` block, importable as ``wijkteamkit_voorbeeldstad``; it is run with pytest, with
  no conftest (the installed ``wijkteamkit.testing`` plugin provides the fixture), and every
  test in it must pass.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkteamkit import UnknownMunicipality, hookspecs
from wijkteamkit.cli.app import app
from wijkteamkit.engine.casework import Casework
from wijkteamkit.plugins import Layer, PluginSource, import_plugin
from wijkteamkit.validation import STRICT_RULES

TESTS = Path(__file__).parent
DOCS = TESTS.parent / "docs"
TESTSTAD = TESTS.parent / "examples" / "teststad.toml"
"""The invented town the docs' examples run against (as ``examples/teststad.toml``)."""
HOOKS_MD = DOCS / "hooks.md"
VALIDATION_MD = DOCS / "validation.md"
MARKER = re.compile(r"<!--\s*test:\s*([\w-]+)\s*-->")


@dataclass(frozen=True)
class Block:
    """A fenced ``python`` block: its file, the line of its opening fence, code and marker."""

    path: Path
    line: int
    code: str
    marker: str | None

    def __str__(self) -> str:
        return f"{self.path.name}:{self.line}"


def python_blocks(path: Path) -> list[Block]:
    """Every fenced ``python`` block in a Markdown file, with the marker just before it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    start: int | None = None
    language = ""
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if start is None and stripped.startswith("```"):
            start, language = number, (stripped[3:].split() or [""])[0]
        elif start is not None and stripped.startswith("```"):
            if language in ("python", "py"):
                marker = MARKER.fullmatch(lines[start - 2].strip()) if start > 1 else None
                code = textwrap.dedent("\n".join(lines[start : number - 1]))
                blocks.append(Block(path, start, code, marker.group(1) if marker else None))
            start = None
    return blocks


BLOCKS = [block for path in sorted(DOCS.glob("*.md")) for block in python_blocks(path)]


def marked(marker: str) -> list[Block]:
    return [block for block in BLOCKS if block.marker == marker]


def headings(path: Path, pattern: str) -> list[str]:
    return re.findall(pattern, path.read_text(encoding="utf-8"), re.MULTILINE)


# --- hooks ----------------------------------------------------------------------------------------

SPECS = [
    name
    for name, member in vars(hookspecs).items()
    if name.startswith("wijkteamkit_") and inspect.isfunction(member)
]
DOCUMENTED_HOOKS = headings(HOOKS_MD, r"^## (wijkteamkit_\w+)\s*$")


def test_every_hook_has_a_section() -> None:
    missing = [hook for hook in SPECS if hook not in DOCUMENTED_HOOKS]
    assert not missing, f"docs/hooks.md has no '## <hook>' section for: {', '.join(missing)}"


def test_every_hook_section_documents_a_hook() -> None:
    extra = [hook for hook in DOCUMENTED_HOOKS if hook not in SPECS]
    assert not extra, f"docs/hooks.md documents hooks that do not exist: {', '.join(extra)}"


def test_hook_sections_appear_once_in_hookspecs_order() -> None:
    known = [hook for hook in DOCUMENTED_HOOKS if hook in SPECS]
    assert known == [hook for hook in SPECS if hook in DOCUMENTED_HOOKS]


# --- finding codes --------------------------------------------------------------------------------


def _code_argument(call: ast.Call) -> ast.expr | None:
    """The ``code`` argument of ``check.finding(severity, code, ...)`` or ``Finding(code=...)``."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name not in ("finding", "Finding"):
        return None
    keyword = next((k.value for k in call.keywords if k.arg == "code"), None)
    return keyword if keyword is not None or len(call.args) < 2 else call.args[1]


def rule_codes() -> dict[str, set[str]]:
    """The codes each rule in ``STRICT_RULES`` (every rule) can produce, read from its source."""
    codes: dict[str, set[str]] = {}
    for rule in STRICT_RULES:
        tree = ast.parse(textwrap.dedent(inspect.getsource(rule)))
        arguments = [_code_argument(n) for n in ast.walk(tree) if isinstance(n, ast.Call)]
        codes[f"{rule.__module__}.{rule.__qualname__}"] = {
            a.value for a in arguments if isinstance(a, ast.Constant) and isinstance(a.value, str)
        }
    return codes


def finding_codes() -> set[str]:
    """Every code the validation package can produce (the merge issues are reported by rules in
    ``RULES`` too, as ``duplicate-key`` and ``remove-unknown``)."""
    return set().union(*rule_codes().values())


DOCUMENTED_CODES = headings(VALIDATION_MD, r"^### `?([a-z0-9][a-z0-9-]*)`?\s*$")


def test_every_rule_has_literal_finding_codes() -> None:
    opaque = [rule for rule, codes in rule_codes().items() if not codes]
    assert not opaque, (
        f"no literal finding code found in {', '.join(opaque)}; test_docs cannot see it"
    )


def test_every_finding_code_is_documented() -> None:
    missing = sorted(finding_codes() - set(DOCUMENTED_CODES))
    assert not missing, f"docs/validation.md has no '### <code>' heading for: {', '.join(missing)}"


def test_every_documented_code_exists() -> None:
    extra = sorted(set(DOCUMENTED_CODES) - finding_codes())
    assert not extra, f"docs/validation.md documents codes no rule produces: {', '.join(extra)}"
    twice = sorted({code for code in DOCUMENTED_CODES if DOCUMENTED_CODES.count(code) > 1})
    assert not twice, f"docs/validation.md documents codes twice: {', '.join(twice)}"


# --- examples -------------------------------------------------------------------------------------


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_python_block_compiles(block: Block) -> None:
    # Pad with newlines so that a SyntaxError names the line in the Markdown file.
    compile("\n" * block.line + block.code, str(block.path), "exec")


def test_the_docs_town_validates() -> None:
    result = CliRunner().invoke(app, ["validate", "--plugin-file", str(TESTSTAD)])
    assert result.exit_code == 0, result.output
    assert "GM0001 Teststad: ok" in result.stdout


def test_every_item_of_the_docs_town_is_marked_illustrative() -> None:
    document = tomllib.loads(TESTSTAD.read_text(encoding="utf-8"))
    sources = [document["municipality"]["source"]] + [
        item["source"] for value in document.values() if isinstance(value, list) for item in value
    ]
    assert sources
    assert all(s["illustrative"] and "invented" in s["note"] for s in sources), sources


def municipality_code(path: Path) -> str | None:
    """The CBS code a plugin file describes, or ``None`` for an overlay (or a broken file)."""
    module = import_plugin(PluginSource(str(path), Layer.LOCAL, path=path))
    hook = getattr(module, "wijkteamkit_municipality", None)
    if not callable(hook):
        return None
    municipality = hook()
    return str(municipality["code"] if isinstance(municipality, dict) else municipality.code)


def blocking(output: str) -> str:
    """The errors and load errors in ``validate --format json`` output, one a line."""
    try:
        document = json.loads(output)
    except ValueError:
        return ""
    findings = [
        f"{f['severity']} {f['code']} at {f['location']}: {f['message']}"
        for m in document["municipalities"]
        for f in m["findings"]
        if f["severity"] == "error"
    ]
    errors = [f"load error {e['plugin']}: {e['message']}" for e in document["load_errors"]]
    return "\n".join(findings + errors)


@pytest.mark.parametrize("block", marked("plugin-file"), ids=str)
def test_plugin_file_example_validates(block: Block, tmp_path: Path) -> None:
    path = tmp_path / f"{block.path.stem}_{block.line}.py"
    path.write_text(block.code, encoding="utf-8")
    code = municipality_code(path)
    files = [path] if code else [TESTSTAD, path]
    options = [arg for file in files for arg in ("--plugin-file", str(file))]
    result = CliRunner().invoke(app, ["validate", code or "GM0001", *options, "--format", "json"])
    report = blocking(result.stdout) or result.output
    assert result.exit_code == 0, f"{block} does not validate (exit {result.exit_code}):\n{report}"


@pytest.mark.parametrize("block", marked("embed"), ids=str)
def test_embedding_example_runs(
    block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIJKTEAMKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cases.db'}")
    (tmp_path / "examples").mkdir()
    shutil.copyfile(TESTSTAD, tmp_path / "examples" / TESTSTAD.name)
    namespace: dict[str, object] = {"__name__": f"docs_{block.path.stem}_{block.line}"}
    try:
        exec(compile("\n" * block.line + block.code, str(block.path), "exec"), namespace)
    except UnknownMunicipality as exc:
        pytest.skip(f"{block} needs a municipality plugin that is not installed: {exc}")
    finally:
        for value in namespace.values():
            if isinstance(value, Casework):
                value.engine.dispose()


@pytest.mark.parametrize("block", marked("plugin-tests"), ids=str)
def test_plugin_author_tests_pass(block: Block, tmp_path: Path) -> None:
    (plugin,) = [b for b in marked("plugin-file") if b.path == block.path]
    (tmp_path / "wijkteamkit_voorbeeldstad.py").write_text(plugin.code, encoding="utf-8")
    (tmp_path / "test_voorbeeldstad.py").write_text(block.code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{block}:\n{result.stdout}{result.stderr}"
    assert re.search(r"\b[1-9]\d* passed\b", result.stdout), result.stdout
