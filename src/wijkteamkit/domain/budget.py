"""Budgets: cost lines in groups and the lines that cover them."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

from .common import Item, Key, Model, NonEmptyText, Source


class CostLine(Model):
    """One cost line. ``amount=None`` with ``pro_memorie=True`` is a line not yet priced (pm)."""

    name: NonEmptyText
    """What the cost is for."""
    amount: Decimal | None = Field(default=None, ge=0)
    """The amount in euros; none for a pro memorie line."""
    pro_memorie: bool = False
    """True for a line not yet priced (pm)."""
    note: str | None = None
    """A remark on the line."""
    source: Source | None = None
    """Where the line comes from."""

    @model_validator(mode="after")
    def _amount_or_pm(self) -> CostLine:
        if (self.amount is None) != self.pro_memorie:
            raise ValueError("a cost line has an amount, or is pro_memorie without one")
        return self


class CostGroup(Model):
    """A group of cost lines, e.g. communication, the pilots, preconditions."""

    key: Key
    """The group's identifier."""
    name: NonEmptyText
    """The group's name."""
    lines: tuple[CostLine, ...]
    """The cost lines in the group."""

    @property
    def total(self) -> Decimal:
        """The sum of the priced lines."""
        return sum((line.amount or Decimal(0) for line in self.lines), Decimal(0))


class CoverageLine(Model):
    """Money that covers the costs, from one source (a subsidy, a fund, the own budget)."""

    name: NonEmptyText
    """Where the money comes from (a subsidy, a fund, the own budget)."""
    amount: Decimal = Field(ge=0)
    """The amount in euros."""
    funder: str | None = None
    """Who provides it."""
    source: Source | None = None
    """Where the line comes from."""


class Budget(Item):
    """A budget for one year (or period): costs in groups, and their coverage.

    ``stated_total`` and ``stated_coverage`` are the totals as printed in the source; validation
    checks the lines add up to them and that coverage meets the costs.
    """

    name: NonEmptyText
    """The budget's name."""
    year: int = Field(ge=1990, le=2100)
    """The year it covers."""
    cost_groups: tuple[CostGroup, ...]
    """The costs, in groups."""
    coverage: tuple[CoverageLine, ...] = ()
    """The money that covers the costs."""
    stated_total: Decimal | None = None
    """The total costs as printed in the source; validation checks the lines add up to it."""
    stated_coverage: Decimal | None = None
    """The total coverage as printed in the source; validation checks the lines add up to it."""
    notes: tuple[str, ...] = ()
    """Remarks on the budget, one each."""

    @property
    def total_costs(self) -> Decimal:
        """The sum over all groups."""
        return sum((g.total for g in self.cost_groups), Decimal(0))

    @property
    def total_coverage(self) -> Decimal:
        """The sum of the coverage lines."""
        return sum((c.amount for c in self.coverage), Decimal(0))

    @property
    def balance(self) -> Decimal:
        """Coverage minus costs: negative is a deficit."""
        return self.total_coverage - self.total_costs
