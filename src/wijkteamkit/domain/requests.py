"""Input for Wmo 2015 requests: a report (melding) for a provision, then each later step."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, StrictInt, model_validator

from .common import EARLIEST, LATEST, CaseInput, Key
from .terms import RequestStep


def _plausible(value: date) -> date:
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"lies outside {EARLIEST} to {LATEST}; give the real date")
    return value


StepDate = Annotated[date, AfterValidator(_plausible)]
"""The day a step happened (the law counts terms in days)."""


class Decision(StrEnum):
    """What the beschikking decided."""

    GRANTED = "granted"
    REFUSED = "refused"


class RequestIn(CaseInput):
    """A report (melding) that a household needs a maatwerkvoorziening, made on ``reported_on``."""

    household: StrictInt
    provision: Key
    reported_on: StepDate


class StepIn(CaseInput):
    """A later step of request ``request``: the investigation done, the application made, or the
    decision taken (with ``decision``), on the day ``on``."""

    request: StrictInt
    step: RequestStep
    on: StepDate
    decision: Decision | None = None

    @model_validator(mode="after")
    def _decision_with_decision(self) -> StepIn:
        if self.step is RequestStep.REPORT:
            raise ValueError("a report starts a request; record it with report_request")
        if (self.step is RequestStep.DECISION) != (self.decision is not None):
            raise ValueError(
                "give decision (granted or refused) with the decision step, and only with it"
            )
        return self
