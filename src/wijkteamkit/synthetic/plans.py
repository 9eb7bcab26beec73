"""Synthetic plans: a goal per problem domain, an action on the covenant's ladder for each.

The rung is not labelled: the engine derives it from who acts and the provision used
(:mod:`wijkteamkit.engine.ladder`); a plan with a maatwerkvoorziening considers every lower rung.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from ..domain import MunicipalitySetup
from ..domain.case import LOWER_RUNGS, ActionBy, PlanAction, PlanGoal, PlanIn, Rung
from ..domain.funding import ProvisionKind

RUNGS = (
    (Rung.OWN_STRENGTH, 0.3),
    (Rung.NETWORK, 0.25),
    (Rung.ALGEMENE_VOORZIENING, 0.3),
    (Rung.MAATWERKVOORZIENING, 0.15),
)
"""How often an action sits on each rung of the ladder."""

BY: Mapping[Rung, tuple[ActionBy, ...]] = {
    Rung.OWN_STRENGTH: (ActionBy.SELF,),
    Rung.NETWORK: (ActionBy.NETWORK, ActionBy.INFORMAL_CARER, ActionBy.VOLUNTEER),
    Rung.ALGEMENE_VOORZIENING: (ActionBy.PROFESSIONAL,),
    Rung.MAATWERKVOORZIENING: (ActionBy.PROFESSIONAL,),
}
"""Who acts on each rung: without a provision a professional's action is the team's own work
(an algemene voorziening); on the top rung they deliver a maatwerkvoorziening."""

MAX_GOALS = 4


def maatwerk(setup: MunicipalitySetup) -> tuple[str, ...]:
    """The keys of the setup's tailored provisions (maatwerkvoorzieningen)."""
    return tuple(p.key for p in setup.provisions if p.kind is ProvisionKind.MAATWERK)


def plan(rng: random.Random, scores: Mapping[str, int], provisions: Sequence[str]) -> PlanIn:
    """A plan for the household's problem domains (its lowest-scored domain when it has none)."""
    ranked = sorted(scores, key=lambda d: (scores[d], d))
    domains = [d for d in ranked if scores[d] <= 2][:MAX_GOALS] or ranked[:1]
    goals, actions = [], []
    uses_maatwerk = False
    for domain in domains:
        goals.append(PlanGoal(domain=domain, goal=f"[synthetisch] weer op orde: {domain}"))
        rung = rng.choices([r for r, _ in RUNGS], [w for _, w in RUNGS])[0]
        if rung is Rung.MAATWERKVOORZIENING and not provisions:
            rung = Rung.ALGEMENE_VOORZIENING
        actions.append(
            PlanAction(
                description=f"[synthetisch] actie voor {domain}",
                domain=domain,
                actor=rng.choice(BY[rung]),
                provision=rng.choice(provisions) if rung is Rung.MAATWERKVOORZIENING else None,
            )
        )
        uses_maatwerk = uses_maatwerk or rung is Rung.MAATWERKVOORZIENING
    considerations = (
        {r: f"[synthetisch] {r.value} is niet genoeg" for r in LOWER_RUNGS} if uses_maatwerk else {}
    )
    return PlanIn(goals=tuple(goals), actions=tuple(actions), ladder_considerations=considerations)
