"""Rules about teams: size, required functions and groups, hours of members and leader."""

from __future__ import annotations

from collections.abc import Iterator

from ..domain import CompositionRule, Team
from .finding import Check, Finding


def _rule_of(check: Check, team: Team) -> CompositionRule | None:
    rule = check.setup.get("composition_rules", team.composition_rule)
    return rule if isinstance(rule, CompositionRule) else None


def team_size(check: Check) -> Iterator[Finding]:
    """A team has between the rule's minimum and maximum number of members."""
    for team in check.setup.teams:
        rule = _rule_of(check, team)
        if rule is None:
            continue
        size = len(team.members)
        too_small = size < rule.min_members
        too_large = rule.max_members is not None and size > rule.max_members
        if too_small or too_large:
            bounds = (
                f"{rule.min_members}-{rule.max_members}"
                if rule.max_members
                else f"at least {rule.min_members}"
            )
            yield check.finding(
                "error",
                "team-size",
                f"teams/{team.key}/members",
                f"team {team.key!r} has {size} members; rule {rule.key!r} asks for {bounds}.",
            )


def team_composition(check: Check) -> Iterator[Finding]:
    """A team includes the functions and function groups its rule requires."""
    groups = {f.key: f.group for f in check.setup.team_functions}
    for team in check.setup.teams:
        rule = _rule_of(check, team)
        if rule is None:
            continue
        for i, req in enumerate(rule.requirements):
            if req.function is not None:
                count = sum(1 for m in team.members if m.function == req.function)
            else:
                count = sum(1 for m in team.members if groups.get(m.function) == req.group)
            if count < req.min_count:
                yield check.finding(
                    "error",
                    "team-composition",
                    f"teams/{team.key}/members",
                    f"team {team.key!r} has {count} member(s) of {req.label}; rule "
                    f"{rule.key!r} requires at least {req.min_count} "
                    f"(composition_rules/{rule.key}/requirements/{i})"
                    + (f": {req.note}" if req.note else "."),
                )


def member_hours(check: Check) -> Iterator[Finding]:
    """Every member is seconded for at least the rule's minimum hours a week."""
    for team in check.setup.teams:
        rule = _rule_of(check, team)
        if rule is None or rule.member_min_hours is None:
            continue
        for i, member in enumerate(team.members):
            if member.hours_per_week < rule.member_min_hours:
                yield check.finding(
                    "error",
                    "member-hours",
                    f"teams/{team.key}/members/{i}",
                    f"{member.function} from {member.organisation} works "
                    f"{member.hours_per_week:g} h/week in team {team.key!r}; rule {rule.key!r} "
                    f"asks at least {rule.member_min_hours:g}.",
                )


def leader(check: Check) -> Iterator[Finding]:
    """A team has a leader where the rule requires one, with the hours the rule sets."""
    for team in check.setup.teams:
        rule = _rule_of(check, team)
        if rule is None:
            continue
        where = f"teams/{team.key}/leader"
        if team.leader is None:
            if rule.leader_required:
                yield check.finding(
                    "error",
                    "leader-missing",
                    where,
                    f"team {team.key!r} has no leader; rule {rule.key!r} requires one.",
                )
            continue
        hours = team.leader.hours_per_week
        if rule.leader_min_hours is not None and hours < rule.leader_min_hours:
            yield check.finding(
                "error",
                "leader-hours",
                where,
                f"the leader of team {team.key!r} works {hours:g} h/week; rule {rule.key!r} "
                f"asks at least {rule.leader_min_hours:g}.",
            )
        paid = team.leader.municipality_paid_hours
        expected = rule.leader_municipality_paid_hours
        if expected is not None and paid != expected:
            yield check.finding(
                "error",
                "leader-paid-hours",
                where,
                f"the municipality pays {paid:g} of the leader's hours in team {team.key!r}; "
                f"rule {rule.key!r} says {expected:g}.",
            )


def neighbourhoods_without_team(check: Check) -> Iterator[Finding]:
    """Every neighbourhood is served by a team (a municipality without any team gets one note)."""
    if not check.setup.teams:
        if check.setup.neighbourhoods:
            yield check.finding(
                "info",
                "no-teams",
                "teams",
                f"{check.setup.municipality.name} describes neighbourhoods but no teams; signals cannot be "
                "routed there (fine for a municipality that only takes part in commissioning).",
            )
        return
    served = {t.neighbourhood for t in check.setup.teams}
    for neighbourhood in check.setup.neighbourhoods:
        if neighbourhood.key not in served:
            yield check.finding(
                "warning",
                "neighbourhood-without-team",
                f"neighbourhoods/{neighbourhood.key}",
                f"no team serves neighbourhood {neighbourhood.key!r}; signals from it cannot be routed.",
            )
