"""Synthetic caseload scripts: pure, reproducible, streaming, and plausible."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from statistics import median

import pytest
from stdnum.nl import bsn as stdnum_bsn

from wijkteamkit.domain.case import MemberRole
from wijkteamkit.domain.signal import Reporter
from wijkteamkit.loading import load
from wijkteamkit.synthetic import addresses, people
from wijkteamkit.synthetic.scripts import BATCH, HouseholdScript, caseload

NIJMEGEN = load(["nijmegen"], []).loaded[0].setup


def scripts(households: int, seed: int = 1, **options: int) -> list[HouseholdScript]:
    return list(itertools.chain.from_iterable(caseload(NIJMEGEN, households, seed, **options)))


@pytest.fixture(scope="module")
def three_hundred() -> list[HouseholdScript]:
    return scripts(300)


def test_every_bsn_passes_the_elfproef_and_none_is_used_twice() -> None:
    numbers = [n for h in range(3000) for n in people.bsns(h)]
    assert all(stdnum_bsn.is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    assert min(len(people.bsns(h)) for h in range(3000)) >= 7


def test_a_slot_without_a_check_digit_gets_no_bsn() -> None:
    empty = next(c for c in range(1000) if people.bsn(c) is None)
    digits = f"{(empty * people._STEP + people._OFFSET) % 10**8:08d}"
    assert not any(stdnum_bsn.is_valid(digits + str(d)) for d in range(10))


@pytest.mark.parametrize(
    ("entry", "inside", "outside"),
    [
        ("6535", "6535AA", "6536AA"),
        ("6535-6537", "6537ZZ", "6538AA"),
        ("6535AB", "6535AB", "6535AC"),
        ("6535AB-6535AE", "6535AE", "6535AG"),
    ],
)
def test_postcodes_lie_inside_their_range(entry: str, inside: str, outside: str) -> None:
    rng = random.Random(5)
    made = {addresses.postcode(rng, entry) for _ in range(300)}
    low, _, high = entry.partition("-")
    high = high or low
    assert all(low <= code[: len(low)] <= high for code in made)
    assert all(code[4:] not in ("SA", "SD", "SS") and len(code) == 6 for code in made)
    assert low <= inside[: len(low)] <= high and not low <= outside[: len(low)] <= high


def test_a_setup_without_served_postcodes_cannot_take_households() -> None:
    arnhem = load(["arnhem"], []).loaded[0].setup
    with pytest.raises(LookupError, match="Arnhem has no neighbourhood with postcodes"):
        next(caseload(arnhem, 10, 1))
    assert addresses.areas(NIJMEGEN)


def test_every_postcode_is_in_the_neighbourhood_of_its_team(
    three_hundred: list[HouseholdScript],
) -> None:
    neighbourhoods = {n.key: n for n in NIJMEGEN.neighbourhoods}
    teams = {t.neighbourhood: t.key for t in NIJMEGEN.teams}
    for script in three_hundred:
        assert neighbourhoods[script.neighbourhood].covers_postcode(script.household.postcode)
        assert teams[script.neighbourhood] == script.team


def test_the_same_seed_makes_the_same_scripts_and_another_seed_others() -> None:
    assert scripts(120, seed=7) == scripts(120, seed=7)
    assert scripts(120, seed=7) != scripts(120, seed=8)


def test_batches_stream_and_their_size_changes_no_script() -> None:
    huge = caseload(NIJMEGEN, 10_000_000, 1)
    assert len(next(huge)) == BATCH * len(NIJMEGEN.teams)  # one batch, not ten million
    assert scripts(40, batch=7) == scripts(40)
    assert [len(b) for b in caseload(NIJMEGEN, 20, 1, batch=7)] == [7, 7, 6]


def test_every_reporter_kind_occurs_in_300_households(
    three_hundred: list[HouseholdScript],
) -> None:
    assert {s.signal.reporter for s in three_hundred} == set(Reporter)
    assert all(s.signal.source == "synthetic" for s in three_hundred)
    assert all(
        s.signal.summary and s.signal.summary.startswith("[synthetisch]") for s in three_hundred
    )
    debts = [s for s in three_hundred if s.signal.debt is not None]
    assert debts and all(s.signal.reporter is Reporter.DEBT_EARLY_WARNING for s in debts)


def test_scores_are_mostly_fine_with_a_few_domains_in_trouble(
    three_hundred: list[HouseholdScript],
) -> None:
    assessed = [s.assessment for s in three_hundred if s.assessment is not None]
    assert 0.6 < len(assessed) / len(three_hundred) < 0.9
    all_scores = [v for a in assessed for v in a.scores.values()]
    assert set(all_scores) == {1, 2, 3, 4, 5}
    assert median(all_scores) >= 4
    problems = Counter(sum(v <= 2 for v in a.scores.values()) for a in assessed)
    multi = sum(n for k, n in problems.items() if k >= 3) / len(assessed)
    assert 0.1 < multi < 0.45
    assert problems[0] > 0


def test_debt_and_housing_problems_go_together(three_hundred: list[HouseholdScript]) -> None:
    assessed = [s.assessment.scores for s in three_hundred if s.assessment is not None]
    with_debt = [a for a in assessed if a["financien"] <= 2]
    without = [a for a in assessed if a["financien"] > 2]
    housing = lambda group: sum(a["huisvesting"] <= 2 for a in group) / len(group)  # noqa: E731
    assert housing(with_debt) > 2 * housing(without)


def test_parenting_is_scored_only_where_there_are_children(
    three_hundred: list[HouseholdScript],
) -> None:
    for script in three_hundred:
        if script.assessment is None:
            continue
        children = any(m.role is MemberRole.CHILD for m in script.household.members)
        assert ("opvoeding" in script.assessment.scores) == children


def test_only_what_may_be_handed_over_is_confirmed_and_one_transfer_at_most(
    three_hundred: list[HouseholdScript],
) -> None:
    bases = {r.key: r.legal_basis for r in NIJMEGEN.escalation_rules}
    decisions = Counter(e.decision for s in three_hundred for e in s.escalations)
    assert decisions["confirm"] and decisions["reject"] and decisions["leave"]
    for script in three_hundred:
        confirmed = [e for e in script.escalations if e.decision == "confirm"]
        assert sum(e.handover == "transfer" for e in confirmed) <= 1
        for e in confirmed:
            consented = script.consent is not None and e.target in script.consent.recipients
            assert consented or bases[e.rule] is not None
            assert e.responsible and e.responsible.startswith("rp-")


def test_only_households_with_a_plan_and_nothing_left_open_are_closed(
    three_hundred: list[HouseholdScript],
) -> None:
    closed = [s for s in three_hundred if s.closed_at is not None and s.integral]
    assert closed
    for script in closed:
        assert script.plan is not None
        assert all(e.decision == "reject" or e.ends for e in script.escalations)
    assert any(s.closed_at is not None and not s.integral for s in three_hundred)
    assert any(s.plan is not None and s.closed_at is None for s in three_hundred)


def test_every_head_has_a_bsn_so_no_household_is_taken_for_another_at_its_address(
    three_hundred: list[HouseholdScript],
) -> None:
    members = [m for s in three_hundred for m in s.household.members]
    assert all(m.bsn for m in members if m.role is MemberRole.HEAD)
    assert any(m.bsn is None for m in members if m.role is not MemberRole.HEAD)
