"""Whether a condition can ever hold, or two together: a decision, with a witness.

The condition language (:mod:`.escalation`) has no negation. Flagging another indicator never
makes a condition false, and :class:`ProblemDomains` counts at least as many hits when more
domains are scored and scores are lower; only :class:`DomainScore` asks a score to stay within
a range. Hence the search space below.

If some assessment ``f`` (scores on known domains, flags on known indicators) satisfies a
condition, so does an assessment ``w`` that flags every known indicator and scores every known
domain either 1 or the ``at_least`` of a :class:`DomainScore` on that domain. Proof: written as
a disjunction of conjunctions of leaves, the condition has a conjunction ``C`` that holds on
``f``. Let ``w`` score each domain at the largest ``at_least`` of ``C``'s score ranges on it
(1 when ``C`` has none). A range of ``C`` holds on ``f``, so ``w``'s score lies within it too;
every flag of ``f`` is flagged in ``w``; and ``w`` scores every domain at most as high as
``f`` (an unscored domain counts as 6), so each count of ``C`` is met. So ``C``, and the
condition, holds on ``w``.

:func:`witness` searches those candidates domain by domain, pruning a branch as soon as an
optimistic evaluation (an unassigned domain's range holds, its count uses score 1, the lowest
candidate) says no completion can satisfy the condition. Its answer is exact: the property test
compares it with brute force over every assessment of small domain sets.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

from .escalation import NOT_SCORED, AllOf, AnyOf, Condition, DomainScore, Facts, Flagged

LOWEST = 1


def witness(
    condition: Condition, domains: Collection[str], indicators: Collection[str]
) -> Facts | None:
    """An assessment over ``domains`` and ``indicators`` on which ``condition`` holds, or
    ``None`` when there is none (the condition can never hold)."""
    known = tuple(dict.fromkeys(domains))
    flags = frozenset(indicators)
    candidates = _candidates(condition, known)
    scores = dict.fromkeys(known, LOWEST)
    open_ = [d for d in known if len(candidates[d]) > 1]
    found = _search(condition, scores, open_, candidates, flags)
    return None if found is None else Facts(scores=found, indicators=flags)


def satisfiable(
    condition: Condition, domains: Collection[str], indicators: Collection[str]
) -> bool:
    """Whether some assessment over ``domains`` and ``indicators`` satisfies ``condition``."""
    return witness(condition, domains, indicators) is not None


def jointly_satisfiable(
    first: Condition, second: Condition, domains: Collection[str], indicators: Collection[str]
) -> bool:
    """Whether some assessment satisfies both conditions at once."""
    return satisfiable(AllOf(conditions=(first, second)), domains, indicators)


def _candidates(condition: Condition, domains: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """The scores worth trying per domain: 1 and each range's lower bound on it."""
    lows: dict[str, set[int]] = {d: {LOWEST} for d in domains}
    for leaf in _leaves(condition):
        if isinstance(leaf, DomainScore) and leaf.domain in lows:
            lows[leaf.domain].add(leaf.at_least)
    return {d: tuple(sorted(values)) for d, values in lows.items()}


def _leaves(condition: Condition) -> Iterator[Condition]:
    if isinstance(condition, AllOf | AnyOf):
        for part in condition.conditions:
            yield from _leaves(part)
    else:
        yield condition


def _search(
    condition: Condition,
    scores: dict[str, int],
    open_: list[str],
    candidates: Mapping[str, tuple[int, ...]],
    flags: frozenset[str],
) -> dict[str, int] | None:
    """Scores completing ``scores`` (the ``open_`` domains still to choose) that satisfy
    ``condition``, or ``None``."""
    if not _could_hold(condition, scores, frozenset(open_), flags):
        return None
    if not open_:
        return dict(scores)
    domain, rest = open_[0], open_[1:]
    for score in candidates[domain]:
        scores[domain] = score
        found = _search(condition, scores, rest, candidates, flags)
        if found is not None:
            return found
    scores[domain] = LOWEST
    return None


def _could_hold(
    condition: Condition, scores: Mapping[str, int], open_: frozenset[str], flags: frozenset[str]
) -> bool:
    """Whether ``condition`` holds for some choice of the ``open_`` domains' scores, judged
    optimistically (a range on an open domain holds; its count uses its score in ``scores``,
    the lowest candidate). With nothing open this is exactly ``condition.holds``."""
    if isinstance(condition, Flagged):
        return condition.indicator in flags
    if isinstance(condition, DomainScore):
        if condition.domain in open_:
            return True
        score = scores.get(condition.domain)
        return score is not None and condition.at_least <= score <= condition.at_most
    if isinstance(condition, AllOf):
        return all(_could_hold(c, scores, open_, flags) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(_could_hold(c, scores, open_, flags) for c in condition.conditions)
    considered = condition.domains or tuple(scores)
    hits = sum(1 for d in considered if scores.get(d, NOT_SCORED) <= condition.at_most)
    return hits >= condition.min_count
