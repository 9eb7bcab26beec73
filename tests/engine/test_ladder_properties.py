"""A property of the ladder: any plan whose maatwerk actions lack a consideration of a lower
rung is refused, and the refusal names exactly the rungs missing; any other plan passes."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from ladder_helpers import EXTRA
from sample_town import SampleTown, defaults

from wijkteamkit.domain.case import LOWER_RUNGS, ActionBy, PlanIn
from wijkteamkit.engine.errors import RuleViolation
from wijkteamkit.engine.ladder import check_ladder
from wijkteamkit.testing import PluginHarness

_harness = PluginHarness()
_harness.register(SampleTown(provisions=[*defaults()["provisions"], *EXTRA]))
SETUP = _harness.setup()
MAATWERK = {"begeleiding", "alleen-zin", "dagbesteding"}
"""The oracle: the provisions of kind maatwerk used below (the rest are algemeen or none)."""

actions = st.lists(
    st.fixed_dictionaries(
        {
            "description": st.just("Actie"),
            "domain": st.sampled_from(["financien", "huisvesting"]),
            "actor": st.sampled_from([a.value for a in ActionBy]),
            "provision": st.sampled_from([None, "schoonmaak", *sorted(MAATWERK)]),
        }
    ),
    min_size=1,
    max_size=6,
)
considered = st.sets(st.sampled_from(LOWER_RUNGS))


@given(actions, considered)
def test_a_plan_is_refused_exactly_for_the_rungs_it_did_not_consider(
    drawn: list[dict[str, object]], rungs: set[str]
) -> None:
    plan = PlanIn.model_validate(
        {
            "goals": [{"domain": "financien", "goal": "Op orde"}],
            "actions": drawn,
            "ladder_considerations": {r: f"waarom niet {r}" for r in rungs},
        }
    )
    uses_maatwerk = any(a["provision"] in MAATWERK for a in drawn)
    missing = [r.value for r in LOWER_RUNGS if r not in rungs] if uses_maatwerk else []
    try:
        check_ladder(plan, SETUP)
    except RuleViolation as refusal:
        assert refusal.rule == "ladder" and missing
        named = re.search(r"not suffice: (.*) \(ladder_considerations\)", str(refusal))
        assert named is not None and named.group(1).split(", ") == missing
    else:
        assert not missing
