"""Citations into the Nijmegen sources.

001_525b1e9afc52d031.txt holds three parts: the Uitvoeringsnotitie wijkpilots zorg & welzijn
2012 (numbered chapters §1-§9), the Basisontwerp sociaal wijkteam (§1-§5.3) and the covenant
Zorgkantoor - VGZ - Gemeente Nijmegen (unnumbered headings). 000_dc26d9cf0f115e39.txt is the
2012 news item.
"""

from __future__ import annotations

from wijkteamkit.domain import Source

NOTE = "001_525b1e9afc52d031.txt"
NEWS = "000_dc26d9cf0f115e39.txt"


def notitie(section: str) -> Source:
    """A section of the Uitvoeringsnotitie."""
    return Source(document=NOTE, section=f"Uitvoeringsnotitie {section}")


def basisontwerp(section: str) -> Source:
    """A section of the Basisontwerp sociaal wijkteam."""
    return Source(document=NOTE, section=f"Basisontwerp {section}")


def convenant(section: str) -> Source:
    """A heading of the covenant Zorgkantoor - VGZ - Gemeente Nijmegen."""
    return Source(document=NOTE, section=f"Convenant: {section}")


def news(section: str) -> Source:
    return Source(document=NEWS, section=section)


def illustrative(why: str, section: str | None = None) -> Source:
    """Something the sources do not give, filled in plausibly; ``why`` says what is invented."""
    return Source(document=NOTE, section=section, illustrative=True, note=why)
