"""The ladder (the covenant's order of help), derived from a plan and checked: pure functions.

The rungs, lowest first: own strength, network, algemene voorziening, maatwerkvoorziening
(covenant Zorgkantoor / VGZ / Gemeente Nijmegen, 001: "wat kunnen burgers zelf of met
familie/vrienden/vrijwilligers? welke collectieve voorzieningen? welke individuele
voorzieningen zijn verder nog nodig?"). An action's rung is never a label a worker picks:

* an action that names a provision takes the rung of the provision's kind (``algemeen`` ->
  algemene voorziening, ``maatwerk`` -> maatwerkvoorziening);
* an action without a provision is carried out by the resident (own strength), by an informal
  carer, the network or a volunteer (network: the covenant puts volunteers with family and
  friends), or by a professional without a provision: the team's own work (information,
  advice, cliëntondersteuning), open to every resident without a decision, so an algemene
  voorziening.

Nothing here reads the database, so screening and monitoring can use it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..domain import MunicipalitySetup, Provision, ProvisionKind
from ..domain.case import LOWER_RUNGS, ActionBy, PlanAction, PlanIn, Rung
from ..domain.funding import Delivery
from ..money.funding import PGB_ARTICLE
from .errors import RuleViolation

RUNGS: tuple[Rung, ...] = (*LOWER_RUNGS, Rung.MAATWERKVOORZIENING)
"""The rungs in ladder order, lowest first."""

BY_ACTOR: Mapping[ActionBy, Rung] = {
    ActionBy.SELF: Rung.OWN_STRENGTH,
    ActionBy.INFORMAL_CARER: Rung.NETWORK,
    ActionBy.NETWORK: Rung.NETWORK,
    ActionBy.VOLUNTEER: Rung.NETWORK,
    ActionBy.PROFESSIONAL: Rung.ALGEMENE_VOORZIENING,
}
"""The rung of an action without a provision, by who carries it out."""

BY_KIND: Mapping[ProvisionKind, Rung] = {
    ProvisionKind.ALGEMEEN: Rung.ALGEMENE_VOORZIENING,
    ProvisionKind.MAATWERK: Rung.MAATWERKVOORZIENING,
}
"""The rung of an action that uses a provision, by the provision's kind."""


def below(rung: Rung) -> tuple[Rung, ...]:
    """The rungs under ``rung``, lowest first."""
    return RUNGS[: RUNGS.index(rung)]


def provision_of(setup: MunicipalitySetup, key: str) -> Provision:
    """The setup's provision ``key``; refused as ``provision`` when it has none."""
    found = setup.get("provisions", key)
    if not isinstance(found, Provision):
        raise RuleViolation(
            f"unknown provision {key!r:.80} in {setup.municipality.name}; name one of its "
            "provisions (wijkteamkit show lists them)",
            rule="provision",
        )
    return found


def kind_of(provision: Provision) -> ProvisionKind:
    """The provision's kind; a provision without one is refused (``provision-kind``)."""
    if provision.kind is None:
        raise RuleViolation(
            f"provision {provision.key!r} has no kind (algemeen or maatwerk), so its rung on "
            "the ladder is unknown; the municipality's setup must give one (validation reports "
            "it as provision-kind)",
            rule="provision-kind",
        )
    return provision.kind


def rung_of(action: PlanAction, setup: MunicipalitySetup) -> Rung:
    """The action's rung: from its provision's kind, else from who carries it out."""
    if action.provision is None:
        return BY_ACTOR[action.actor]
    return BY_KIND[kind_of(provision_of(setup, action.provision))]


def check_delivery(provision: Provision | None, delivery: Delivery) -> None:
    """A personal budget only for a maatwerkvoorziening that offers one (rule ``pgb``)."""
    if delivery is not Delivery.PGB:
        return
    if provision is None:
        raise RuleViolation(
            "a persoonsgebonden budget (pgb) pays for a provision; name the provision or "
            "deliver in kind (zin)",
            rule="pgb",
        )
    if kind_of(provision) is ProvisionKind.ALGEMEEN:
        raise RuleViolation(
            f"provision {provision.key!r} is an algemene voorziening: open access, no personal "
            f"budget ({PGB_ARTICLE} offers a pgb for a maatwerkvoorziening only); deliver it "
            "in kind (zin)",
            rule="pgb",
        )
    if Delivery.PGB not in provision.delivery:
        raise RuleViolation(
            f"provision {provision.key!r} is delivered in kind (zin) only, not as a "
            "persoonsgebonden budget (pgb)",
            rule="pgb",
        )


def derived_actions(plan: PlanIn, setup: MunicipalitySetup) -> tuple[PlanAction, ...]:
    """The plan's actions, each checked and carrying its derived rung.

    Refused: an unknown provision (``provision``), a provision without a kind
    (``provision-kind``), a ``rung`` given that contradicts the derived one (``rung``), a
    personal budget where none is offered (``pgb``).
    """
    actions = []
    for number, action in enumerate(plan.actions, start=1):
        provision = None if action.provision is None else provision_of(setup, action.provision)
        rung = rung_of(action, setup)
        if action.rung is not None and action.rung is not rung:
            because = (
                f"its provision {provision.key!r} is {kind_of(provision).value}"
                if provision is not None
                else f"{action.actor.value} carries it out without a provision"
            )
            raise RuleViolation(
                f"action {number} is labelled {action.rung.value}, but {because}, so its rung is "
                f"{rung.value}; leave rung out or give the derived one",
                rule="rung",
            )
        check_delivery(provision, action.delivery)
        actions.append(action.model_copy(update={"rung": rung}))
    return tuple(actions)


def missing_considerations(
    rungs: Iterable[Rung], considerations: Mapping[Rung, str]
) -> tuple[Rung, ...]:
    """The lower rungs a plan with these action ``rungs`` has not considered, lowest first:
    every rung under a maatwerkvoorziening when the plan uses one, else none."""
    if Rung.MAATWERKVOORZIENING not in set(rungs):
        return ()
    return tuple(
        r for r in below(Rung.MAATWERKVOORZIENING) if not considerations.get(r, "").strip()
    )


def check_ladder(plan: PlanIn, setup: MunicipalitySetup) -> tuple[PlanAction, ...]:
    """:func:`derived_actions`, and a plan that uses a maatwerkvoorziening records why each
    lower rung does not suffice (rule ``ladder``, naming the missing rungs)."""
    actions = derived_actions(plan, setup)
    missing = missing_considerations(
        (a.rung for a in actions if a.rung), plan.ladder_considerations
    )
    if missing:
        names = ", ".join(r.value for r in missing)
        raise RuleViolation(
            "the plan uses a maatwerkvoorziening but does not record why these lower rungs do "
            f"not suffice: {names} (ladder_considerations)",
            rule="ladder",
        )
    return actions
