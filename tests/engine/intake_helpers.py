"""Helpers for the intake tests: a town with two teams, reports, and the database's end state."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sample_town import SRC, SampleTown, defaults, members
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from wijkteamkit import Neighbourhood, Team
from wijkteamkit.domain import Indicator
from wijkteamkit.domain.team import TeamLeader
from wijkteamkit.intake.feed import DebtReport

SOURCE = "vroegsignalering"
CENTRUM, NOORD = "team-centrum", "team-noord"


def two_teams(**parts: Any) -> SampleTown:
    """Sample town with a second neighbourhood (postcodes 5678) served by ``team-noord``."""
    base = defaults()
    noord = Neighbourhood(
        key="noord", name="Noord", target_households=100, postcodes=("5678",), source=SRC
    )
    team = Team(
        key=NOORD,
        name="Team Noord",
        neighbourhood="noord",
        members=members("nurse", "social-worker", "social-worker"),
        leader=TeamLeader(
            employer="municipality",
            organisation="Gemeente Teststad",
            hours_per_week=24,
            municipality_paid_hours=8,
        ),
        source=SRC,
    )
    return SampleTown(
        neighbourhoods=[*base["neighbourhoods"], noord], teams=[*base["teams"], team], **parts
    )


class DebtIndicator:
    """A plugin that defines the indicator debt early-warning signals flag."""

    def wijkteamkit_indicators(self) -> Any:
        return [Indicator(key="payment-arrears", name="Payment arrears", domains=("financien",))]


TODAY = date(2016, 3, 1)
"""The engine's clock in the tests (case_helpers.T0) is 2016-03-01."""


def report(external_id: str, today: date = TODAY, **fields: Any) -> DebtReport:
    """A valid report (validated as the feed reader does on ``today``), ``fields`` changed."""
    values: dict[str, Any] = {
        "external_id": external_id,
        "signal_date": "2016-02-01",
        "creditor_kind": "energy",
        "creditor": "Stroom BV",
        "surname": "Jansen",
        "initials": "J.P.",
        "postcode": "1234AB",
        "house_number": 1,
        "birth_date": "1970-05-01",
        "arrears_eur": Decimal("120.50"),
        "arrears_since": "2015-12-01",
    }
    values.update(fields)
    return DebtReport.model_validate(values, context={"today": today})


STATE_COLUMNS = {
    "household": "id municipality neighbourhood team postcode house_number house_number_suffix"
    " case_state created_at closed_at",
    "person": "id household_id role birth_date name bsn phone email",
    "signal": "id household_id reporter received_at summary indicators team state source"
    " external_reference creditor_kind creditor arrears_cents arrears_since",
    "signal_reference": "id municipality source external_reference signal_id",
    "audit_entry": "seq municipality at actor actor_role action subject detail outcome reason"
    " prev_hash hash",
}
"""The columns compared, in the order the tests index them."""


def end_state(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the intake writes, in id order (the maintenance view: all municipalities)."""
    state = {}
    with engine.connect() as connection:
        for name, columns in STATE_COLUMNS.items():
            table = SQLModel.metadata.tables[name]
            chosen = [table.c[c] for c in columns.split()]
            query = select(*chosen).order_by(*table.primary_key.columns, *chosen[:2])
            state[name] = [tuple(row) for row in connection.execute(query)]
    return state


FEED_SIZE = 60
"""Reports in the concurrency test's feed: repeated addresses, creditors and references."""


def feed() -> list[tuple[int, DebtReport]]:
    """A feed whose reports merge and repeat: 20 addresses, 3 creditors, every 7th a rerun."""
    creditors = [("energy", "Stroom BV"), ("water", "Water NV"), ("housing", "Woonstichting")]
    reports = []
    for n in range(FEED_SIZE):
        kind, creditor = creditors[n % 3]
        reference = f"R{n - 7 if n % 7 == 6 else n}"
        postcode = "1234AB" if n % 2 else "5678CD"
        reports.append(
            report(
                reference,
                postcode=postcode,
                house_number=n % 20 + 1,
                creditor_kind=kind,
                creditor=creditor,
                arrears_eur=f"{n}.00",
            )
        )
    return list(enumerate(reports, 2))


def ingest_child(url: str, chunk: int, barrier: Any, results: Any) -> None:  # pragma: no cover
    """In a spawned process: receive :func:`feed` in chunks, starting with the others."""
    from case_helpers import Clock

    from wijkteamkit.engine.casework import Casework
    from wijkteamkit.engine.intake import Intake
    from wijkteamkit.store.database import connect
    from wijkteamkit.testing import PluginHarness

    try:
        harness = PluginHarness()
        harness.register(two_teams())
        casework = Casework(connect(url), harness.load(), Clock())
        intake = Intake(casework, SOURCE)
        rows = feed()
        barrier.wait(60)
        outcomes = []
        for start in range(0, len(rows), chunk):
            outcomes += [o.outcome.value for o in intake.write(rows[start : start + chunk])]
        casework.engine.dispose()
        results.put(outcomes)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails
        results.put(f"{type(exc).__name__}: {exc}")
