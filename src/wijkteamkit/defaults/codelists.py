"""National code lists: the iWmo product categories (WMO020) a provision's ``iwmo_category``
must come from."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from wijkteamkit.domain import Source

IWMO_SOURCE = Source(
    document="iWmo 3.2, codelijst WMO020, Zorginstituut Nederland",
    section="WMO020 Productcategorie",
)

IWMO_CATEGORIES: Mapping[str, str] = MappingProxyType(
    {
        "01": "Hulp bij het huishouden",
        "02": "Begeleiding",
        "03": "Persoonlijke verzorging",
        "04": "Kortdurend verblijf",
        "05": "Woondiensten",
        "06": "Overige ondersteuning gericht op het individu of huishouden/gezin",
        "07": "Dagbesteding",
        "08": "Vervoerdiensten",
        "09": "Overige groepsgerichte ondersteuning",
        "10": "Overige maatwerk arrangementen",
        "11": "Rolstoelen",
        "12": "Vervoervoorzieningen",
        "13": "Woonvoorzieningen",
        "14": "Overige hulpmiddelen",
        "15": "Beschermd wonen",
        "16": "Opvang",
        "17": "Spoedopvang",
        "18": "Overige beschermd wonen en opvang",
    }
)
"""Code to name, as listed in WMO020 (:data:`IWMO_SOURCE`)."""


def iwmo_category_name(code: str) -> str | None:
    """The name of iWmo product category ``code`` (``"07"`` -> ``"Dagbesteding"``), or ``None``
    when WMO020 has no such code."""
    return IWMO_CATEGORIES.get(code)
