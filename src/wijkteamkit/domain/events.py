"""Events the casework engine announces after a change is committed, for embedding systems."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from .common import CbsCode, Key, Model


class Event(Model):
    """What every event carries: where, when, which household, who acted."""

    municipality: CbsCode
    household: int
    at: datetime
    actor: str


class SignalReceived(Event):
    """A signal was received and routed to ``team``."""

    signal: int
    reporter: str
    team: Key


class PlanFinalised(Event):
    """A plan became final; ``case_director`` holds the case."""

    plan: int
    case_director: str


class Escalated(Event):
    """The team leader confirmed an escalation: lead transferred, or the case shared (referral)."""

    escalation: int
    target: Key
    handover: Literal["transfer", "referral"]
    responsible: str
    legal_basis: Key | None = None


class DeEscalated(Event):
    """An escalation ended; the lead is back with ``lead``."""

    escalation: int
    target: Key
    lead: str


class ConsentChanged(Event):
    """A consent was given or withdrawn."""

    consent: int
    change: Literal["given", "withdrawn"]


class DisclosureDecided(Event):
    """A disclosure was decided, permit or deny."""

    recipient: str
    purpose: str
    outcome: Literal["permit", "deny"]
    reason: str
    basis: str | None = None
