"""Household scripts: every input and decision of a synthetic caseload, made from a seed.

Pure: no database, no clock; the same setup, seed, size and start give the same scripts. The
caseload streams in batches in the order the signals arrive, so a million households never sit
in memory at once.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal

from ..domain import EscalationRule, EscalationTarget, MunicipalitySetup, Signal
from ..domain.case import AssessmentIn, ConsentIn, HouseholdIn, MemberRole, PlanIn
from ..domain.common import local_date
from ..domain.signal import CreditorKind, Debt, Reporter
from ..engine.policy import DisclosurePolicy
from ..engine.proposals import Proposal, ordered, propose
from . import addresses, people, plans, scores

BATCH = 150
"""Households per team in a batch: the writer writes each phase of a batch in one transaction
per team (see :mod:`.writer`), so a batch holds this many times the number of teams."""

PERIOD_DAYS = 365
"""The signals arrive spread evenly over this many days from the start."""

DEFAULT_START = date(2025, 1, 1)

SOURCE = "synthetic"
"""The source of every synthetic signal; their texts begin with ``[synthetisch]``."""

CREDITORS = (
    (CreditorKind.HOUSING, "[synthetisch] woningcorporatie", 0.4),
    (CreditorKind.ENERGY, "[synthetisch] energieleverancier", 0.3),
    (CreditorKind.WATER, "[synthetisch] waterbedrijf", 0.1),
    (CreditorKind.HEALTH_INSURER, "[synthetisch] zorgverzekeraar", 0.2),
)

REPORTERS = (
    (Reporter.GP, 0.16),
    (Reporter.POLICE, 0.08),
    (Reporter.HOUSING, 0.12),
    (Reporter.SCHOOL, 0.09),
    (Reporter.INFORMAL_CARER, 0.07),
    (Reporter.RESIDENT, 0.15),
    (Reporter.TEAM, 0.09),
    (Reporter.DEBT_EARLY_WARNING, 0.18),
    (Reporter.OTHER, 0.06),
)
"""Who reports, and how often: every kind occurs."""

CONCERNS = {
    Reporter.GP: "zorgen over gezondheid en draagkracht",
    Reporter.POLICE: "melding na politie-inzet",
    Reporter.HOUSING: "huurachterstand en overlast",
    Reporter.SCHOOL: "kind vaak afwezig",
    Reporter.INFORMAL_CARER: "mantelzorger raakt overbelast",
    Reporter.RESIDENT: "bewoner vraagt zelf om hulp",
    Reporter.TEAM: "collega signaleert zorgen",
    Reporter.DEBT_EARLY_WARNING: "betalingsachterstand gemeld",
    Reporter.OTHER: "zorgen gemeld door een andere partij",
}

REJECTIONS = (
    "[synthetisch] het team houdt de regie",
    "[synthetisch] de problematiek is al in beeld bij een andere partij",
    "[synthetisch] de bewoner pakt dit op met het eigen netwerk",
)

Decision = Literal["confirm", "reject", "leave"]
DECISIONS: tuple[Decision, ...] = ("confirm", "reject", "leave")


@dataclass(frozen=True)
class EscalationScript:
    """What the team leader does with an escalation the rules will propose."""

    rule: str
    target: str
    handover: str
    decision: Decision
    responsible: str | None = None
    organisation: str | None = None
    reason: str | None = None
    ends: bool = False


@dataclass(frozen=True)
class ConsentScript:
    """The consent given at the kitchen table (the household's id is known only when written)."""

    recipients: frozenset[str]
    scope: frozenset[str]
    valid_from: datetime
    form: Literal["spoken", "written"]

    def for_household(self, household: int) -> ConsentIn:
        """The consent as the engine takes it."""
        return ConsentIn(
            subject=household,
            purpose="casework",
            recipients=self.recipients,
            scope=self.scope,
            valid_from=self.valid_from,
            form=self.form,
        )


@dataclass(frozen=True)
class HouseholdScript:
    """One household's course through the work process; ``None`` marks a step it never reaches.

    The ``*_at`` moments are when each step happens (the engine's clock when written).
    """

    number: int
    neighbourhood: str
    team: str
    household: HouseholdIn
    signal: Signal
    triaged_at: datetime
    integral: bool
    assessment: AssessmentIn | None = None
    consent: ConsentScript | None = None
    escalations: tuple[EscalationScript, ...] = ()
    decided_at: datetime | None = None
    plan: PlanIn | None = None
    drafted_at: datetime | None = None
    finalised_at: datetime | None = None
    ended_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def assessed_at(self) -> datetime | None:
        """When the kitchen-table conversation was held, if it was."""
        return None if self.assessment is None else self.assessment.held_at


def caseload(
    setup: MunicipalitySetup,
    households: int,
    seed: int,
    start: date = DEFAULT_START,
    first: int = 0,
    batch: int | None = None,
) -> Iterator[list[HouseholdScript]]:
    """The scripts of ``households`` households, ``batch`` at a time (default :data:`BATCH`
    per team), in the order their signals arrive over :data:`PERIOD_DAYS` days from ``start``.

    ``first`` numbers the first household (and picks its BSNs): give the number of households
    generated before when adding to a caseload, so that no BSN is used twice. Raises
    :class:`LookupError` when no neighbourhood of the setup can take a household.
    """
    maker = _Maker(setup, random.Random(seed), start)
    size = batch or BATCH * len({a.team for a in maker.areas})
    scripts: list[HouseholdScript] = []
    for n in range(households):
        day = n * PERIOD_DAYS // max(households, 1)
        scripts.append(maker.household(first + n, day))
        if len(scripts) == size:
            yield scripts
            scripts = []
    if scripts:
        yield scripts


def _after(rng: random.Random, moment: datetime, low: float, high: float) -> datetime:
    """A moment ``low`` to ``high`` days after ``moment``, to the second."""
    return moment + timedelta(seconds=int(rng.uniform(low, high) * 86400))


class _Maker:
    """Draws one household after another from one random stream."""

    def __init__(self, setup: MunicipalitySetup, rng: random.Random, start: date) -> None:
        self.setup = setup
        self.rng = rng
        self.start = datetime.combine(start, time(7, 0), tzinfo=UTC)
        self.areas = addresses.areas(setup)
        self.domains = [d.key for d in setup.life_domains]
        self.indicators = {i.key for i in setup.indicators}
        self.policy = DisclosurePolicy.from_setup(setup)
        self._dated: dict[date, tuple[MunicipalitySetup, tuple[EscalationRule, ...]]] = {}
        self.provisions = plans.maatwerk(setup)

    def _on(self, day: date) -> tuple[MunicipalitySetup, tuple[EscalationRule, ...]]:
        """The setup as it stands on ``day`` and its rules in order, as the engine proposes by
        them on the day of the assessment (built once per date)."""
        if day not in self._dated:
            dated = self.setup.on(day)
            self._dated[day] = dated, ordered(dated)
        return self._dated[day]

    def household(self, number: int, day: int) -> HouseholdScript:
        rng = self.rng
        area = rng.choices(self.areas, [a.weight for a in self.areas])[0]
        where = addresses.address(rng, area)
        received = self.start + timedelta(days=day, seconds=rng.randrange(9 * 3600))
        members = people.members(rng, received.date(), number)
        children = any(m.role is MemberRole.CHILD for m in members)
        reporter = rng.choices([r for r, _ in REPORTERS], [w for _, w in REPORTERS])[0]
        signal = Signal(
            reporter=reporter,
            received_at=received,
            summary=f"[synthetisch] {CONCERNS[reporter]}",
            indicators=scores.signal_indicators(rng, reporter, self.indicators, children),
            source=SOURCE,
            debt=_debt(rng, received.date()) if reporter is Reporter.DEBT_EARLY_WARNING else None,
        )
        triaged = _after(rng, received, 0.05, 3)
        integral = rng.random() < (0.55 if reporter is Reporter.RESIDENT else 0.8)
        script = HouseholdScript(
            number=number,
            neighbourhood=area.neighbourhood.key,
            team=area.team,
            household=HouseholdIn(
                postcode=where.postcode,
                house_number=where.house_number,
                house_number_suffix=where.suffix,
                members=members,
            ),
            signal=signal,
            triaged_at=triaged,
            integral=integral,
        )
        if not integral:
            closed = _after(rng, triaged, 1, 14) if rng.random() < 0.6 else None
            return _replace(script, closed_at=closed)
        return self._casework(script, children)

    def _casework(self, script: HouseholdScript, children: bool) -> HouseholdScript:
        """Assessment, consent, escalation decisions, plan, de-escalation and closing."""
        rng = self.rng
        held = _after(rng, script.triaged_at, 5, 21)
        scored = scores.scores(rng, self.domains, script.signal.reporter, children)
        flagged = scores.assessed_indicators(rng, scored, self.indicators)
        assessment = AssessmentIn(
            scores=scored,
            indicators=flagged,
            network=tuple(rng.sample(("buurvrouw", "zus", "vriend", "broer"), rng.randint(0, 2))),
            informal_carers=("dochter",) if rng.random() < 0.15 else (),
            notes={d: f"[synthetisch] zorgen over {d}" for d, s in scored.items() if s == 1},
            held_at=held,
        )
        dated, rules = self._on(local_date(held))
        proposals = propose(dated, rules, scored, flagged | script.signal.indicators, ())
        consent = None
        if rng.random() < 0.88:
            targets = {p.target.key for p in proposals if rng.random() < 0.8}
            consent = ConsentScript(
                recipients=frozenset({script.team} | targets),
                scope=frozenset(scored),
                valid_from=held,
                form="written" if self.policy.written_required or rng.random() < 0.7 else "spoken",
            )
        decided = _after(rng, held, 2, 10)
        escalations = self._decisions(proposals, consent, decided)
        drafted = _after(rng, decided, 1, 10) if consent and rng.random() < 0.9 else None
        plan = plans.plan(rng, scored, self.provisions) if drafted else None
        finalised = _after(rng, drafted, 3, 21) if drafted and rng.random() < 0.85 else None
        last = finalised or drafted or decided
        ended = _after(rng, last, 30, 150) if any(e.ends for e in escalations) else None
        closable = drafted is not None and all(
            e.decision == "reject" or e.ends for e in escalations
        )
        closed = _after(rng, ended or last, 14, 120) if closable and rng.random() < 0.45 else None
        return _replace(
            script,
            assessment=assessment,
            consent=consent,
            escalations=escalations,
            decided_at=decided if escalations else None,
            plan=plan,
            drafted_at=drafted,
            finalised_at=finalised,
            ended_at=ended,
            closed_at=closed,
        )

    def _decisions(
        self,
        proposals: list[Proposal],
        consent: ConsentScript | None,
        at: datetime,
    ) -> tuple[EscalationScript, ...]:
        """What the team leader does with each escalation the engine's rules will propose after
        the first assessment (:func:`~wijkteamkit.engine.proposals.propose`): confirm most,
        reject some, leave a few proposed; end about half of those confirmed.

        Only what may be handed over is confirmed (the resident consented to the target, or the
        rule's legal basis covers it), and at most one transfer of the lead per household.
        """
        rng = self.rng
        decisions = []
        transferred = False
        for proposal in proposals:
            rule, target, key = proposal.rule, proposal.target, proposal.target.key
            transfer = target.handover == "transfer"
            wanted = rng.choices(DECISIONS, (0.65, 0.25, 0.10))[0]
            allowed = self._may_hand_over(rule, target, consent, at) and not (
                transfer and transferred
            )
            decision: Decision = "reject" if wanted == "confirm" and not allowed else wanted
            if decision == "confirm":
                transferred = transferred or transfer
                decisions.append(
                    EscalationScript(
                        rule.key,
                        key,
                        target.handover,
                        "confirm",
                        responsible=f"rp-{key}-{rng.randint(1, 3)}"[:80],
                        organisation=target.organisation or target.name,
                        ends=rng.random() < 0.55,
                    )
                )
            elif decision == "reject":
                decisions.append(
                    EscalationScript(
                        rule.key, key, target.handover, "reject", reason=rng.choice(REJECTIONS)
                    )
                )
            else:
                decisions.append(EscalationScript(rule.key, key, target.handover, "leave"))
        return tuple(decisions)

    def _may_hand_over(
        self,
        rule: EscalationRule,
        target: EscalationTarget,
        consent: ConsentScript | None,
        at: datetime,
    ) -> bool:
        if consent is not None and target.key in consent.recipients:
            return True
        basis = self.policy.exceptions.get(rule.legal_basis or "")
        return basis is not None and (
            basis.contains(local_date(at)) and basis.covers(target.key, target.kind.value)
        )


def _debt(rng: random.Random, on: date) -> Debt:
    """Arrears a creditor reports: a few months' worth, from a few hundred euros up."""
    kind, creditor, _ = rng.choices(CREDITORS, [w for *_, w in CREDITORS])[0]
    cents = int(rng.lognormvariate(6.5, 0.8) * 100)
    return Debt(
        creditor_kind=kind,
        creditor=creditor,
        arrears_eur=Decimal(cents) / 100,
        arrears_since=on - timedelta(days=rng.randint(30, 240)),
    )


def _replace(script: HouseholdScript, **changes: object) -> HouseholdScript:
    from dataclasses import replace

    return replace(script, **changes)  # type: ignore[arg-type]
