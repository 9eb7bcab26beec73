"""The merged, validated setup of one municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import Field

from .budget import Budget
from .common import Item, Model, Period
from .consent import ConsentPolicy, LegalBasis
from .escalation import EscalationRule, EscalationTarget
from .funding import FundingStream, Law, Provision
from .lifedomain import Indicator, LifeDomain
from .mandate import Mandate
from .municipality import Municipality, Neighbourhood, Principle
from .team import CompositionRule, FunctionGroup, Team, TeamFunction
from .tender import TenderProcedure
from .terms import StatutoryTerm


class MunicipalitySetup(Model):
    """Everything the layers supplied for one municipality, merged by key.

    ``origins`` maps ``"<collection>/<key>"`` (and ``"municipality"``, ``"consent_policy"``)
    to the plugin that supplied the item, so that findings and audits can name it.
    """

    municipality: Municipality
    neighbourhoods: tuple[Neighbourhood, ...] = ()
    teams: tuple[Team, ...] = ()
    function_groups: tuple[FunctionGroup, ...] = ()
    team_functions: tuple[TeamFunction, ...] = ()
    composition_rules: tuple[CompositionRule, ...] = ()
    life_domains: tuple[LifeDomain, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    escalation_targets: tuple[EscalationTarget, ...] = ()
    escalation_rules: tuple[EscalationRule, ...] = ()
    laws: tuple[Law, ...] = ()
    legal_bases: tuple[LegalBasis, ...] = ()
    statutory_terms: tuple[StatutoryTerm, ...] = ()
    funding_streams: tuple[FundingStream, ...] = ()
    provisions: tuple[Provision, ...] = ()
    consent_policy: ConsentPolicy = ConsentPolicy()
    tender_procedures: tuple[TenderProcedure, ...] = ()
    budgets: tuple[Budget, ...] = ()
    principles: tuple[Principle, ...] = ()
    mandates: tuple[Mandate, ...] = ()
    origins: dict[str, str] = Field(default_factory=dict)

    @property
    def code(self) -> str:
        """The CBS code, e.g. ``GM0268``."""
        return self.municipality.code

    def get(self, collection: str, key: str) -> Item | None:
        """The item with ``key`` in ``collection`` (a field name such as ``"teams"``), if any."""
        items: tuple[Item, ...] = getattr(self, collection)
        return next((item for item in items if item.key == key), None)

    def origin(self, location: str) -> str:
        """The plugin that supplied the item at ``location`` (``"teams/lindenholt"``)."""
        return self.origins.get(location, "")

    def on(self, when: date) -> MunicipalitySetup:
        """The setup as it stands on ``when``: only the items of :data:`DATED_COLLECTIONS` and
        the provision funding valid that day, the consent policy's exceptions whose legal basis
        is in force then, and the origins of what is kept."""
        dated: dict[str, tuple[Item, ...]] = {}
        gone: set[str] = set()
        for name in DATED_COLLECTIONS:
            items: tuple[Item, ...] = getattr(self, name)
            dated[name] = tuple(i for i in items if not isinstance(i, Period) or i.contains(when))
            gone |= {f"{name}/{i.key}" for i in items} - {f"{name}/{i.key}" for i in dated[name]}
        provisions = tuple(
            p.model_copy(update={"funding": tuple(p.funding_on(when))}) for p in self.provisions
        )
        bases = {b.key: b for b in self.legal_bases}
        policy = self.consent_policy
        exceptions = tuple(
            k for k in policy.exceptions if k not in bases or bases[k].contains(when)
        )
        return self.model_copy(
            update={
                **dated,
                "provisions": provisions,
                "consent_policy": policy.model_copy(update={"exceptions": exceptions}),
                "origins": {k: v for k, v in self.origins.items() if k not in gone},
            }
        )


DATED_COLLECTIONS: tuple[str, ...] = (
    "escalation_targets",
    "escalation_rules",
    "laws",
    "legal_bases",
    "funding_streams",
)
"""The collections whose items have a validity period, kept by :meth:`MunicipalitySetup.on`
only when valid on the day."""


@dataclass(frozen=True)
class Collection:
    """A keyed collection of the setup: its field name, the model of its items, its hook."""

    name: str
    model: type[Item]

    @property
    def hook(self) -> str:
        """The configuration hook that supplies the collection (``wijkteamkit_teams``)."""
        return f"wijkteamkit_{self.name}"


COLLECTIONS: tuple[Collection, ...] = (
    Collection("neighbourhoods", Neighbourhood),
    Collection("teams", Team),
    Collection("function_groups", FunctionGroup),
    Collection("team_functions", TeamFunction),
    Collection("composition_rules", CompositionRule),
    Collection("life_domains", LifeDomain),
    Collection("indicators", Indicator),
    Collection("escalation_targets", EscalationTarget),
    Collection("escalation_rules", EscalationRule),
    Collection("laws", Law),
    Collection("legal_bases", LegalBasis),
    Collection("statutory_terms", StatutoryTerm),
    Collection("funding_streams", FundingStream),
    Collection("provisions", Provision),
    Collection("tender_procedures", TenderProcedure),
    Collection("budgets", Budget),
    Collection("principles", Principle),
    Collection("mandates", Mandate),
)
"""The setup's collections of keyed items, in the order they are merged, shown and validated:
the one table of collection, hook and model that loading, the TOML format, the JSON Schema and
the reference are built from."""

KEYED_COLLECTIONS: tuple[str, ...] = tuple(c.name for c in COLLECTIONS)
"""The names of :data:`COLLECTIONS`."""
