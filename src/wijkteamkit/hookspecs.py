"""Hook specifications: the contract between the core and the plugins that supply local practice.

Layers, from general to specific: ``national`` (inside the core), ``region``, ``municipality``,
``local`` (a plugin file). Each municipality gets its own plugin manager holding its layers.

*Configuration hooks* return a list of items (models, or mappings that validate into them).
The core calls every layer and merges the results **by key**: an item from a more specific layer
replaces the item with the same key from a less specific one; a :class:`~wijkteamkit.Remove`
drops it. Two items with the same key from one layer are a ``duplicate-key`` finding.
Every configuration hook may take ``municipality`` (the :class:`~wijkteamkit.Municipality` being
loaded), so that a region or local plugin can tailor what it supplies.

*Behaviour hooks* are called at run time; the most specific layer that answers (not ``None``)
wins.

*Event hooks* are announced by the casework engine after a change is committed; every
implementation in every layer is called (their return values are ignored), so an embedding
system can forward them. An exception in an event hook does not undo the committed change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import pluggy

from .domain import (
    Bid,
    Budget,
    CompositionRule,
    ConsentPolicy,
    Delivery,
    EscalationRule,
    EscalationTarget,
    FunctionGroup,
    FundingStream,
    Indicator,
    Law,
    LegalBasis,
    LifeDomain,
    Mandate,
    Municipality,
    MunicipalitySetup,
    Neighbourhood,
    Principle,
    Provision,
    Remove,
    Signal,
    StatutoryTerm,
    Team,
    TeamFunction,
    TenderProcedure,
)

if TYPE_CHECKING:
    from .domain.events import (
        ConsentChanged,
        DeEscalated,
        DisclosureDecided,
        Escalated,
        PlanFinalised,
        SignalReceived,
    )
    from .money.funding import Resolution

PROJECT = "wijkteamkit"

hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec(firstresult=True)
def wijkteamkit_municipality() -> Municipality | Mapping[str, Any] | None:
    """Say which municipality this plugin describes.

    :return: the :class:`~wijkteamkit.Municipality` (CBS code, name, province, and the region
        plugins it uses), or ``None`` from a plugin that is not a municipality plugin.

    Implemented by exactly one plugin per municipality: the **municipality** layer (an installed
    plugin, or a local file that defines a municipality of its own). The entry-point name of an
    installed municipality plugin must equal the CBS code returned here.
    """


@hookspec
def wijkteamkit_neighbourhoods(
    municipality: Municipality,
) -> Sequence[Neighbourhood | Remove | Mapping[str, Any]]:
    """Supply the neighbourhoods (wijken) the teams serve.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.Neighbourhood` items (key, name, sub-areas, households,
        target share or households, team start date, postcodes).

    Merged by key. Usually the **municipality** layer; a **local** file may add or correct one.
    """


@hookspec
def wijkteamkit_teams(municipality: Municipality) -> Sequence[Team | Remove | Mapping[str, Any]]:
    """Supply the social neighbourhood teams: members, leader, shared base.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.Team` items; each names its neighbourhood and the composition
        rule it is checked against.

    Merged by key. **Municipality** and **local** layers.
    """


@hookspec
def wijkteamkit_function_groups(
    municipality: Municipality,
) -> Sequence[FunctionGroup | Remove | Mapping[str, Any]]:
    """Supply the groups of functions a team must cover (e.g. housing, welfare, care).

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.FunctionGroup` items.

    Merged by key. Any layer.
    """


@hookspec
def wijkteamkit_team_functions(
    municipality: Municipality,
) -> Sequence[TeamFunction | Remove | Mapping[str, Any]]:
    """Supply the professional functions team members hold, each in a function group.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.TeamFunction` items (``opbouwwerker`` in group ``housing``, ...).

    Merged by key. Any layer.
    """


@hookspec
def wijkteamkit_composition_rules(
    municipality: Municipality,
) -> Sequence[CompositionRule | Remove | Mapping[str, Any]]:
    """Supply the rules teams are composed by: size bounds, required functions, minimum hours.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.CompositionRule` items; a team refers to one by key
        (``"default"`` unless it says otherwise).

    Merged by key. **Municipality** and **local** layers (a region may supply a shared rule).
    """


@hookspec
def wijkteamkit_life_domains(
    municipality: Municipality,
) -> Sequence[LifeDomain | Remove | Mapping[str, Any]]:
    """Supply life domains (leefgebieden) an assessment scores.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.LifeDomain` items. The **national** layer supplies the 13
        domains of the Zelfredzaamheid-Matrix 2017; a municipality may add its own domains and
        map them onto ZRM domains with ``maps_to``.

    Merged by key. Any layer.
    """


@hookspec
def wijkteamkit_indicators(
    municipality: Municipality,
) -> Sequence[Indicator | Remove | Mapping[str, Any]]:
    """Supply the indicators a signal or assessment can flag (domestic violence, justice, ...).

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.Indicator` items; escalation rules refer to them by key.

    Merged by key. Any layer.
    """


@hookspec
def wijkteamkit_escalation_targets(
    municipality: Municipality,
) -> Sequence[EscalationTarget | Remove | Mapping[str, Any]]:
    """Supply the bodies a team escalates or refers to (regieteam, Veiligheidshuis, FACT, ...).

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.EscalationTarget` items with kind, level, what they accept and
        whether a hand-over transfers the lead or only shares the case.

    Merged by key. **Region** (shared bodies) and **municipality** layers.
    """


@hookspec
def wijkteamkit_escalation_rules(
    municipality: Municipality,
) -> Sequence[EscalationRule | Remove | Mapping[str, Any]]:
    """Supply the declarative rules that propose an escalation after an assessment.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.EscalationRule` items: a condition over domain scores and
        indicators, the target key, a priority, whether the target may be approached directly
        and under which legal basis.

    Merged by key. **Region** and **municipality** layers.
    """


@hookspec
def wijkteamkit_laws(municipality: Municipality) -> Sequence[Law | Remove | Mapping[str, Any]]:
    """Supply laws and schemes with the period they were in force.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.Law` items. The **national** layer supplies AWBZ, Wmo 2007,
        Wmo 2015, Zvw, Wlz, Jeugdwet, Participatiewet, WPG and their predecessors.

    Merged by key. The **national** layer; others only to correct it.
    """


@hookspec
def wijkteamkit_legal_bases(
    municipality: Municipality,
) -> Sequence[LegalBasis | Remove | Mapping[str, Any]]:
    """Supply legal bases, such as the meldrecht to Veilig Thuis or a covenant.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.LegalBasis` items; those marked
        ``allows_disclosure_without_consent`` may be named as consent exceptions.

    Merged by key. **National** (law), **region** and **municipality** (covenants) layers.
    """


@hookspec
def wijkteamkit_statutory_terms(
    municipality: Municipality,
) -> Sequence[StatutoryTerm | Remove | Mapping[str, Any]]:
    """Supply statutory terms: how long a step of a Wmo 2015 request may take.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.domain.StatutoryTerm` items (from one step of a request to a
        later one, a length in days or weeks, the law and article, a validity period). The
        **national** layer supplies the investigation within six weeks of the report
        (art. 2.3.2 Wmo 2015) and the decision within two weeks of the application (art. 2.3.5).

    Merged by key. **National** (law) and **municipality** layers: a municipality may promise a
    shorter term under the national key, never a longer one (``statutory-term-longer``).
    """


@hookspec
def wijkteamkit_funding_streams(
    municipality: Municipality,
) -> Sequence[FundingStream | Remove | Mapping[str, Any]]:
    """Supply funding streams: the law or scheme, the funder, the validity period.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.FundingStream` items.

    Merged by key. **National** (Wmo, AWBZ, Zvw, Wlz, Jeugdwet, ...) and **municipality**
    (subsidies, covenants) layers.
    """


@hookspec
def wijkteamkit_provisions(
    municipality: Municipality,
) -> Sequence[Provision | Remove | Mapping[str, Any]]:
    """Supply provisions (voorzieningen) and the funding stream that pays for each, per period.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.Provision` items (algemeen or maatwerk, ZIN/PGB, iWmo category).

    Merged by key. **National** (the statutory provisions across the 2015 reform) and
    **municipality** layers.
    """


@hookspec(firstresult=True)
def wijkteamkit_consent_policy(
    municipality: Municipality,
) -> ConsentPolicy | Mapping[str, Any] | None:
    """Supply the consent policy: which legal bases allow disclosure without consent, retention.

    :param municipality: the municipality being loaded.
    :return: a :class:`~wijkteamkit.ConsentPolicy`, or ``None`` to leave it to a less specific
        layer.

    The most specific layer that returns a policy wins, whole. Any layer.
    """


@hookspec
def wijkteamkit_tender_procedures(
    municipality: Municipality,
) -> Sequence[TenderProcedure | Remove | Mapping[str, Any]]:
    """Supply maatschappelijk opdrachtgeverschap procedures.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.TenderProcedure` items (neighbourhood, commissioning body,
        regime, participating municipalities with shares, award criteria with weights).

    Merged by key. **Municipality** layer (the lead municipality of a joint procedure).
    """


@hookspec
def wijkteamkit_budgets(
    municipality: Municipality,
) -> Sequence[Budget | Remove | Mapping[str, Any]]:
    """Supply budgets: cost lines in groups, and the coverage by source.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.Budget` items.

    Merged by key. **Municipality** layer.
    """


@hookspec
def wijkteamkit_principles(
    municipality: Municipality,
) -> Sequence[Principle | Remove | Mapping[str, Any]]:
    """Supply working principles and arrangements the municipality commits to.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.Principle` items, e.g. "one household, one plan, one
        director" or "institutions mandate the team over their workers in a household".

    Merged by key. **Region** and **municipality** layers.
    """


@hookspec
def wijkteamkit_mandates(
    municipality: Municipality,
) -> Sequence[Mandate | Remove | Mapping[str, Any]]:
    """Supply the organisations that mandate the team over their workers in a household.

    :param municipality: the municipality being loaded.
    :return: :class:`~wijkteamkit.Mandate` items: the organisation, named as the teams'
        members name it, and the period the mandate holds. In a plan, an action assigned to a
        professional of a mandating organisation binds it; an action for any other
        organisation is a request it may accept or decline.

    Merged by key. **Municipality** layer (a region may supply what its municipalities share).
    """


@hookspec(firstresult=True)
def wijkteamkit_route_signal(setup: MunicipalitySetup, signal: Signal) -> str | None:
    """Decide which team a signal goes to (behaviour hook, called at run time).

    :param setup: the municipality's merged setup.
    :param signal: the signal received, with the household's postcode or neighbourhood.
    :return: the key of the team, or ``None`` to let a less specific layer decide.

    The most specific layer that answers wins. The **national** layer routes by the signal's
    neighbourhood, else by postcode to the neighbourhood's team; a municipality may override.
    """


@hookspec(firstresult=True)
def wijkteamkit_resolve_funding(
    setup: MunicipalitySetup, provision: Provision, on: date, delivery: Delivery
) -> Resolution | Mapping[str, Any] | None:
    """Decide which funding stream pays for a provision on a date (behaviour hook).

    :param setup: the municipality's merged setup.
    :param provision: the provision asked about.
    :param on: the date.
    :param delivery: ``zin`` (zorg in natura) or ``pgb`` (persoonsgebonden budget).
    :return: a :class:`~wijkteamkit.money.funding.Resolution`, or ``None`` to let the core
        resolve it from the provision's funding periods and the streams valid on that date.

    The most specific layer that answers wins. Implement it for a local arrangement the funding
    periods cannot express (a pilot paid from a covenant for some neighbourhoods, say).
    """


@hookspec(firstresult=True)
def wijkteamkit_score_bid(
    procedure: TenderProcedure, bid: Bid, bids: tuple[Bid, ...]
) -> float | None:
    """Score one eligible bid in a tender procedure (behaviour hook).

    :param procedure: the procedure, with its award criteria and weights.
    :param bid: the bid to score.
    :param bids: every eligible bid (to compare prices, say).
    :return: the total on a scale of 0-10, or ``None`` for the core's best price-quality ratio
        (weighted criteria; the lowest eligible price gets full marks on a price criterion).

    The most specific layer that answers wins. **Municipality** layer (the lead municipality).
    """


@hookspec
def wijkteamkit_signal_received(setup: MunicipalitySetup, event: SignalReceived) -> None:
    """Announce that a signal was received and routed to a team (event hook).

    :param setup: the municipality's merged setup.
    :param event: the :class:`~wijkteamkit.domain.events.SignalReceived` event.

    Every implementation is called after the change is committed. Any layer.
    """


@hookspec
def wijkteamkit_plan_finalised(setup: MunicipalitySetup, event: PlanFinalised) -> None:
    """Announce that a household's plan became final (event hook).

    :param setup: the municipality's merged setup.
    :param event: the :class:`~wijkteamkit.domain.events.PlanFinalised` event.

    Every implementation is called after the change is committed. Any layer.
    """


@hookspec
def wijkteamkit_escalated(setup: MunicipalitySetup, event: Escalated) -> None:
    """Announce a confirmed escalation: the lead transferred, or the case shared (event hook).

    :param setup: the municipality's merged setup.
    :param event: the :class:`~wijkteamkit.domain.events.Escalated` event, with the
        responsible party and the legal basis of a direct approach.

    Every implementation is called after the change is committed. Any layer.
    """


@hookspec
def wijkteamkit_de_escalated(setup: MunicipalitySetup, event: DeEscalated) -> None:
    """Announce that an escalation ended and the lead returned to the team (event hook).

    :param setup: the municipality's merged setup.
    :param event: the :class:`~wijkteamkit.domain.events.DeEscalated` event.

    Every implementation is called after the change is committed. Any layer.
    """


@hookspec
def wijkteamkit_consent_changed(setup: MunicipalitySetup, event: ConsentChanged) -> None:
    """Announce that a consent was given or withdrawn (event hook).

    :param setup: the municipality's merged setup.
    :param event: the :class:`~wijkteamkit.domain.events.ConsentChanged` event.

    Every implementation is called after the change is committed. Any layer.
    """


@hookspec
def wijkteamkit_disclosure_decided(setup: MunicipalitySetup, event: DisclosureDecided) -> None:
    """Announce a disclosure decision, permit or deny (event hook).

    :param setup: the municipality's merged setup.
    :param event: the :class:`~wijkteamkit.domain.events.DisclosureDecided` event.

    Every implementation is called after the decision is recorded. Any layer.
    """
