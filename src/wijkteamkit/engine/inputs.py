"""Checks of input that need the setup or the engine's clock, which the models cannot know.

The models in :mod:`wijkteamkit.domain.case` refuse what is wrong on its face (a naive datetime,
a date before 1900, a control character); these refuse what is wrong for this municipality at
this moment: a key the setup does not know, an event dated more than a day ahead of the clock,
a birth date after today (in Europe/Amsterdam).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import TypeVar

from pydantic import TypeAdapter, ValidationError

from ..domain.common import local_date
from ..problems import describe
from .errors import RuleViolation

T = TypeVar("T")

FUTURE_SLACK = timedelta(days=1)
"""How far ahead of the engine's clock an event may be dated (clocks and time zones differ)."""


def require_known(given: Collection[str], known: Collection[str], what: str, rule: str) -> None:
    """Refuse keys the setup does not define, listing the ones it does."""
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise RuleViolation(
            f"unknown {what} {', '.join(unknown)}; known: {', '.join(sorted(known)) or 'none'}",
            rule=rule,
        )


def require_not_future(at: datetime, now: datetime, what: str) -> None:
    """Refuse an event dated more than :data:`FUTURE_SLACK` after ``now``."""
    if at > now + FUTURE_SLACK:
        raise RuleViolation(
            f"{what} lies more than a day in the future; give the moment it happened",
            rule="date",
        )


def require_born(birth_date: date, now: datetime, what: str) -> None:
    """Refuse a birth date after today's date in Europe/Amsterdam."""
    if birth_date > local_date(now):
        raise RuleViolation(f"{what} lies in the future; give the real birth date", rule="date")


def require_valid(kind: TypeAdapter[T], value: object, rule: str, what: str) -> T:
    """``value`` as ``kind`` accepts it, or a :class:`RuleViolation` that says ``what`` is wrong
    and which rule the value breaks, never repeating the value."""
    try:
        return kind.validate_python(value)
    except ValidationError as exc:
        raise RuleViolation(f"{what}: {describe(exc, limit=1, whole=None)}", rule=rule) from None
