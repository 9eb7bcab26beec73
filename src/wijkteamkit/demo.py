"""A realistic pilot on a fresh database, driven by a municipality's own setup.

Four households in the first team's neighbourhood: a single question answered at once; a
multi-problem household whose assessment makes the rules propose the multi-problem team, which
takes the lead with a named responsible party and hands it back; a request to share data without
consent, refused; and a report to the domestic-violence service under a legal basis (the
meldcode), without consent. Every step goes through the engine and is audited; at the end the
audit chain is verified.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from .domain import (
    EscalationTarget,
    MunicipalitySetup,
    Neighbourhood,
    ProvisionKind,
    Signal,
    TargetKind,
    Team,
)
from .domain.case import Actor, AssessmentIn, ConsentIn, HouseholdIn, PersonIn, PlanIn
from .domain.common import local_date
from .engine.casework import CaseSession, Casework
from .engine.errors import ConsentRequired
from .store import audit, tenancy

DEFAULT_DAY = date(2015, 3, 2)
"""The demo runs after the 2015 reform by default: Veilig Thuis and the meldrecht exist then."""


def start_day(setup: MunicipalitySetup) -> date:
    """The day the pilot starts without ``--on``: the municipality's ``reference_date`` (the day
    its setup describes), else :data:`DEFAULT_DAY`."""
    return setup.municipality.reference_date or DEFAULT_DAY


Say = Callable[[str], None]


@dataclass
class DemoReport:
    """What the demo did, for callers and tests."""

    households: list[int] = field(default_factory=list)
    escalated_to: str | None = None
    refused: str | None = None
    reported_under: str | None = None
    granted_directly: str | None = None
    audit_entries: int = 0
    audit_intact: bool = False


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def days(self, n: float) -> datetime:
        self.now += timedelta(days=n)
        return self.now


def _team_and_area(setup: MunicipalitySetup) -> tuple[Team, Neighbourhood]:
    for neighbourhood in sorted(
        setup.neighbourhoods, key=lambda n: (n.team_start or date.max, n.key)
    ):
        team = next((t for t in setup.teams if t.neighbourhood == neighbourhood.key), None)
        if team is not None and neighbourhood.postcodes:
            return team, neighbourhood
    raise LookupError(
        f"{setup.municipality.name} has no team serving a neighbourhood with postcodes"
    )


def _postcode(neighbourhood: Neighbourhood, n: int) -> str:
    low = neighbourhood.postcodes[0].split("-")[0]
    return low[:4] + ("AB", "CD", "EF", "GH")[n % 4] if len(low) == 4 else low


def _target(setup: MunicipalitySetup, kind: TargetKind) -> EscalationTarget | None:
    return next((t for t in setup.escalation_targets if t.kind is kind), None)


def run_demo(casework: Casework, say: Say, on: date = DEFAULT_DAY) -> DemoReport:
    """Run the pilot on ``casework`` (a fresh database), narrating each step through ``say``."""
    setup = casework.setup
    clock = _Clock(datetime.combine(on, time(9, 0), tzinfo=UTC))
    casework.clock = clock
    team, area = _team_and_area(setup)
    code = setup.code

    def person(actor_id: str, role: str, organisation: str) -> CaseSession:
        return casework.as_actor(
            Actor(
                id=actor_id,
                role=role,
                municipality=code,
                organisation=organisation,
                team=team.key,
            )
        )

    anna = person("mw-0412", "worker", "maatschappelijk werk")
    bram = person("wv-0077", "worker", "wijkverpleging")
    leader = person(
        "tl-0003", "team_leader", team.leader.organisation if team.leader else "gemeente"
    )
    report = DemoReport()
    say(f"{setup.municipality.name} ({code}): team {team.name} in {area.name}, from {on}")

    def household(n: int, born: int) -> HouseholdIn:
        return HouseholdIn(
            postcode=_postcode(area, n),
            members=(PersonIn(role="head", birth_date=date(born, 6, 1)),),
        )

    # 1. a single question from the GP, answered at once
    h1, s1 = anna.receive_signal(
        Signal(reporter="gp", received_at=clock.now, summary="vraag over mantelzorg"),
        household(0, 1941),
    )
    anna.triage(s1, integral=False)
    report.households.append(h1)
    say(
        f"  household {h1}: GP asks about support for an informal carer -> single question, answered at once"
    )

    # 2. a multi-problem household signalled by the housing corporation
    clock.days(1)
    h2, s2 = anna.receive_signal(
        Signal(
            reporter="housing",
            received_at=clock.now,
            summary="huurachterstand, verwaarlozing woning",
        ),
        household(1, 1978),
    )
    anna.triage(s2, integral=True)
    clock.days(2)
    scores = {
        "financien": 1,
        "huisvesting": 2,
        "sociaal-netwerk": 2,
        "geestelijke-gezondheid": 3,
        "werk-opleiding": 2,
    }
    result = anna.record_assessment(
        h2,
        AssessmentIn(
            scores=scores, held_at=clock.now, informal_carers=("zus",), network=("buurvrouw",)
        ),
    )
    report.households.append(h2)
    say(
        f"  household {h2}: housing signals rent arrears -> home visit; kitchen-table conversation scores "
        f"{sum(1 for s in scores.values() if s <= 2)} domains as problems"
    )
    multiproblem = _target(setup, TargetKind.MULTIPROBLEM_TEAM)
    recipients = {team.key} | ({multiproblem.key} if multiproblem else set())
    anna.record_consent(
        ConsentIn(
            subject=h2,
            purpose="casework",
            recipients=frozenset(recipients),
            scope=frozenset(scores),
            valid_from=clock.now,
            form="written",
        )
    )
    say(f"  household {h2}: written consent to share with {', '.join(sorted(recipients))}")
    plan = anna.draft_plan(
        h2,
        PlanIn(
            goals=(
                {"domain": "financien", "goal": "Huurachterstand afgelost"},
                {"domain": "sociaal-netwerk", "goal": "Zus en buurvrouw helpen mee"},
            ),
            actions=(
                {
                    "description": "Betalingsregeling met de corporatie",
                    "domain": "financien",
                    "actor": "self",
                    "rung": "own_strength",
                },
                {
                    "description": "Zus helpt met de administratie",
                    "domain": "sociaal-netwerk",
                    "actor": "informal_carer",
                    "rung": "network",
                },
            ),
        ),
        case_director="mw-0412",
    )
    anna.finalise_plan(plan, 1)
    say(f"  household {h2}: plan {plan} final, owned by the resident; case director mw-0412")
    chosen = _confirm_one(casework, leader, result.proposed, multiproblem, report, say, h2)
    if chosen is not None:
        clock.days(30)
        leader.de_escalate(chosen)
        say(f"  household {h2}: de-escalated after 30 days; the lead is back with team {team.key}")

    # 3. a school worries; the team may share with no one else without consent
    clock.days(1)
    h3, s3 = bram.receive_signal(
        Signal(reporter="school", received_at=clock.now, summary="kind vaak afwezig"),
        household(2, 1985),
    )
    bram.triage(s3, integral=True)
    bram.record_assessment(
        h3, AssessmentIn(scores={"huiselijke-relaties": 3, "tijdsbesteding": 3}, held_at=clock.now)
    )
    report.households.append(h3)
    decision = bram.disclose(h3, "GGD", "casework", ["huiselijke-relaties"])
    report.refused = decision.reason.value if not decision.permitted else None
    say(
        f"  household {h3}: school signal; sharing with the GGD without consent -> {decision.outcome} "
        f"({decision.reason.value}), audited"
    )

    # 4. domestic violence: a report to the domestic-violence service under the meldcode
    clock.days(1)
    h4, s4 = anna.receive_signal(
        Signal(
            reporter="police",
            received_at=clock.now,
            summary="melding huiselijk geweld",
            indicators=frozenset({"domestic-violence"}),
        ),
        household(3, 1990),
    )
    anna.triage(s4, integral=True)
    anna.record_assessment(
        h4,
        AssessmentIn(
            scores={"huiselijke-relaties": 1},
            held_at=clock.now,
            indicators=frozenset({"domestic-violence"}),
        ),
    )
    report.households.append(h4)
    service = _target(setup, TargetKind.DOMESTIC_VIOLENCE_SERVICE)
    basis = (
        None
        if service is None
        else next(
            (
                b
                for b in casework.policy.exceptions.values()
                if b.contains(local_date(clock.now)) and b.covers(service.key, service.kind.value)
            ),
            None,
        )
    )
    if service is None or basis is None:
        say(
            f"  household {h4}: no domestic-violence service or legal basis in force on {clock.now.date()}; "
            "no report without consent is possible"
        )
    else:
        decision = anna.disclose(
            h4, service.key, "melding", ["huiselijke-relaties"], legal_basis=basis.key
        )
        report.reported_under = basis.key if decision.permitted else None
        say(
            f"  household {h4}: police signal of domestic violence -> report to {service.name} without consent "
            f"under {basis.name} ({basis.article or basis.key}): {decision.outcome}"
        )

    # 5. a provision with direct access, granted without the team (Zwolle's cleaning support)
    direct = next(
        (p for p in setup.provisions if p.access == "direct" and p.kind is ProvisionKind.ALGEMEEN),
        None,
    )
    if direct is not None:
        clock.days(1)
        anna.grant_direct_provision(h1, direct.key)
        report.granted_directly = direct.key
        say(
            f"  household {h1}: {direct.name} granted directly, without a kitchen-table "
            "conversation or a plan (an algemene voorziening with direct access), audited"
        )

    with Session(casework.engine) as db:
        tenancy.bind(db, code)
        breaks = audit.verify(db, code)
        report.audit_entries = audit.count(db, code)
    report.audit_intact = not breaks
    say(f"audit log: {report.audit_entries} entries, chain {'intact' if not breaks else 'BROKEN'}")
    return report


def _confirm_one(
    casework: Casework,
    leader: CaseSession,
    proposed: tuple[int, ...],
    wanted: EscalationTarget | None,
    report: DemoReport,
    say: Say,
    household: int,
) -> int | None:
    from sqlmodel import select

    from .store.tables import EscalationRow

    with Session(casework.engine) as db:
        tenancy.bind(db, casework.setup.code)
        rows = db.exec(select(EscalationRow).where(EscalationRow.household_id == household)).all()
    chosen = next(
        (r for r in rows if wanted is not None and r.target == wanted.key and r.id in proposed),
        None,
    )
    for row in rows:
        if row is not chosen and row.id is not None:
            leader.reject_escalation(row.id, "the team keeps the lead")
    if chosen is None or chosen.id is None:
        say(f"  household {household}: no rule proposed a multi-problem team")
        return None
    try:
        leader.confirm_escalation(
            chosen.id, "M. de Vries", wanted.name if wanted else chosen.target
        )
    except ConsentRequired as exc:
        say(f"  household {household}: escalation refused: {exc}")
        return None
    report.escalated_to = chosen.target
    say(
        f"  household {household}: rule {chosen.rule!r} proposed {chosen.target}; the team leader confirms: "
        f"the lead moves to {chosen.target}, responsible M. de Vries"
    )
    return chosen.id
