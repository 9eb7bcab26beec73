"""What a write operation returns, and event hooks that fail after the change was committed.

Events are announced after commit, so a hook that raises cannot undo the change: calling it an
error would make the caller believe the operation failed (and a retry would do it twice). Each
implementation of an event hook is called on its own; one that raises is logged (hook, plugin,
exception class; never the exception's text, which may carry case data), reported as a
:class:`HookFailure` in the operation's result, and the remaining implementations still run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pluggy import PluginManager
from pydantic import BaseModel, ConfigDict

from ..domain import MunicipalitySetup
from ..domain.events import Event
from .consent import Decision

log = logging.getLogger("wijkteamkit.engine")


class HookFailure(BaseModel):
    """An event hook implementation raised after its operation had committed."""

    model_config = ConfigDict(frozen=True)

    hook: str
    plugin: str
    error: str
    """The exception's class name (its text is not kept: it may carry case data)."""
    message: str


@dataclass(frozen=True, kw_only=True)
class OperationResult:
    """The result of a write operation: it committed; ``hook_failures`` lists event hooks that
    raised afterwards (empty when every hook ran cleanly)."""

    hook_failures: tuple[HookFailure, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SignalReceipt(OperationResult):
    """A received signal: its household (new or known), the signal's id and the team it was
    routed to (``None`` only for a signal stored before signals kept their team).

    Unpacks as ``household, signal = session.receive_signal(...)``.
    """

    household: int
    signal: int
    team: str | None

    def __iter__(self) -> Iterator[int]:
        return iter((self.household, self.signal))


@dataclass(frozen=True, kw_only=True)
class ConsentReceipt(OperationResult):
    """A recorded consent: its id."""

    consent: int


@dataclass(frozen=True, kw_only=True)
class DisclosureResult(OperationResult):
    """A decided disclosure (recorded and audited, permit or deny)."""

    decision: Decision


def call_event_hook(
    manager: PluginManager, hook: str, setup: MunicipalitySetup, event: Event
) -> list[HookFailure]:
    """Call every implementation of event hook ``hook``; return those that raised.

    Implementations run in pluggy's order. ``SystemExit`` from a plugin is a failure too;
    ``KeyboardInterrupt`` is the user's and propagates.
    """
    arguments: dict[str, Any] = {"setup": setup, "event": event}
    failures: list[HookFailure] = []
    for implementation in reversed(getattr(manager.hook, hook).get_hookimpls()):
        try:
            implementation.function(*(arguments[name] for name in implementation.argnames))
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - the change is committed
            failure = HookFailure(
                hook=hook,
                plugin=implementation.plugin_name,
                error=type(exc).__name__,
                message=(
                    f"{hook} of plugin {implementation.plugin_name!r} raised "
                    f"{type(exc).__name__} after the change was committed; the change stands"
                ),
            )
            log.warning("%s", failure.message, extra={"hook": hook, "plugin": failure.plugin})
            failures.append(failure)
    return failures
