"""Discovery and import of plugins: entry points and local plugin files.

Nothing is imported while discovering; each plugin is imported once per process when first
needed, and an import failure becomes a :class:`LoadError` naming the distribution or file and
the line, never an exception that stops other municipalities from loading.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import os
import sys
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from importlib.metadata import EntryPoint, EntryPoints, entry_points
from pathlib import Path
from types import ModuleType

from .interrupts import plugin_failure

MUNICIPALITY_GROUP = "wijkteamkit.municipalities"
"""Entry-point group of municipality plugins; the entry-point name is the CBS code."""

REGION_GROUP = "wijkteamkit.regions"
"""Entry-point group of region plugins; the entry-point name is the region's key."""

PLUGIN_DIR_ENV = "WIJKTEAMKIT_PLUGIN_DIR"
"""Environment variable naming a directory whose ``*.py`` and ``*.toml`` files are loaded as
local plugins."""

LOAD_PLUGINS_ENV = "WIJKTEAMKIT_LOAD_PLUGINS"
"""Environment variable: a comma-separated list of distribution names; when set, only installed
plugins from those distributions load (an empty value loads none). Local files always load."""

NATIONAL_PLUGIN = "wijkteamkit.defaults.national"


class Layer(IntEnum):
    """Where a plugin sits; a higher layer is more specific and wins a merge by key."""

    NATIONAL = 0
    REGION = 1
    MUNICIPALITY = 2
    LOCAL = 3

    @property
    def label(self) -> str:
        """The lower-case name (``"region"``)."""
        return self.name.lower()


@dataclass(frozen=True)
class LoadError:
    """Why a plugin could not be used: which plugin, which hook (if any), what went wrong."""

    plugin: str
    message: str
    hook: str | None = None
    municipality: str | None = None

    def __str__(self) -> str:
        where = self.plugin + (f", hook {self.hook}" if self.hook else "")
        return f"{where}: {self.message}"


@dataclass
class PluginSource:
    """A plugin that can be imported: an entry point or a local file, and its layer.

    ``module`` is filled in by :func:`import_plugin`; ``error`` when the import failed.
    """

    name: str
    layer: Layer
    entry_point: EntryPoint | None = None
    path: Path | None = None
    module: object | None = None
    error: LoadError | None = None
    imported: bool = False

    @functools.cached_property
    def distribution(self) -> str | None:
        """``name version`` of the distribution that provides the entry point.

        Cached: each read of ``dist.name`` or ``dist.version`` parses the distribution's
        metadata file again, and findings and messages ask for it many times.
        """
        dist = self.entry_point.dist if self.entry_point else None
        return f"{dist.name} {dist.version}" if dist else None

    @property
    def short(self) -> str:
        """A short name for findings: ``wijkteamkit-nijmegen 0.1.0``, ``file x.py``."""
        if self.layer is Layer.NATIONAL:
            return "wijkteamkit national defaults"
        if self.path is not None:
            return f"file {self.path}"
        return self.distribution or self.name

    @property
    def label(self) -> str:
        """How the plugin is named in messages: distribution and entry point, or the file."""
        if self.path is not None:
            return f"file {self.path}"
        if self.entry_point is not None:
            dist = self.distribution or "unknown distribution"
            return f"{dist} (entry point {self.entry_point.group}:{self.entry_point.name})"
        return self.short


@dataclass
class Catalogue:
    """Every plugin that can be loaded, by kind, not yet imported."""

    municipalities: dict[str, PluginSource] = field(default_factory=dict)
    regions: dict[str, PluginSource] = field(default_factory=dict)
    files: list[PluginSource] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


