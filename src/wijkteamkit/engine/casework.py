"""The casework engine: the work process on a real database, for one municipality.

Every operation runs as one transaction on behalf of an :class:`~wijkteamkit.domain.case.Actor`
and is audited; if it raises, nothing of it was written. Queries filter on the actor's
municipality, so nothing of another municipality is ever returned. Events are announced through
the event hooks after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from sqlalchemy import Engine

from ..domain import MunicipalitySetup
from ..domain.case import (
    Actor,
)
from ..domain.events import (
    Event,
)
from ..loading import LoadedMunicipality, MunicipalityLoadError, load
from ..store import audit
from ..store.database import IMMEDIATE, open_database
from .access import AccessOps
from .assessments import AssessmentOps
from .consent import DisclosurePolicy
from .consents import ConsentOps
from .errors import (
    AccessDenied,
)
from .escalations import EscalationOps
from .plans import PlanOps
from .queries import QueryOps
from .results import HookFailure, call_event_hook
from .session import utc_now
from .signals import SignalOps


class Casework:
    """The engine for one municipality: its merged setup, its plugin manager, one database.

    Open it with :meth:`open`; act through :meth:`as_actor`.
    """

    def __init__(
        self, engine: Engine, loaded: LoadedMunicipality, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.engine = engine
        self.writer = engine.execution_options(**IMMEDIATE)
        """The engine as operations use it: on SQLite each transaction begins ``IMMEDIATE``."""
        self.loaded = loaded
        self.setup: MunicipalitySetup = loaded.setup
        self.policy = DisclosurePolicy.from_setup(self.setup)
        self.clock = clock

    @classmethod
    def open(
        cls,
        municipality: str,
        url: str | None = None,
        plugin_files: Sequence[str | Path] = (),
        clock: Callable[[], datetime] = utc_now,
    ) -> Casework:
        """Load the municipality's setup and open (creating or migrating) the database."""
        report = load([municipality], plugin_files)
        if not report.loaded or report.errors:
            raise MunicipalityLoadError(report.errors)
        return cls(open_database(url), report.loaded[0], clock)

    def as_actor(self, actor: Actor) -> CaseSession:
        """Work on behalf of ``actor``, who must belong to this municipality and one of its teams.

        A refusal is audited in this municipality's chain (with the municipality the actor
        claimed) and raised as :class:`AccessDenied` (rule ``tenant``).
        """
        if actor.municipality != self.setup.code:
            self._refuse_tenant(
                actor,
                f"{actor.id} acts for {actor.municipality}, not {self.setup.code}",
                {"claimed_municipality": actor.municipality},
            )
        if actor.team is not None and self.setup.get("teams", actor.team) is None:
            self._refuse_tenant(
                actor,
                f"{actor.team!r} is not a team of {self.setup.municipality.name}",
                {"claimed_team": actor.team},
            )
        return CaseSession(self, actor)

    def _refuse_tenant(self, actor: Actor, message: str, detail: dict[str, str]) -> NoReturn:
        here = actor.model_copy(update={"municipality": self.setup.code, "team": None})
        with CaseSession(self, here)._transaction() as db:
            audit.append(
                db,
                here,
                "access.refused",
                self.clock(),
                detail=detail,
                outcome="deny",
                reason="tenant",
            )
        raise AccessDenied(message, rule="tenant")

    def announce(self, hook: str, event: Event) -> list[HookFailure]:
        """Call every implementation of an event hook (after the change was committed).

        An implementation that raises does not stop the others: it is logged and returned.
        """
        return call_event_hook(self.loaded.plugins.manager, hook, self.setup, event)


class CaseSession(
    SignalOps, AssessmentOps, ConsentOps, PlanOps, EscalationOps, AccessOps, QueryOps
):
    """Every casework operation on behalf of one actor (see the modules it combines)."""
