"""Arnhem (GM0202): a partner in Nijmegen-Noord's maatschappelijk opdrachtgeverschap experiment (2012).

The sources say only that the experiment is shaped together with Arnhem and Lingewaard
(000_dc26d9cf0f115e39.txt, last paragraph; 001_525b1e9afc52d031.txt, Uitvoeringsnotitie §8
"Wijknetwerken"). The area Arnhem brings in is illustrative; its share in the joint procedure is
set by the lead municipality's procedure (the Nijmegen plugin). Arnhem describes no teams here.
"""

from __future__ import annotations

from datetime import date

from wijkteamkit import hookimpl
from wijkteamkit.domain import Municipality, Neighbourhood, Principle, Source

NEWS = Source(
    document="000_dc26d9cf0f115e39.txt",
    section="last paragraph (experiment with Arnhem and Lingewaard)",
)
NOTE = Source(document="001_525b1e9afc52d031.txt", section="Uitvoeringsnotitie §8 Wijknetwerken")


@hookimpl
def wijkteamkit_municipality() -> Municipality:
    return Municipality(
        code="GM0202",
        name="Arnhem",
        province="Gelderland",
        reference_date=date(2012, 6, 1),
        source=NEWS,
    )


@hookimpl
def wijkteamkit_principles() -> tuple[Principle, ...]:
    return (
        Principle(
            key="gezamenlijk-experiment",
            name="Joint experiment in maatschappelijk opdrachtgeverschap",
            statement="Together with Nijmegen (lead) and the other partner, Arnhem experiments with a neighbourhood "
            "network writing a programme of requirements from its profile, on which providers bid; the partners "
            "exchange knowledge and experience.",
            source=NOTE,
        ),
    )


@hookimpl
def wijkteamkit_neighbourhoods() -> tuple[Neighbourhood, ...]:
    return (
        Neighbourhood(
            key="malburgen",
            name="Malburgen",
            source=Source(
                document=NOTE.document,
                section=NOTE.section,
                illustrative=True,
                note="the sources do not say which area Arnhem brings into the experiment",
            ),
        ),
    )
