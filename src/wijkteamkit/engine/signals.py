"""Receiving signals, routing them to a team, and triage."""

from __future__ import annotations

from ..domain import Signal
from ..domain.case import (
    HouseholdIn,
)
from ..domain.events import (
    SignalReceived,
)
from ..store.tables import (
    HouseholdRow,
    PersonRow,
    SignalRow,
)
from .errors import (
    AccessDenied,
    RuleViolation,
)
from .process import (
    SIGNAL,
    CaseState,
    SignalState,
)
from .session import TEAM_ROLES, SessionBase


class SignalOps(SessionBase):
    """Receiving signals, routing them to a team, and triage."""

    def receive_signal(self, signal: Signal, household: HouseholdIn | int) -> tuple[int, int]:
        """Record a signal about a new or known household and route it to a team.

        Returns ``(household id, signal id)``. The routing hook picks the team of the household's
        neighbourhood; a signal that no team serves is refused.
        """
        if self.actor.role not in TEAM_ROLES:
            raise AccessDenied(f"a {self.actor.role.value} does not receive signals", rule="role")
        with self._transaction() as db:
            if isinstance(household, HouseholdIn):
                routed = signal.model_copy(
                    update={"postcode": signal.postcode or household.postcode}
                )
                team = self._route(routed)
                row = HouseholdRow(
                    municipality=self.actor.municipality,
                    neighbourhood=self._team_neighbourhood(team),
                    team=team,
                    postcode=household.postcode.replace(" ", ""),
                    case_state=CaseState.SIGNALLED,
                    created_at=self._now(),
                )
                db.add(row)
                db.flush()
                assert row.id is not None
                for person in household.members:
                    db.add(
                        PersonRow(
                            municipality=self.actor.municipality,
                            household_id=row.id,
                            **person.model_dump(),
                        )
                    )
            else:
                row = self._household(db, household)
                team = row.team or self._route(
                    signal.model_copy(update={"postcode": signal.postcode or row.postcode})
                )
                if row.case_state in (CaseState.ANSWERED, CaseState.CLOSED):
                    self._move(row, CaseState.SIGNALLED)
                    row.closed_at = None
            unknown = sorted(signal.indicators - {i.key for i in self.setup.indicators})
            if unknown:
                raise RuleViolation(
                    f"unknown indicator(s) {', '.join(unknown)}; known: "
                    f"{', '.join(sorted(i.key for i in self.setup.indicators))}",
                    rule="indicator",
                )
            assert row.id is not None
            record = SignalRow(
                municipality=self.actor.municipality,
                household_id=row.id,
                reporter=signal.reporter.value,
                received_at=signal.received_at,
                summary=signal.summary,
                indicators=sorted(signal.indicators),
                team=team,
                state=SignalState.RECEIVED,
            )
            db.add(record)
            db.flush()
            assert record.id is not None
            self._audit(
                db,
                "signal.received",
                row.id,
                detail={"signal": record.id, "reporter": record.reporter, "team": team},
            )
            household_id, signal_id = row.id, record.id
        self._announce(
            "wijkteamkit_signal_received",
            SignalReceived(
                municipality=self.actor.municipality,
                household=household_id,
                at=self._now(),
                actor=self.actor.id,
                signal=signal_id,
                reporter=signal.reporter.value,
                team=team,
            ),
        )
        return household_id, signal_id

    def _route(self, signal: Signal) -> str:
        hook = self.casework.loaded.plugins.manager.hook.wijkteamkit_route_signal
        team: str | None = hook(setup=self.setup, signal=signal)
        if team is None or self.setup.get("teams", team) is None:
            raise RuleViolation(
                f"no team serves postcode {signal.postcode or '?'} in {self.setup.municipality.name}; "
                "add it to a neighbourhood's postcodes",
                rule="routing",
            )
        return team

    def _team_neighbourhood(self, team: str) -> str | None:
        found = self.setup.get("teams", team)
        return getattr(found, "neighbourhood", None)

    def triage(self, signal_id: int, integral: bool) -> None:
        """Triage a signal: a single question answered at once, or integral (a home visit)."""
        with self._transaction() as db:
            signal = self._get(db, SignalRow, signal_id, "signal")
            household = self._household(db, signal.household_id)
            self._require_team(db, household)
            SIGNAL.check(signal.state, SignalState.TRIAGED, f"signal {signal_id}")
            signal.state = SignalState.TRIAGED
            signal.triage = "integral" if integral else "single"
            self._move(household, CaseState.HOME_VISIT if integral else CaseState.ANSWERED)
            self._audit(
                db,
                "signal.triaged",
                household.id,
                detail={"signal": signal_id, "triage": signal.triage},
            )
