"""Rules about statutory terms: a municipality may promise faster than the law, never slower."""

from __future__ import annotations

from collections.abc import Iterator

from ..defaults.national import STATUTORY_TERMS
from ..domain import StatutoryTerm
from .finding import Check, Finding


def terms_within_the_law(check: Check) -> Iterator[Finding]:
    """Each national term in force on the date checked is in the setup under its key, runs
    between the same steps and is no longer than the law's."""
    for law in STATUTORY_TERMS:
        if not law.contains(check.on):
            continue
        location = f"statutory_terms/{law.key}"
        term = check.setup.get("statutory_terms", law.key)
        if not isinstance(term, StatutoryTerm) or not term.contains(check.on):
            state = "is not in force" if isinstance(term, StatutoryTerm) else "is missing"
            yield check.finding(
                "error",
                "statutory-term-missing",
                location,
                f"the statutory term {law.key!r} ({law.describe()}, {law.law}) {state} on "
                f"{check.on}; the law applies whatever a plugin says: restore it, or replace "
                "it with a shorter term under the same key.",
            )
        elif (term.from_step, term.to_step) != (law.from_step, law.to_step):
            yield check.finding(
                "error",
                "statutory-term-missing",
                location,
                f"the statutory term {law.key!r} runs {term.describe()}, but the law's runs "
                f"{law.describe()}; keep the law's steps under this key and add other terms "
                "under keys of their own.",
            )
        elif term.days > law.days:
            yield check.finding(
                "error",
                "statutory-term-longer",
                location,
                f"the statutory term {law.key!r} is {term.days} days, longer than the law's "
                f"{law.days} ({law.describe()}); a municipality may promise a shorter term, "
                "not a longer one.",
            )