def discover(
    plugin_files: Sequence[str | Path] = (), environ: Mapping[str, str] | None = None
) -> Catalogue:
    """Find installed and local plugins without importing them.

    Installed municipality plugins are keyed by their CBS code (upper case), region plugins by
    name (lower case). Local plugin files come from ``plugin_files`` and from the directory named
    by ``WIJKTEAMKIT_PLUGIN_DIR``, in that order.
    """
    environ = os.environ if environ is None else environ
    allowed = _allowed_distributions(environ)
    catalogue = Catalogue()
    installed = entry_points()  # one scan of every distribution, for both groups
    for ep in _entry_points(installed.select(group=MUNICIPALITY_GROUP), allowed):
        code = ep.name.upper()
        source = PluginSource(code, Layer.MUNICIPALITY, entry_point=ep)
        if code in catalogue.municipalities:
            other = catalogue.municipalities[code]
            catalogue.errors.append(
                LoadError(
                    source.label,
                    f"claims {code}, which {other.label} claims too; uninstall one of them",
                    municipality=code,
                )
            )
            continue
        catalogue.municipalities[code] = source
    for ep in _entry_points(installed.select(group=REGION_GROUP), allowed):
        catalogue.regions[ep.name.lower()] = PluginSource(
            ep.name.lower(), Layer.REGION, entry_point=ep
        )
    for path in _local_files(plugin_files, environ, catalogue.errors):
        catalogue.files.append(PluginSource(str(path), Layer.LOCAL, path=path))
    return catalogue


def _allowed_distributions(environ: Mapping[str, str]) -> set[str] | None:
    value = environ.get(LOAD_PLUGINS_ENV)
    if value is None:
        return None
    return {_normalise(name) for name in value.split(",") if name.strip()}


def _normalise(distribution: str) -> str:
    return distribution.strip().lower().replace("_", "-")


def _entry_points(found: EntryPoints, allowed: set[str] | None) -> Iterable[EntryPoint]:
    seen: set[tuple[str, str]] = set()
    for ep in sorted(found, key=lambda e: e.name):
        if allowed is not None and (ep.dist is None or _normalise(ep.dist.name) not in allowed):
            continue
        if (ep.name, ep.value) not in seen:  # the same dist on sys.path twice
            seen.add((ep.name, ep.value))
            yield ep


def _local_files(
    plugin_files: Sequence[str | Path], environ: Mapping[str, str], errors: list[LoadError]
) -> list[Path]:
    paths: list[Path] = []
    for given in plugin_files:
        path = Path(given)
        try:
            usable = path.is_file()
            if usable:
                path = path.resolve()
        except (OSError, ValueError, RuntimeError) as exc:  # too long, a NUL byte, a loop
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a path"
            errors.append(
                LoadError(f"file {path}", f"{reason}; check the path given to --plugin-file")
            )
            continue
        if not usable:
            errors.append(
                LoadError(f"file {path}", "no such file; check the path given to --plugin-file")
            )
            continue
        paths.append(path)
    directory = environ.get(PLUGIN_DIR_ENV)
    if directory:
        folder = Path(directory)
        if not folder.is_dir():
            errors.append(
                LoadError(
                    f"{PLUGIN_DIR_ENV}={directory}",
                    "is not a directory; point it at a folder of plugin .py or .toml files "
                    "or unset it",
                )
            )
        else:
            found = sorted([*folder.glob("*.py"), *folder.glob("*.toml")])
            paths.extend(p.resolve() for p in found if p.resolve() not in paths)
    return paths


_file_modules: dict[Path, object] = {}


def import_plugin(source: PluginSource) -> object | None:
    """Import the plugin once; on failure record a :class:`LoadError` on ``source.error``.

    A source that already holds a plugin object (registered directly, as in tests) is kept.
    """
    if source.imported or source.module is not None:
        return source.module
    source.imported = True
    if _is_toml(source):
        return _read_toml(source)
    try:
        if source.path is not None:
            source.module = _import_file(source.path)
        elif source.entry_point is not None:
            loaded = source.entry_point.load()
            if not isinstance(loaded, ModuleType):
                raise TypeError(f"entry point must name a module, not {type(loaded).__name__}")
            source.module = loaded
        else:
            source.module = importlib.import_module(source.name)
    except BaseException as exc:  # any failure of third-party code is reported
        if not plugin_failure(exc):
            raise
        source.error = LoadError(source.label, f"failed to import: {describe_exception(exc)}")
    else:
        _remember_location(source)
    return source.module


def _is_toml(source: PluginSource) -> bool:
    """Whether the plugin is a TOML file, or an entry point naming one (``package:file.toml``)."""
    if source.path is not None:
        return source.path.suffix == ".toml"
    return source.entry_point is not None and (source.entry_point.attr or "").endswith(".toml")


