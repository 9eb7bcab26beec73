"""Statutory terms: how long a step of a Wmo 2015 request may take after the step before.

A request for a maatwerkvoorziening goes through four steps in order: the report (melding), the
investigation (onderzoek), the application (aanvraag) and the decision (beschikking). A term runs
from the date of one step to the date of a later one (the investigation within six weeks of the
report, art. 2.3.2 Wmo 2015; the decision within two weeks of the application, art. 2.3.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pydantic import Field, model_validator

from .common import Item, Key, NonEmptyText, Period


class RequestStep(StrEnum):
    """The steps of a Wmo 2015 request, in the order they happen."""

    REPORT = "report"
    INVESTIGATION = "investigation"
    APPLICATION = "application"
    DECISION = "decision"

    @property
    def dutch(self) -> str:
        """The word the law uses: melding, onderzoek, aanvraag, beschikking."""
        return _DUTCH[self]

    @property
    def position(self) -> int:
        """0 for the report, 3 for the decision."""
        return STEPS.index(self)


STEPS: tuple[RequestStep, ...] = tuple(RequestStep)
"""Every step, in order."""

_DUTCH = {
    RequestStep.REPORT: "melding",
    RequestStep.INVESTIGATION: "onderzoek",
    RequestStep.APPLICATION: "aanvraag",
    RequestStep.DECISION: "beschikking",
}


class TermUnit(StrEnum):
    """What a term's length counts."""

    DAYS = "days"
    WEEKS = "weeks"


class StatutoryTerm(Item, Period):
    """A term from one step of a request to a later one, valid for a period.

    The period is when the term applies, judged on the date of the step that starts it: the
    national terms of the Wmo 2015 apply from 2015-01-01 only. A municipality may promise a
    shorter term under the same key, never a longer one (validation: ``statutory-term-longer``).
    """

    name: NonEmptyText
    """What the term is, in one line."""
    from_step: RequestStep
    """The step of a request that starts the term."""
    to_step: RequestStep
    """The step that must follow within the term."""
    length: int = Field(ge=1, le=3650)
    """How long the term is, in unit."""
    unit: TermUnit = TermUnit.WEEKS
    """What length counts."""
    law: Key | None = None
    """The key of the law that sets the term."""
    article: str | None = None
    """The article of that law."""

    @model_validator(mode="after")
    def _forward(self) -> StatutoryTerm:
        if self.to_step.position <= self.from_step.position:
            raise ValueError(
                f"a term runs forward: to_step {self.to_step.value!r} does not come after "
                f"from_step {self.from_step.value!r} (report, investigation, application, "
                "decision)"
            )
        return self

    @property
    def days(self) -> int:
        """The term's length in days."""
        return self.length * 7 if self.unit is TermUnit.WEEKS else self.length

    def due(self, started: date) -> date:
        """The last day on which the closing step is on time, for a term started on ``started``."""
        return started + timedelta(days=self.days)

    def describe(self) -> str:
        """``6 weeks from report to investigation (art. 2.3.2)``."""
        unit = self.unit.value if self.length != 1 else self.unit.value[:-1]
        text = f"{self.length} {unit} from {self.from_step.value} to {self.to_step.value}"
        return f"{text} ({self.article})" if self.article else text


class TermState(StrEnum):
    """Where a request stands against one term, on a given day."""

    OVERDUE = "overdue"
    """The closing step has not happened and its last day has passed."""
    DUE_SOON = "due-soon"
    """The closing step has not happened; its last day is within the warning window."""
    ON_TIME = "on-time"
    """The closing step has not happened; there is time left."""
    MET = "met"
    """The closing step happened on or before its last day."""
    MET_LATE = "met-late"
    """The closing step happened after its last day."""


ALERT_STATES = frozenset({TermState.OVERDUE, TermState.DUE_SOON})
"""The states a deadlines list shows."""


@dataclass(frozen=True, slots=True)
class Deadline:
    """One term of one request: when it started, its last day, when it was met, its state."""

    term: str
    from_step: RequestStep
    to_step: RequestStep
    started: date
    due: date
    done: date | None
    state: TermState
    article: str | None


def deadlines_of(
    steps: Mapping[RequestStep, date | None],
    terms: Iterable[StatutoryTerm],
    on: date,
    within: int = 7,
) -> tuple[Deadline, ...]:
    """The terms that apply to a request whose steps happened on ``steps``, as of the day ``on``.

    A term applies when its starting step has happened by ``on`` and the term is valid on the
    day it happened (the Wmo 2015's terms from 2015-01-01 only). A step dated after ``on`` has
    not happened yet as of ``on``. A closing step still to come is ``overdue`` after the last
    day, ``due-soon`` when the last day is at most ``within`` days away, else ``on-time``.
    """
    if within < 0:
        raise ValueError(f"within must be 0 days or more, not {within}")
    happened = {step: day for step, day in steps.items() if day is not None and day <= on}
    found: list[Deadline] = []
    for term in terms:
        started = happened.get(term.from_step)
        if started is None or not term.contains(started):
            continue
        due = term.due(started)
        done = happened.get(term.to_step)
        found.append(
            Deadline(
                term=term.key,
                from_step=term.from_step,
                to_step=term.to_step,
                started=started,
                due=due,
                done=done,
                state=_state(due, done, on, within),
                article=term.article,
            )
        )
    return tuple(sorted(found, key=lambda d: (d.due, d.term)))


def _state(due: date, done: date | None, on: date, within: int) -> TermState:
    if done is not None:
        return TermState.MET if done <= due else TermState.MET_LATE
    if on > due:
        return TermState.OVERDUE
    return TermState.DUE_SOON if (due - on).days <= within else TermState.ON_TIME
