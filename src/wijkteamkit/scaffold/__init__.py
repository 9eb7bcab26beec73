"""A new municipality plugin package with placeholder data: what ``wijkteamkit new`` writes.

The files come from the templates in ``templates/``; every placeholder item carries an
illustrative source, so the package validates at once and ``validate --strict`` lists what the
author still has to replace.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from .. import __version__

_NAME = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
_CODE = re.compile(r"GM[0-9]{4}")


class ScaffoldError(ValueError):
    """A name, code or folder that cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class PluginPackage:
    """The plugin package for one municipality: its names and the files it consists of."""

    name: str
    code: str
    python: bool = False

    @property
    def dist(self) -> str:
        """The distribution and folder name, ``wijkteamkit-deventer``."""
        return f"wijkteamkit-{self.name}"

    @property
    def module(self) -> str:
        """The import name of the package, ``wijkteamkit_deventer``."""
        return f"wijkteamkit_{self.name.replace('-', '_')}"

    @property
    def title(self) -> str:
        """The municipality's name as guessed from ``name``: ``den_bosch`` is ``Den Bosch``."""
        return self.name.replace("_", " ").title()

    @property
    def toml(self) -> str:
        """The file name of a TOML plugin, ``deventer.toml``."""
        return f"{self.name.replace('-', '_')}.toml"

    def files(self) -> dict[str, str]:
        """Every file of the package: its path inside the package folder and its text."""
        source = f"src/{self.module}"
        plugin_file = f"{source}/__init__.py" if self.python else f"{source}/{self.toml}"
        values = {
            "name": self.name,
            "code": self.code,
            "title": self.title,
            "dist": self.dist,
            "module": self.module,
            "toml": self.toml,
            "version": __version__,
            "plugin_file": plugin_file,
            "entry_point": self.module if self.python else f"{self.module}:{self.toml}",
        }
        templates: dict[str, str | None] = {
            "pyproject.toml": "pyproject.toml",
            "README.md": "README.md",
            "tests/test_plugin.py": "test_plugin.py",
        }
        if self.python:
            templates |= {f"{source}/__init__.py": "plugin.py", f"{source}/py.typed": None}
        else:
            templates |= {f"{source}/__init__.py": "package.py", plugin_file: "plugin.toml"}
        return {
            path: _render(template, values) if template else ""
            for path, template in templates.items()
        }


def plugin_package(name: str, code: str, python: bool = False) -> PluginPackage:
    """The package for ``name`` and ``code``; :class:`ScaffoldError` if either is unusable."""
    if not _NAME.fullmatch(name):
        raise ScaffoldError(
            f"{name!r} is not a usable plugin name; use lower-case letters and digits, starting "
            "with a letter, words joined by '-' or '_' (deventer, den_bosch)"
        )
    if not _CODE.fullmatch(code.upper()):
        raise ScaffoldError(
            f"--code {code!r} is not a CBS municipality code; write GM and four digits (GM0150)"
        )
    return PluginPackage(name, code.upper(), python)


def write(package: PluginPackage, parent: Path) -> Path:
    """Write ``package`` into a new folder ``parent/<dist>`` and return that folder.

    All files or none: a failure removes the folder again. Raises :class:`ScaffoldError` if the
    folder exists, :class:`OSError` if it cannot be written.
    """
    target = parent / package.dist
    parent.mkdir(parents=True, exist_ok=True)
    try:
        target.mkdir()
    except FileExistsError:
        raise ScaffoldError(
            f"{target} already exists; remove it or give another --directory to create "
            f"{package.dist} in"
        ) from None
    try:
        for path, text in package.files().items():
            file = target / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def _render(template: str, values: dict[str, str]) -> str:
    text = (files(__name__) / "templates" / f"{template}.tmpl").read_text(encoding="utf-8")
    return Template(text).substitute(values)
