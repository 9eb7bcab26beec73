"""Plugins written as data: read a TOML plugin file into a plugin object with hook functions.

The file is a :data:`~wijkteamkit.domain.PluginDocument`. Each entry is validated on its own
(an entry with ``remove`` is a :class:`~wijkteamkit.domain.Remove`, else the collection's
model), so every problem of the file is reported at once, each with its key path
(``teams[1].members[0].hours``) and, best effort, the line it is on. The plugin object's
``wijkteamkit_<collection>()`` functions return the validated items, so a TOML plugin is
registered, merged and validated exactly like a Python plugin.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ValidationError

from .domain import COLLECTIONS, ConsentPolicy, Municipality, PluginDocument, Remove
from .domain.document import FORMAT_VERSION
from .plugins import LoadError

_SINGLE: dict[str, type[BaseModel]] = {
    "municipality": Municipality,
    "consent_policy": ConsentPolicy,
}
_MODELS = {c.name: c.model for c in COLLECTIONS}
_SYNTAX_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")

Path_ = tuple[str | int, ...]


class PluginFileError(Exception):
    """A TOML plugin that cannot be used; ``errors`` holds one :class:`LoadError` per problem."""

    def __init__(self, errors: Sequence[LoadError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def read_plugin(path: Path) -> object:
    """The plugin object of the TOML plugin file at ``path``.

    Raises :class:`PluginFileError` naming the file, the key path and the line of each problem.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PluginFileError([LoadError(f"file {path}", f"cannot be read: {exc}")]) from exc
    return parse_plugin(text, f"file {path}", str(path))


def parse_plugin(text: str, label: str, filename: str, where: str = "") -> object:
    """The plugin object of TOML ``text``; problems are :class:`LoadError` s of ``label``.

    ``where`` prefixes each line number (``"zwolle.toml "`` for a packaged file).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        place = _SYNTAX_PLACE.search(message)
        at = f"{where}line {place[1]}, column {place[2]}: " if place else where
        reason = _SYNTAX_PLACE.sub("", message)
        raise PluginFileError([LoadError(label, f"{at}TOML syntax error: {reason}")]) from exc
    lines = _Lines(text.splitlines(), where)
    problems: list[LoadError] = []
    hooks: dict[str, Any] = {}
    known = sorted(PluginDocument.model_fields)
    for key, value in data.items():
        if key == "format":
            _check_format(value, label, lines, problems)
        elif key in _SINGLE:
            hooks[key] = _validate(_SINGLE[key], value, (key,), label, lines, problems)
        elif key in _MODELS:
            hooks[key] = _collection(key, value, label, lines, problems)
        else:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                LoadError(
                    label,
                    f"{lines.at((key,))}unknown key {key!r}{hint} (known: {', '.join(known)})",
                )
            )
    if problems:
        raise PluginFileError(problems)
    return _plugin_object(filename, hooks)


def _check_format(value: Any, label: str, lines: _Lines, problems: list[LoadError]) -> None:
    if type(value) is not int or value != FORMAT_VERSION:
        problems.append(
            LoadError(
                label,
                f"{lines.at(('format',))}format: is {value!r}, but this version of wijkteamkit "
                f"reads format {FORMAT_VERSION}; write format = {FORMAT_VERSION}",
            )
        )


def _collection(
    name: str, value: Any, label: str, lines: _Lines, problems: list[LoadError]
) -> list[BaseModel]:
    if not isinstance(value, list):
        problems.append(
            LoadError(label, f"{lines.at((name,))}{name}: expected an array of tables ([[{name}]])")
        )
        return []
    items: list[BaseModel] = []
    for index, entry in enumerate(value):
        model = Remove if isinstance(entry, dict) and "remove" in entry else _MODELS[name]
        item = _validate(model, entry, (name, index), label, lines, problems)
        if item is not None:
            items.append(item)
    return items


def _validate(
    model: type[BaseModel],
    value: Any,
    path: Path_,
    label: str,
    lines: _Lines,
    problems: list[LoadError],
) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        problems += _errors(exc, path, label, lines)
        return None


def _errors(exc: ValidationError, path: Path_, label: str, lines: _Lines) -> list[LoadError]:
    found = []
    for error in exc.errors(include_input=False, include_url=False):
        where = (*path, *error["loc"])
        found.append(LoadError(label, f"{lines.at(where)}{key_path(where)}: {error['msg']}"))
    return found


def key_path(parts: Path_) -> str:
    """``teams[1].members[0].hours`` for ``("teams", 1, "members", 0, "hours")``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(document)"


class _Lines:
    """Best-effort line numbers of key paths: the Nth ``[[name]]`` header, then each key."""

    def __init__(self, lines: list[str], where: str) -> None:
        self.lines = lines
        self.where = where

    def at(self, path: Path_) -> str:
        line = self.find(path)
        return f"{self.where}line {line}: " if line else self.where

    def find(self, path: Path_) -> int | None:
        if not path or not isinstance(path[0], str):
            return None
        top = path[0]
        header = re.compile(rf"^\s*\[\[?\s*{re.escape(top)}\s*\]\]?\s*(#.*)?$")
        assign = re.compile(rf"^\s*{re.escape(top)}\s*=")
        starts = [n for n, text in enumerate(self.lines) if header.match(text)]
        index = path[1] if len(path) > 1 and isinstance(path[1], int) else 0
        if index < len(starts):
            current = starts[index]
        else:
            current = next((n for n, t in enumerate(self.lines) if assign.match(t)), -1)
            if current < 0:
                return None
        end = next(
            (n for n, t in enumerate(self.lines) if n > current and _is_header_of_other(t, top)),
            len(self.lines),
        )
        for part in path[1:]:
            if isinstance(part, int):
                continue
            key = re.compile(rf"(^|[\s{{,.\[])\"?{re.escape(part)}\"?\s*(=|\])")
            step = next((n for n in range(current, end) if key.search(self.lines[n])), None)
            if step is None:
                break
            current = step
        return current + 1


def _is_header_of_other(text: str, top: str) -> bool:
    stripped = text.strip()
    if not stripped.startswith("["):
        return False
    name = stripped.strip("[]").split("#")[0].strip("[] ")
    return name == top or not name.startswith(f"{top}.")


def _plugin_object(filename: str, data: dict[str, Any]) -> ModuleType:
    plugin = ModuleType(f"wijkteamkit_toml:{filename}", f"A TOML plugin ({filename}).")
    plugin.__file__ = filename
    for name, value in data.items():
        if value is not None:
            setattr(plugin, f"wijkteamkit_{name}", _hook(f"wijkteamkit_{name}", value))
    return plugin


def _hook(name: str, value: Any) -> Callable[[], Any]:
    def hook() -> Any:
        return value

    hook.__name__ = hook.__qualname__ = name
    return hook
