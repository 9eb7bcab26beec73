"""The casework engine: the work process on a real database, for one municipality.

Every operation runs as one transaction on behalf of an :class:`~wijkteamkit.domain.case.Actor`
and is audited; if it raises, nothing of it was written. Queries filter on the actor's
municipality, so nothing of another municipality is ever returned. Events are announced through
the event hooks after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from sqlalchemy import Engine

from ..domain import MunicipalitySetup
from ..domain.case import (
    Actor,
)
from ..loading import LoadedMunicipality, load_one
from ..store.database import IMMEDIATE, open_database
from .access import AccessOps
from .assessments import AssessmentOps
from .batch import Batch, open_batch
from .consents import ConsentOps
from .context import Context, Dated, utc_now
from .errors import (
    AccessDenied,
)
from .escalations import EscalationOps
from .grants import GrantOps
from .hooks import Hooks
from .indications import IndicationOps
from .plans import PlanOps
from .policy import DisclosurePolicy
from .queries import QueryOps
from .requests import RequestOps
from .responses import ResponseOps
from .results import HookFailure
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
        self.hooks = Hooks(loaded.plugins, self.setup)
        self.clock = clock
        self._dated: dict[date, Dated] = {}

    def on(self, day: date) -> Dated:
        """The setup as it stands on ``day`` and the disclosure policy of that day, built once
        per date and shared by every actor's transactions (see :meth:`MunicipalitySetup.on`)."""
        dated = self._dated.get(day)
        if dated is None:
            setup = self.setup.on(day)
            dated = self._dated[day] = Dated(setup, DisclosurePolicy.from_setup(self.setup, day))
        return dated

    @classmethod
    def open(
        cls,
        municipality: str,
        url: str | None = None,
        plugin_files: Sequence[str | Path] = (),
        clock: Callable[[], datetime] = utc_now,
    ) -> Casework:
        """Load the municipality's setup with :func:`~wijkteamkit.loading.load_one` and open
        (creating or migrating) the database."""
        return cls(open_database(url), load_one(municipality, plugin_files), clock)

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
        with Context(self, here).transaction("as_actor") as tx:
            tx.audit("access.refused", None, detail=detail, outcome="deny", reason="tenant")
        raise AccessDenied(message, rule="tenant")


class CaseSession:
    """Every casework operation on behalf of one actor.

    Each group of operations lives in its own module and is composed with the actor's
    :class:`~wijkteamkit.engine.context.Context` (transaction, audit, events); this class only
    names them, so each operation is found in one place.
    """

    def __init__(self, casework: Casework, actor: Actor) -> None:
        self.context = Context(casework, actor)
        self.casework = casework
        self.actor = actor
        signals = SignalOps(self.context)
        self.receive_signal = signals.receive_signal
        self.triage = signals.triage
        assessments = AssessmentOps(self.context)
        self.record_assessment = assessments.record_assessment
        consents = ConsentOps(self.context)
        self.record_consent = consents.record_consent
        self.withdraw_consent = consents.withdraw_consent
        self.disclose = consents.disclose
        plans = PlanOps(self.context)
        self.draft_plan = plans.draft_plan
        self.revise_plan = plans.revise_plan
        self.set_case_director = plans.set_case_director
        self.finalise_plan = plans.finalise_plan
        self.close_case = plans.close_case
        responses = ResponseOps(self.context)
        self.respond_to_action = responses.respond_to_action
        grants = GrantOps(self.context)
        self.grant_direct_provision = grants.grant_direct_provision
        escalations = EscalationOps(self.context)
        self.confirm_escalation = escalations.confirm_escalation
        self.reject_escalation = escalations.reject_escalation
        self.de_escalate = escalations.de_escalate
        access = AccessOps(self.context)
        self.read_case = access.read_case
        self.record_access_request = access.record_access_request
        self.export_subject = access.export_subject
        self.erase_household = access.erase_household
        queries = QueryOps(self.context)
        self.households = queries.households
        self.open_escalations = queries.open_escalations
        self.find_by_bsn = queries.find_by_bsn
        self.audit_log = queries.audit_log
        indications = IndicationOps(self.context)
        self.record_indication = indications.record_indication
        self.record_indications = indications.record_indications
        self.indications_ending = indications.indications_ending
        requests = RequestOps(self.context)
        self.report_request = requests.report_request
        self.record_request_step = requests.record_request_step
        self.deadlines = requests.deadlines

    @property
    def hook_failures(self) -> tuple[HookFailure, ...]:
        """The event hooks that raised after the last operation's commit (reads included)."""
        return self.context.hook_failures

    def batch(self) -> AbstractContextManager[Batch]:
        """Many items of the write operations in one transaction: ``with session.batch() as
        batch: batch.draft_plans([...])`` (see :mod:`wijkteamkit.engine.batch`)."""
        return open_batch(self.context)
