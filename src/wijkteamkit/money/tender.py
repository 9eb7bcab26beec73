"""Maatschappelijk opdrachtgeverschap: bids are read, checked for eligibility, scored on the best
price-quality ratio (beste prijs-kwaliteitverhouding), awarded with a written rationale, and
turned into contracts split over the participating municipalities.

Aanbestedingswet 2012 facts kept here: social and other specific services follow a light regime,
with European publication from the threshold of EUR 750,000; an open house contracts every
eligible provider that accepts the conditions, so it ranks nobody.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from ..domain import Bid, Regime, TenderProcedure
from ..domain.common import Model

SOCIAL_SERVICES_THRESHOLD = Decimal("750000")
"""EUR; from this estimated value a social-services contract is announced Europe-wide."""

CENT = Decimal("0.01")

ScoreHook = Callable[..., Any]


class BidError(ValueError):
    """A bid file is wrong: which file, row and field, and what to do. Nothing is scored."""


class ScoredBid(Model):
    """A bid with its eligibility, its points per criterion and its total (0-10)."""

    provider: str
    price: Decimal
    eligible: bool
    reasons: tuple[str, ...] = ()
    points: dict[str, float] = Field(default_factory=dict)
    total: float = 0.0
    rank: int | None = None


class Contract(Model):
    """A contract resulting from an award, with each participating municipality's part."""

    id: str
    provider: str
    value: Decimal
    starts: date | None = None
    ends: date | None = None
    parts: dict[str, Decimal] = Field(default_factory=dict)


class Award(Model):
    """The outcome of a procedure: who won, why, and the contracts."""

    procedure: str
    regime: Regime
    winners: tuple[str, ...]
    scored: tuple[ScoredBid, ...]
    rationale: str
    contracts: tuple[Contract, ...]


# --- reading bids ----------------------------------------------------------------------------------


