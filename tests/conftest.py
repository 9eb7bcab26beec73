"""Shared fixtures: a site directory for fake distributions and a maker of them.

The plugin-author harness (``wijkteamkit_plugins``) comes from the ``wijkteamkit.testing``
pytest plugin, which the installed package registers through its ``pytest11`` entry point.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from wijkteamkit.plugins import LOAD_PLUGINS_ENV

MakeDist = Callable[..., Path]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory on ``sys.path`` (and ``PYTHONPATH``) where tests install fake distributions.

    Only the distributions a test installs there load: ``WIJKTEAMKIT_LOAD_PLUGINS`` hides the
    bundled plugins that may be installed in the environment.
    """
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setenv("PYTHONPATH", str(folder))
    monkeypatch.setenv(LOAD_PLUGINS_ENV, "")
    return folder


@pytest.fixture
def make_dist(site: Path, monkeypatch: pytest.MonkeyPatch) -> MakeDist:
    """Install a one-module distribution with one entry point into :func:`site`.

    ``make_dist("wtk-foo", "wijkteamkit.municipalities", "GM0001", "wtk_foo", "<code>")``
    """
    installed: list[str] = []

    def make(
        dist: str, group: str, name: str, module: str, code: str, version: str = "1.0"
    ) -> Path:
        installed.append(dist)
        monkeypatch.setenv(LOAD_PLUGINS_ENV, ",".join(installed))
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(f"[{group}]\n{name} = {module}\n")
        path = site / f"{module}.py"
        path.write_text(textwrap.dedent(code))
        return path

    return make
