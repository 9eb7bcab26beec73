"""Helpers for the engine tests: a controllable clock, actors, and valid inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from wijkteamkit.domain.case import Actor, AssessmentIn, ConsentIn, HouseholdIn, PersonIn

T0 = datetime(2016, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A controllable clock: tests move time forward explicitly."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def actor(
    role: str = "worker",
    person: str = "Anna",
    team: str | None = "team-centrum",
    municipality: str = "GM0001",
    household: int | None = None,
) -> Actor:
    return Actor(
        id=person,
        role=role,
        municipality=municipality,
        organisation="Welzijn Teststad",
        team=team,
        household=household,
    )


HOUSEHOLD = HouseholdIn(
    postcode="1234 AB",
    members=(PersonIn(role="head", birth_date=date(1970, 5, 1), bsn="111222333"),),
)

PROBLEMS = {"financien": 1, "huisvesting": 2, "sociaal-netwerk": 2, "justitie": 5}
ALL_DOMAINS = frozenset(PROBLEMS)


def assessment(scores: dict[str, int] | None = None, **fields: object) -> AssessmentIn:
    return AssessmentIn(scores=scores or PROBLEMS, held_at=T0, **fields)  # type: ignore[arg-type]


def consent(
    household: int,
    recipients: set[str] | None = None,
    scope: frozenset[str] = ALL_DOMAINS,
    **fields: object,
) -> ConsentIn:
    base: dict[str, object] = {
        "subject": household,
        "purpose": "casework",
        "recipients": recipients or {"team-centrum", "regieteam"},
        "scope": scope,
        "valid_from": T0,
        "form": "written",
    }
    return ConsentIn.model_validate({**base, **fields})
