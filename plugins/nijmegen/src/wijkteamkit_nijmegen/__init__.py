"""Nijmegen (GM0268), 2012: the four pilots of the social neighbourhood teams.

Everything here encodes 001_525b1e9afc52d031.txt (the Uitvoeringsnotitie wijkpilots zorg &
welzijn 2012 with the Basisontwerp sociaal wijkteam and the covenant with the zorgkantoor and
VGZ) and the news item 000_dc26d9cf0f115e39.txt, citing the section of each fact; what the
sources leave open is marked illustrative. What Nijmegen shares with its neighbours
(Veiligheidshuis, FACT, Veilig Thuis, the zorgkantoor) comes from the ``regio-nijmegen`` region
plugin.
"""

from __future__ import annotations

from .area import (
    wijkteamkit_life_domains,
    wijkteamkit_municipality,
    wijkteamkit_neighbourhoods,
    wijkteamkit_principles,
)
from .escalation import (
    wijkteamkit_consent_policy,
    wijkteamkit_escalation_rules,
    wijkteamkit_escalation_targets,
)
from .money import (
    wijkteamkit_budgets,
    wijkteamkit_funding_streams,
    wijkteamkit_provisions,
    wijkteamkit_tender_procedures,
)
from .teams import (
    wijkteamkit_composition_rules,
    wijkteamkit_function_groups,
    wijkteamkit_team_functions,
    wijkteamkit_teams,
)

__all__ = [
    "wijkteamkit_budgets",
    "wijkteamkit_composition_rules",
    "wijkteamkit_consent_policy",
    "wijkteamkit_escalation_rules",
    "wijkteamkit_escalation_targets",
    "wijkteamkit_function_groups",
    "wijkteamkit_funding_streams",
    "wijkteamkit_life_domains",
    "wijkteamkit_municipality",
    "wijkteamkit_neighbourhoods",
    "wijkteamkit_principles",
    "wijkteamkit_provisions",
    "wijkteamkit_team_functions",
    "wijkteamkit_teams",
    "wijkteamkit_tender_procedures",
]