def read_bids(path: Path, procedure: TenderProcedure) -> list[Bid]:
    """Read and check bids from a JSON (a list, or ``{"bids": [...]}``) or CSV file.

    CSV columns: ``provider``, ``price``, ``outcomes`` (keys separated by ``;``), ``submitted``,
    and one ``points.<criterion>`` column per quality criterion.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BidError(f"{path}: cannot read the bid file ({exc.strerror})") from None
    raw: Any
    if path.suffix.lower() == ".csv":
        raw = _csv_rows(text, path)
    elif path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BidError(f"{path}: not valid JSON at line {exc.lineno}: {exc.msg}") from None
        raw = data.get("bids") if isinstance(data, dict) else data
        if not isinstance(raw, list):
            raise BidError(f"{path}: expected a list of bids, or an object with a 'bids' list")
    else:
        raise BidError(f"{path}: give bids as a .json or .csv file")
    return check_bids(raw, procedure, str(path))


def _csv_rows(text: str, path: Path) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    if (
        reader.fieldnames is None
        or "provider" not in reader.fieldnames
        or "price" not in reader.fieldnames
    ):
        raise BidError(f"{path}: the CSV header must name at least 'provider' and 'price'")
    rows: list[dict[str, Any]] = []
    for row in reader:
        bid: dict[str, Any] = {"points": {}}
        for column, value in row.items():
            value = (value or "").strip()
            if column is None:
                continue
            if column.startswith("points."):
                if value:
                    bid["points"][column.removeprefix("points.")] = value
            elif column == "outcomes":
                bid["outcomes"] = [o.strip() for o in value.split(";") if o.strip()]
            elif value:
                bid[column] = value
        rows.append(bid)
    return rows


def check_bids(raw: Sequence[Any], procedure: TenderProcedure, where: str = "bids") -> list[Bid]:
    """Validate bid records against the procedure; the first problem raises :class:`BidError`."""
    providers = {p.key for p in procedure.providers}
    quality = {c.key for c in procedure.award_criteria if c.kind == "quality"}
    criteria = {c.key for c in procedure.award_criteria}
    bids: list[Bid] = []
    seen: set[str] = set()
    for number, record in enumerate(raw, start=1):
        at = f"{where} row {number}"
        try:
            bid = record if isinstance(record, Bid) else Bid.model_validate(record)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(p) for p in error["loc"]) or "(row)"
            message = "missing" if error["type"] == "missing" else error["msg"]
            raise BidError(f"{at}, field {field!r}: {message}") from None
        if bid.provider not in providers:
            raise BidError(
                f"{at}, field 'provider': unknown provider {bid.provider!r}; registered: "
                f"{', '.join(sorted(providers)) or 'none'}"
            )
        if bid.provider in seen:
            raise BidError(
                f"{at}, field 'provider': {bid.provider!r} bids twice; one bid per provider"
            )
        seen.add(bid.provider)
        unknown = sorted(set(bid.points) - criteria)
        if unknown:
            raise BidError(
                f"{at}, field 'points.{unknown[0]}': unknown criterion; criteria: {', '.join(sorted(criteria))}"
            )
        priced = sorted(set(bid.points) & (criteria - quality))
        if priced:
            raise BidError(
                f"{at}, field 'points.{priced[0]}': a price criterion is scored from the price, not given points"
            )
        missing = sorted(quality - set(bid.points))
        if missing:
            raise BidError(
                f"{at}, field 'points.{missing[0]}': missing; the committee's points (0-10) are needed"
            )
        bids.append(bid)
    if not bids:
        raise BidError(f"{where}: no bids")
    return bids


# --- eligibility and scoring -----------------------------------------------------------------------


def eligibility(procedure: TenderProcedure, bid: Bid) -> list[str]:
    """Why a bid is not eligible (empty when it is)."""
    reasons: list[str] = []
    ceiling = (
        procedure.requirements.budget_ceiling
        if procedure.requirements
        else procedure.budget_ceiling
    )
    if ceiling is not None and bid.price > ceiling:
        reasons.append(f"price EUR {bid.price:,.2f} exceeds the ceiling of EUR {ceiling:,.2f}")
    if procedure.requirements is not None:
        needed = {o.key for o in procedure.requirements.outcomes}
        lacking = sorted(needed - bid.outcomes)
        if lacking:
            reasons.append(f"does not commit to outcome(s) {', '.join(lacking)}")
    return reasons


def score(
    procedure: TenderProcedure, bids: Sequence[Bid], hook: ScoreHook | None = None
) -> list[ScoredBid]:
    """Score every bid; eligible ones are ranked by total, then price, then provider key.

    Price criteria give the lowest eligible price 10 points and others ``10 * lowest / price``;
    quality criteria take the committee's points. The total is the weighted sum (0-10). A plugin
    may score a bid itself through ``wijkteamkit_score_bid`` (``hook``).
    """
    results = [
        ScoredBid(
            provider=b.provider,
            price=b.price,
            eligible=False,
            reasons=tuple(eligibility(procedure, b)),
        )
        for b in bids
    ]
    eligible = [b for b, r in zip(bids, results, strict=True) if not r.reasons]
    lowest = min((b.price for b in eligible), default=None)
    scored: list[ScoredBid] = []
    for bid, result in zip(bids, results, strict=True):
        if result.reasons:
            scored.append(result)
            continue
        assert lowest is not None
        points = {
            c.key: (10 * float(lowest / bid.price) if c.kind == "price" else bid.points[c.key])
            for c in procedure.award_criteria
        }
        total = sum(c.weight / 100 * points[c.key] for c in procedure.award_criteria)
        if hook is not None:
            override = hook(procedure=procedure, bid=bid, bids=tuple(eligible))
            if override is not None:
                total = float(override)
        scored.append(
            result.model_copy(update={"eligible": True, "points": points, "total": round(total, 4)})
        )
    ranked = sorted(
        (s for s in scored if s.eligible), key=lambda s: (-s.total, s.price, s.provider)
    )
    ranks = {s.provider: i for i, s in enumerate(ranked, start=1)}
    return [s.model_copy(update={"rank": ranks.get(s.provider)}) for s in scored]


# --- award and contracts ---------------------------------------------------------------------------


class AwardRefused(ValueError):
    """The award asked for cannot be made; the message says why."""


def award(
    procedure: TenderProcedure,
    bids: Sequence[Bid],
    provider: str | None = None,
    hook: ScoreHook | None = None,
) -> Award:
    """Award the procedure: to the best eligible bid, or (open house) to every eligible bid.

    ``provider`` confirms the intended winner; an ineligible or lower-ranked bid is refused.
    """
    scored = score(procedure, bids, hook)
    eligible = sorted((s for s in scored if s.eligible), key=lambda s: s.rank or 0)
    if not eligible:
        raise AwardRefused(
            f"no eligible bid in {procedure.key!r}: "
            + "; ".join(f"{s.provider}: {', '.join(s.reasons)}" for s in scored)
        )
    by_provider = {s.provider: s for s in scored}
    if provider is not None:
        chosen = by_provider.get(provider)
        if chosen is None:
            raise AwardRefused(f"{provider!r} did not bid in {procedure.key!r}")
        if not chosen.eligible:
            raise AwardRefused(f"{provider!r} is not eligible: {', '.join(chosen.reasons)}")
        if procedure.regime != Regime.OPEN_HOUSE and chosen.rank != 1:
            raise AwardRefused(
                f"{provider!r} ranks {chosen.rank}; the award goes to the best price-quality "
                f"ratio, {eligible[0].provider!r} ({eligible[0].total:.2f} against {chosen.total:.2f})"
            )
    winners = eligible if procedure.regime == Regime.OPEN_HOUSE else eligible[:1]
    contracts = tuple(_contract(procedure, w, i) for i, w in enumerate(winners, start=1))
    return Award(
        procedure=procedure.key,
        regime=procedure.regime,
        winners=tuple(w.provider for w in winners),
        scored=tuple(scored),
        rationale=_rationale(procedure, scored, winners),
        contracts=contracts,
    )


def _contract(procedure: TenderProcedure, winner: ScoredBid, number: int) -> Contract:
    parts: dict[str, Decimal] = {}
    if procedure.participants:
        for participant in procedure.participants:
            parts[participant.municipality] = (
                winner.price * Decimal(str(participant.share)) / 100
            ).quantize(CENT, ROUND_HALF_UP)
        parts[procedure.lead_municipality] += winner.price - sum(parts.values())
    requirements = procedure.requirements
    return Contract(
        id=f"{procedure.key}-contract-{number}",
        provider=winner.provider,
        value=winner.price,
        starts=requirements.starts if requirements else procedure.starts,
        ends=requirements.ends if requirements else procedure.ends,
        parts=parts,
    )


def _rationale(
    procedure: TenderProcedure, scored: Sequence[ScoredBid], winners: Sequence[ScoredBid]
) -> str:
    names = {p.key: p.name for p in procedure.providers}
    criteria = ", ".join(f"{c.name} {c.weight:g}%" for c in procedure.award_criteria)

    def line(s: ScoredBid) -> str:
        parts = ", ".join(f"{c.key} {s.points[c.key]:.1f}" for c in procedure.award_criteria)
        return f"{names.get(s.provider, s.provider)}: {s.total:.2f} of 10 ({parts}; EUR {s.price:,.0f})"

    ranked = sorted((s for s in scored if s.eligible), key=lambda s: s.rank or 0)
    text = [f"Criteria: {criteria}."]
    if procedure.regime == Regime.OPEN_HOUSE:
        text.append(f"Open house: every eligible provider is contracted ({len(winners)}).")
    else:
        text.append(
            f"Awarded on the best price-quality ratio to {names.get(winners[0].provider, winners[0].provider)}."
        )
    open_house = procedure.regime == Regime.OPEN_HOUSE
    text += [(f"- {line(s)}" if open_house else f"{s.rank}. {line(s)}") for s in ranked]
    text += [
        f"Not eligible: {names.get(s.provider, s.provider)}: {', '.join(s.reasons)}."
        for s in scored
        if not s.eligible
    ]
    return "\n".join(text)
