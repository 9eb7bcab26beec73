"""Rules about neighbourhoods: their target households and their teams' start dates."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from .finding import Check, Finding


def _decimals(share: float) -> int:
    """How many decimals the share was written with: ``0.15`` has 2."""
    exponent = Decimal(repr(share)).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _consistent(households: int, target: int, share: float) -> bool:
    """Whether ``target / households`` rounds to ``share`` at the precision it was written
    with (the sources give "about 15%"), or lies within one household of it."""
    if households == 0:
        return target == 0
    if abs(target - households * share) <= 1:
        return True
    return round(target / households, _decimals(share)) == round(share, _decimals(share))


def neighbourhood_targets(check: Check) -> Iterator[Finding]:
    """The target households agree with the households and the target share, and a share
    comes with the number of households it stands for."""
    for n in check.setup.neighbourhoods:
        where = f"neighbourhoods/{n.key}"
        share, households, target = n.target_share, n.households, n.target_households
        if share is None:
            continue
        if target is None:
            expected = (
                f" ({households} x {share:g} = {round(households * share)})"
                if households is not None
                else ""
            )
            yield check.finding(
                "warning",
                "neighbourhood-target-missing",
                f"{where}/target_households",
                f"neighbourhood {n.key!r} gives a target share of {share:g} but no "
                f"target_households{expected}; give the number of households the team aims at.",
            )
        elif households is not None and not _consistent(households, target, share):
            yield check.finding(
                "error",
                "neighbourhood-target",
                f"{where}/target_households",
                f"neighbourhood {n.key!r} aims at {target} of {households} households "
                f"({target / households:.1%}), not its target share of {share:.1%} "
                f"(about {round(households * share)}); correct target_households, households "
                "or target_share.",
            )


def team_start_precision(check: Check) -> Iterator[Finding]:
    """A team start known only to the month is written as the first day of that month."""
    for n in check.setup.neighbourhoods:
        start = n.team_start
        if start is not None and n.team_start_precision == "month" and start.day != 1:
            yield check.finding(
                "error",
                "team-start-precision",
                f"neighbourhoods/{n.key}/team_start",
                f"neighbourhood {n.key!r} gives its team start {start} with precision 'month'; "
                f"write the first of the month ({start.replace(day=1)}) or set precision 'day'.",
            )
