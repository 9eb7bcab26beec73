"""``wijkteamkit new``: a plugin package whose placeholders validate, and, end to end, one that
installs, validates and passes its own tests in a throw-away environment."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkteamkit.cli.app import app
from wijkteamkit.testing import PluginHarness
from wijkteamkit.validation import STRICT_RULES, validate

TOML_FILES = {
    "pyproject.toml",
    "README.md",
    "tests/test_plugin.py",
    "src/wijkteamkit_deventer/__init__.py",
    "src/wijkteamkit_deventer/deventer.toml",
}
PYTHON_FILES = TOML_FILES - {"src/wijkteamkit_deventer/deventer.toml"} | {
    "src/wijkteamkit_deventer/py.typed"
}
PLACEHOLDERS = {
    "municipality",
    "neighbourhoods/centrum",
    "function_groups/welzijn",
    "function_groups/zorg",
    "team_functions/maatschappelijk-werker",
    "team_functions/wijkverpleegkundige",
    "composition_rules/default",
    "teams/team-centrum",
}


def new(folder: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["new", *args, "--directory", str(folder)])
    return result.exit_code, result.stdout, result.stderr


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def harness_for(plugin: Path) -> PluginHarness:
    harness = PluginHarness()
    harness.register(plugin)
    return harness


def test_the_toml_plugin_validates_and_marks_each_placeholder(tmp_path: Path) -> None:
    code, out, _ = new(tmp_path, "deventer", "--code", "gm0150")
    folder = tmp_path / "wijkteamkit-deventer"
    assert code == 0, out
    assert files_in(folder) == TOML_FILES
    pyproject = (folder / "pyproject.toml").read_text()
    assert 'GM0150 = "wijkteamkit_deventer:deventer.toml"' in pyproject
    harness = harness_for(folder / "src/wijkteamkit_deventer/deventer.toml")
    assert harness.errors() == []
    loaded = harness.load()
    assert loaded.setup.municipality.name == "Deventer"
    strict = validate(loaded.setup, None, loaded.issues, STRICT_RULES)
    mine = {f.location for f in strict if "deventer.toml" in f.plugin}
    assert mine == PLACEHOLDERS
    assert {f.code for f in strict if "deventer.toml" in f.plugin} == {"illustrative"}


def test_the_python_plugin_holds_the_same_placeholders(tmp_path: Path) -> None:
    assert new(tmp_path / "toml", "deventer", "--code", "GM0150")[0] == 0
    code, out, _ = new(tmp_path / "python", "deventer", "--code", "GM0150", "--python")
    folder = tmp_path / "python/wijkteamkit-deventer"
    assert code == 0, out
    assert files_in(folder) == PYTHON_FILES
    assert 'GM0150 = "wijkteamkit_deventer"' in (folder / "pyproject.toml").read_text()
    python = harness_for(folder / "src/wijkteamkit_deventer/__init__.py")
    toml = harness_for(
        tmp_path / "toml/wijkteamkit-deventer/src/wijkteamkit_deventer/deventer.toml"
    )
    assert python.errors() == []
    assert python.setup().model_dump(exclude={"origins"}) == toml.setup().model_dump(
        exclude={"origins"}
    )


def test_a_name_with_words_gives_a_module_and_a_title(tmp_path: Path) -> None:
    assert new(tmp_path, "den-haag", "--code", "GM0518")[0] == 0
    plugin = tmp_path / "wijkteamkit-den-haag/src/wijkteamkit_den_haag/den_haag.toml"
    assert harness_for(plugin).setup().municipality.name == "Den-Haag"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Deventer", "--code", "GM0150"], "'Deventer' is not a usable plugin name"),
        (["wijkteamkit.deventer", "--code", "GM0150"], "'wijkteamkit.deventer' is not a usable"),
        (["deventer", "--code", "0150"], "--code '0150' is not a CBS municipality code"),
        (["deventer", "--code", "GM01500"], "--code 'GM01500' is not a CBS"),
    ],
)
def test_an_unusable_name_or_code_is_refused(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = new(tmp_path, *args)
    assert code == 2
    assert err.startswith(f"wijkteamkit: error: {message}")
    assert len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "wijkteamkit-deventer").mkdir()
    (tmp_path / "wijkteamkit-deventer/mine.txt").write_text("keep")
    code, _, err = new(tmp_path, "deventer", "--code", "GM0150")
    assert code == 2
    assert "wijkteamkit-deventer already exists" in err
    assert files_in(tmp_path / "wijkteamkit-deventer") == {"mine.txt"}


def throwaway_venv(folder: Path) -> Path:
    """A venv that sees this environment's packages (wijkteamkit, pytest, hatchling) behind
    its own, as a plugin author's environment with wijkteamkit[testing] installed would."""
    venv.create(folder, with_pip=False, system_site_packages=True)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    own = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    lines = [f"import site; site.addsitedir({path!r})\n" for path in site.getsitepackages()]
    (Path(own) / "_outer_environment.pth").write_text("".join(lines))
    return python


def test_a_new_plugin_installs_validates_and_passes_its_tests(tmp_path: Path) -> None:
    """The issue's 'done when': new, install, validate, validate --strict, the generated test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIJKTEAMKIT_", "PYTEST"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"

    def run(*args: str | Path, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)

    created = run(sys.executable, "-m", "wijkteamkit", "new", "deventer", "--code", "GM0150")
    assert created.returncode == 0, created.stderr
    python = throwaway_venv(tmp_path / "venv")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"]
    installed = run(*pip, "--no-build-isolation", "--no-index", "./wijkteamkit-deventer")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    checked = run(python, "-m", "wijkteamkit", "validate", "deventer")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "GM0150 Deventer: ok" in checked.stdout
    strict = run(python, "-m", "wijkteamkit", "validate", "deventer", "--strict")
    assert strict.returncode == 1, strict.stdout + strict.stderr
    for location in PLACEHOLDERS:
        assert f"warning illustrative at {location}:" in strict.stdout
    tested = run(
        python, "-m", "pytest", "-p", "no:cacheprovider", cwd=tmp_path / "wijkteamkit-deventer"
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "2 passed" in tested.stdout