def _read_toml(source: PluginSource) -> object | None:
    """Read a TOML plugin (a packaged one from its package's resources, never ``ep.load()``)."""
    from importlib.resources import files

    from .declarative import PluginFileError, parse_plugin, read_plugin

    try:
        if source.path is not None:
            if source.path not in _file_modules:
                _file_modules[source.path] = read_plugin(source.path)
            source.module = _file_modules[source.path]
        else:
            assert source.entry_point is not None
            name = source.entry_point.attr
            resource = files(source.entry_point.module) / name
            text = resource.read_text(encoding="utf-8")
            source.module = parse_plugin(text, source.label, str(resource), f"{name} ")
    except PluginFileError as exc:
        source.error = LoadError(source.label, "; ".join(e.message for e in exc.errors))
    except (OSError, UnicodeDecodeError, ImportError) as exc:
        source.error = LoadError(source.label, f"cannot read the plugin: {exc}")
    else:
        _remember_location(source)
    return source.module


_plugin_locations: dict[str, str] = {}


def _remember_location(source: PluginSource) -> None:
    filename = getattr(source.module, "__file__", None)
    if source.layer is Layer.NATIONAL or not isinstance(filename, str):
        return
    path = Path(filename).resolve()
    package = path.parent if path.name == "__init__.py" else path
    _plugin_locations[str(package)] = source.label


def plugin_of(filename: str) -> str | None:
    """The label of the imported plugin whose code is in ``filename``, if any."""
    path = Path(filename).resolve()
    for location, label in _plugin_locations.items():
        if path == Path(location) or path.is_relative_to(location):
            return label
    return None


def _import_file(path: Path) -> object:
    if path in _file_modules:
        return _file_modules[path]
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    name = f"wijkteamkit_local_{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    _file_modules[path] = module
    return module


MESSAGE_LIMIT = 300
"""How much of a plugin's exception message a load error quotes."""


def _shorten(message: str) -> str:
    folded = " ".join(message.split())
    return folded if len(folded) <= MESSAGE_LIMIT else folded[:MESSAGE_LIMIT] + "..."


def describe_exception(exc: BaseException) -> str:
    """``Type: message (at file:line)``, naming the innermost frame of the plugin itself.

    Frames of wijkteamkit, pydantic, pluggy and the standard library are skipped, so a model
    the plugin builds with a wrong field points at the plugin's line. A pydantic
    ``ValidationError`` is described in one line with its field paths; any other message is
    folded onto one line and cut at :data:`MESSAGE_LIMIT` characters.
    """
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {_shorten(str(exc.msg))} (at {exc.filename}:{exc.lineno})"
    try:
        detail = _validation_detail(exc) or _shorten(str(exc))
    except BaseException as failure:  # a plugin's exception whose __str__ fails
        if not plugin_failure(failure):
            raise
        detail = "(its message cannot be shown)"
    text = type(exc).__name__ + (f": {detail}" if detail else "")
    frames = traceback.extract_tb(exc.__traceback__)
    outside = [f for f in frames if not _library_frame(f.filename)]
    if outside:
        frame = outside[-1]
        text += f" (at {frame.filename}:{frame.lineno})"
    return text


def _validation_detail(exc: BaseException) -> str | None:
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return None
    from .problems import describe

    return f"invalid {exc.title}: {describe(exc, whole='(value)')}"


@functools.cache
def _library_directories() -> tuple[str, ...]:
    """The folders of wijkteamkit itself, pluggy, pydantic and pydantic-core."""
    import pluggy
    import pydantic
    import pydantic_core

    folders = [Path(__file__).parent]
    folders += [Path(m.__file__ or "").parent for m in (pluggy, pydantic, pydantic_core)]
    return tuple(str(f) for f in folders)


@functools.cache
def _standard_library() -> tuple[str, tuple[str, ...]]:
    """The standard library's folder, and the site-packages folders (which may lie inside it)."""
    import sysconfig

    paths = sysconfig.get_paths()
    return paths["stdlib"], (paths["purelib"], paths["platlib"])


def _library_frame(filename: str) -> bool:
    """Whether a traceback frame is in wijkteamkit, pydantic, pluggy or the standard library
    (a plugin installed in the interpreter's own site-packages is not)."""
    if filename.startswith(("<frozen", *_library_directories())):
        return True
    stdlib, site = _standard_library()
    return filename.startswith(stdlib) and not filename.startswith(site)
