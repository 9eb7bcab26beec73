"""Commands loaded on first use: a run imports and builds only the command it invokes.

Typer builds the whole click command tree (every command's parameters, from every command
module) before it parses anything; here the root group holds a table of ``name ->
"module:attribute"`` instead, and builds one entry when click asks for it. ``--help`` lists the
commands from the table's summaries, so it imports none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class Lazy:
    """Where a command lives and what ``--help`` says of it."""

    target: str
    """``module:attribute`` in :mod:`wijkteamkit.cli`: a command function or a ``typer.Typer``."""
    summary: str
    """The first sentence of the command's help (a test keeps the two alike)."""


class LazyCommands(MutableMapping[str, Any]):
    """A group's commands by name, each built from its :class:`Lazy` entry on first access."""

    def __init__(self, table: Mapping[str, Lazy], rich_markup_mode: Any) -> None:
        self._table = table
        self._markup = rich_markup_mode
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._build(name, self._table[name])
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("the CLI's commands cannot be removed")

    def __iter__(self) -> Iterator[str]:
        yield from self._table
        yield from (name for name in self._built if name not in self._table)

    def __len__(self) -> int:
        return len(self._table.keys() | self._built.keys())

    def _build(self, name: str, entry: Lazy) -> Any:
        """The click command of ``entry``, built as ``Typer.command`` or ``add_typer`` builds it."""
        module, attribute = entry.target.split(":")
        target = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
        holder = typer.Typer(rich_markup_mode=self._markup)
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=name)
        else:
            holder.command(name)(target)
        return typer.main.get_group(holder).commands[name]


class LazyGroup(TyperGroup):
    """A group whose commands are :attr:`lazy_commands`, loaded as :class:`LazyCommands`."""

    lazy_commands: ClassVar[Mapping[str, Lazy]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.lazy_commands, self.rich_markup_mode)

    def list_commands(self, ctx: Any) -> list[str]:
        """The commands' names in the table's order, without building them."""
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """List the commands with their summaries from the table, importing none of them."""
        rows = list(self.lazy_commands.items())
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        with formatter.section("Commands"):
            formatter.write_dl([(name, _short_help(entry.summary, limit)) for name, entry in rows])


def _short_help(summary: str, limit: int) -> str:
    """What a group's command list shows of a command whose help starts with ``summary``."""
    return str(TyperCommand(name=None, help=summary).get_short_help_str(limit))
