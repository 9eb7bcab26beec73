"""A typed facade over a municipality's plugin manager, for the engine (as tox 4 wraps pluggy).

Operations never name a hook by string or reach into pluggy: they call
:meth:`Hooks.route_signal` for the behaviour hook and :meth:`Hooks.announce` for every event,
whose hook follows from the event's type (:data:`EVENT_HOOKS`).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..domain import MunicipalitySetup, Signal
from ..domain.events import (
    ConsentChanged,
    DeEscalated,
    DisclosureDecided,
    Escalated,
    Event,
    PlanFinalised,
    SignalReceived,
)
from ..interrupts import plugin_failure, where_raised
from ..manager import MunicipalityPlugins
from .errors import PluginFailure, RuleViolation
from .results import HookFailure, call_event_hook

EVENT_HOOKS: Mapping[type[Event], str] = {
    SignalReceived: "wijkteamkit_signal_received",
    PlanFinalised: "wijkteamkit_plan_finalised",
    Escalated: "wijkteamkit_escalated",
    DeEscalated: "wijkteamkit_de_escalated",
    ConsentChanged: "wijkteamkit_consent_changed",
    DisclosureDecided: "wijkteamkit_disclosure_decided",
}
"""The event hook (hookspecs.py) that announces each kind of event."""


class Hooks:
    """The hooks the engine calls for one municipality's setup."""

    def __init__(self, plugins: MunicipalityPlugins, setup: MunicipalitySetup) -> None:
        self._hook = plugins.manager.hook
        self._manager = plugins.manager
        self._setup = setup

    def route_signal(self, signal: Signal) -> str:
        """The key of the team that serves ``signal`` (``wijkteamkit_route_signal``).

        A plugin that raises is a :class:`PluginFailure`; no team, or an unknown one, is a
        :class:`RuleViolation` (rule ``routing``).
        """
        try:
            team: str | None = self._hook.wijkteamkit_route_signal(setup=self._setup, signal=signal)
        except BaseException as exc:  # a plugin may not end the operation with its own error
            if not plugin_failure(exc):
                raise
            raise PluginFailure(
                f"the routing hook wijkteamkit_route_signal failed: {where_raised(exc)}; "
                "nothing was written; fix the plugin or leave it out"
            ) from None
        if team is None or self._setup.get("teams", team) is None:
            raise RuleViolation(
                f"no team serves postcode {signal.postcode or '?'} in "
                f"{self._setup.municipality.name}; add it to a neighbourhood's postcodes",
                rule="routing",
            )
        return team

    def announce(self, event: Event) -> list[HookFailure]:
        """Call every implementation of the event's hook (after the change was committed);
        return those that raised (the others still ran)."""
        return call_event_hook(self._manager, EVENT_HOOKS[type(event)], self._setup, event)
