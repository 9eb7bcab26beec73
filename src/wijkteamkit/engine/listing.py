"""Typed results of lists and searches, and their paging.

A list is read page by page with a keyset cursor: each page holds at most ``limit`` items in
ascending key order and, when more follow, a ``next`` cursor to pass back as ``after``. The
first page fixes the listing's upper bound (the highest key at that moment), so paging never
runs on forever (the audit log grows by one entry per page read) and no item appears twice or
is skipped: rows added after the first page belong to a new listing.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Generic, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, JsonValue

from .errors import RuleViolation
from .process import CaseState, EscalationState

DEFAULT_PAGE = 50
"""Items per page when the caller does not say."""

MAX_PAGE = 500
"""The most items one page may hold."""

Item = TypeVar("Item", bound=BaseModel)

_CURSOR = re.compile(r"(\d{1,10}):(\d{1,10})", re.ASCII)
"""``after:upto``: the last key of the previous page and the listing's bound."""

KEY_MAX = 2**31 - 1
"""The largest key an INTEGER column holds."""


class Result(BaseModel):
    """Base of every result: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Page(Result, Generic[Item]):
    """One page of a list: its items and, when more follow, the cursor of the next page."""

    items: tuple[Item, ...]
    next: str | None = None
    """Pass as ``after`` to read the next page; ``None`` on the last page."""


class HouseholdSummary(Result):
    """A household as lists show it: where its case stands, nothing of any life domain."""

    id: int
    team: str | None
    neighbourhood: str | None
    case_state: CaseState
    created_at: datetime
    closed_at: datetime | None
    escalation_active: bool
    """Whether an escalation of the household is active (confirmed, not yet ended)."""
    registered: bool
    """Whether the case counts in its team's case registration: the household came in on or
    after the team's ``case_registration_from`` (Nijmegen: three months after the team
    started); every case does when the team sets no such date."""


class EscalationSummary(Result):
    """An open escalation as the team leader's list shows it: no assessment content."""

    id: int
    household: int
    rule: str
    target: str
    handover: str
    state: EscalationState
    proposed_at: datetime
    confirmed_at: datetime | None
    responsible_organisation: str | None


class AuditRecord(Result):
    """One audit entry, as the auditor reads it."""

    seq: int
    at: datetime
    actor: str
    actor_role: str
    actor_organisation: str
    action: str
    subject: int | None
    detail: dict[str, JsonValue]
    outcome: str | None
    reason: str | None
    legal_basis: str | None
    hash: str


HouseholdPage = Page[HouseholdSummary]
EscalationPage = Page[EscalationSummary]
AuditPage = Page[AuditRecord]


class Window(NamedTuple):
    """Where a page starts (keys above ``after``) and the listing's bound (keys up to ``upto``)."""

    after: int
    upto: int | None
    """``None`` on a first page: the query fixes the bound."""


def page_size(limit: int) -> int:
    """``limit`` when it is a valid page size, else a :class:`RuleViolation`."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise RuleViolation(
            f"a page holds 1 to {MAX_PAGE} items; give a limit in that range", rule="page-size"
        )
    return limit


def window(after: str | None) -> Window:
    """Parse a cursor from a previous page (``None`` reads the first page)."""
    if after is None:
        return Window(0, None)
    found = _CURSOR.fullmatch(after) if isinstance(after, str) else None
    if found is not None and max(int(found[1]), int(found[2])) <= KEY_MAX:
        return Window(int(found[1]), int(found[2]))
    raise RuleViolation(
        "not a cursor of this list; pass the 'next' of the previous page, or nothing for the first",
        rule="cursor",
    )


def paged(
    kind: type[Page[Item]], items: list[Item], keys: list[int], limit: int, upto: int
) -> Page[Item]:
    """The page of the first ``limit`` of ``items`` (read with one extra to see if more follow)."""
    if len(items) <= limit:
        return kind(items=tuple(items))
    return kind(items=tuple(items[:limit]), next=f"{keys[limit - 1]}:{upto}")
