"""What a synthetic caseload run wrote, counted as it was written."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Summary:
    """Counts of everything written, for the command's text and JSON output."""

    municipality: str
    seed: int
    households: int = 0
    signals: Counter[str] = field(default_factory=Counter)
    """Per reporter kind."""
    teams: Counter[str] = field(default_factory=Counter)
    """Signals per team, as the engine routed them."""
    single_questions: int = 0
    assessments: int = 0
    consents: int = 0
    plans: int = 0
    final_plans: int = 0
    proposed: int = 0
    confirmed: int = 0
    rejected: int = 0
    ended: int = 0
    closed: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        """Households written per second of the run."""
        return self.households / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data (keys sorted within each count)."""
        return {
            "municipality": self.municipality,
            "seed": self.seed,
            "households": self.households,
            "signals": {"total": sum(self.signals.values()), **dict(sorted(self.signals.items()))},
            "signals_per_team": dict(sorted(self.teams.items())),
            "single_questions": self.single_questions,
            "assessments": self.assessments,
            "consents": self.consents,
            "plans": {"drafted": self.plans, "final": self.final_plans},
            "escalations": {
                "proposed": self.proposed,
                "confirmed": self.confirmed,
                "rejected": self.rejected,
                "ended": self.ended,
                "still_proposed": self.proposed - self.confirmed - self.rejected,
            },
            "closed": self.closed,
            "seconds": round(self.seconds, 3),
            "households_per_second": round(self.per_second, 1),
        }
