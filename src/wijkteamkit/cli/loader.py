"""Loading one municipality for a command, with one-line errors."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import database_option, fail

if TYPE_CHECKING:
    from ..domain.case import Role
    from ..engine.casework import CaseSession, Casework
    from ..loading import LoadedMunicipality


def load_one(municipality: str, plugin_files: list[Path] | None) -> LoadedMunicipality:
    """:func:`wijkteamkit.loading.load_one`, with its two failures as one-line errors (exit 2)."""
    from .. import loading

    try:
        return loading.load_one(municipality, plugin_files or [])
    except loading.UnknownMunicipality as exc:
        fail(str(exc), kind="unknown-municipality")
    except loading.MunicipalityLoadError as exc:
        fail("could not load the setup: " + "; ".join(str(e) for e in exc.errors), kind="load")


def open_casework(municipality: str, url: str, plugin_files: list[Path] | None) -> Casework:
    """The engine for ``municipality`` on the database at ``url`` (created or migrated), or a
    one-line error and exit 2."""
    from ..engine.casework import Casework
    from ..store.database import DatabaseError, open_database

    loaded = load_one(municipality, plugin_files)
    try:
        return Casework(open_database(url), loaded)
    except DatabaseError as exc:
        fail(str(exc), kind="database")


@contextmanager
def command_session(
    loaded: LoadedMunicipality, database: str | None, role: Role, actor_id: str, command: str
) -> Iterator[CaseSession]:
    """The engine on the existing database (``--database``, else the environment's; never
    created) acting as the command's own account ``actor_id`` with ``role`` in ``loaded``'s
    municipality; the database is closed afterwards. A database that cannot be used is the
    caller's to report (the ``open_existing`` error reaches the command's error guard)."""
    from ..domain.case import Actor
    from ..engine.casework import Casework
    from ..store.database import database_url, open_existing

    engine = open_existing(database_option(database) or database_url())
    try:
        account = Actor(
            id=actor_id,
            role=role,
            municipality=loaded.setup.code,
            organisation=f"wijkteamkit {command}",
        )
        yield Casework(engine, loaded).as_actor(account)
    finally:
        engine.dispose()


def behaviour_hook(
    loaded: LoadedMunicipality, name: str, check: Callable[[Any], object]
) -> Callable[..., Any]:
    """The firstresult behaviour hook ``name``, called as pluggy would, naming a failing plugin.

    A plugin that raises (``SystemExit`` included) or answers something ``check`` refuses
    (``ValueError`` or ``TypeError``) stops the command with a one-line ``plugin`` error (exit
    2) naming it. With a hook wrapper registered, pluggy calls the hook unchanged.
    """
    from ..interrupts import plugin_failure

    caller = getattr(loaded.plugins.manager.hook, name)
    labels = {r.name: r.source.label for r in loaded.plugins.plugins}

    def call(**kwargs: Any) -> Any:
        implementations = list(reversed(caller.get_hookimpls()))  # pluggy's calling order
        if any(i.hookwrapper or i.wrapper for i in implementations):
            return caller(**kwargs)
        for impl in implementations:
            label = labels.get(impl.plugin_name, impl.plugin_name)
            try:
                answer = impl.function(*(kwargs[arg] for arg in impl.argnames))
            except BaseException as exc:  # a plugin may not end the command
                if not plugin_failure(exc):
                    raise
                frames = traceback.extract_tb(exc.__traceback__)
                place = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
                fail(
                    f"plugin {label}, hook {name}: raised {type(exc).__name__}{place}; "
                    "fix the plugin or leave it out",
                    kind="plugin",
                )
            if answer is None:
                continue
            try:
                check(answer)
            except (ValueError, TypeError):
                fail(
                    f"plugin {label}, hook {name}: returned an unusable "
                    f"{type(answer).__name__}; see docs/hooks.md for what the hook returns",
                    kind="plugin",
                )
            return answer
        return None

    return call
