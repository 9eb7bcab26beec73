"""Consents through the batch path: what one at a time writes, each row bound to its audit
entry (an edit is caught), all or nothing, items named."""

from __future__ import annotations

from typing import Any

import pytest
from batch_a_helpers import (
    actions,
    batch,
    chain_intact,
    counts,
    other_team,
    received,
    rows,
    served_by_another_team,
    triaged,
)
from case_helpers import assessment, consent
from sqlalchemy import text
from sqlmodel import Session, select

from wijkteamkit.domain.case import ConsentIn
from wijkteamkit.domain.events import ConsentChanged
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.consents import ConsentOps
from wijkteamkit.engine.errors import AccessDenied, IllegalTransition, RuleViolation
from wijkteamkit.store.audit import verify
from wijkteamkit.store.tables import AuditEntryRow


def record_in(session: CaseSession, consents: list[ConsentIn]) -> list[int]:
    with batch(session) as tx:
        return ConsentOps(session.context).record_consents_in(tx, consents)


def assessed(worker: CaseSession) -> int:
    household = triaged(worker)
    worker.record_assessment(household, assessment({"financien": 3}))
    return household


def inputs(households: list[int]) -> list[ConsentIn]:
    return [
        consent(households[0]),
        consent(households[1], recipients={"Team-Centrum "}, purpose=" CaseWork", form="spoken"),
        consent(
            households[0],
            scope=frozenset({"financien"}),
            valid_to=assessment().held_at.replace(year=2017),
        ),
    ]


def test_a_batch_records_as_one_at_a_time_does_and_binds_each_row(
    casework: Casework, worker: CaseSession
) -> None:
    alone = [assessed(worker) for _ in range(2)]
    batched = [assessed(worker) for _ in range(2)]
    for item in inputs(alone):
        worker.record_consent(item)
    ids = record_in(worker, inputs(batched))
    assert len(set(ids)) == 3
    assert [rows(casework, h) for h in batched] == [rows(casework, h) for h in alone]
    assert rows(casework, batched[1])["consents"][0][:2] == ("casework", ["team-centrum"])
    assert [rows(casework, h)["case"] for h in batched] == ["consent_recorded"] * 2
    with Session(casework.engine) as db:
        bound = [
            e.detail["record"]
            for e in db.exec(select(AuditEntryRow).where(AuditEntryRow.action == "consent.given"))
            if e.detail["consent"] in ids
        ]
    assert [(b["table"], b["id"]) for b in bound] == [("consent", i) for i in ids]
    assert chain_intact(casework)


def test_an_edited_batch_consent_is_caught(casework: Casework, worker: CaseSession) -> None:
    households = [assessed(worker) for _ in range(2)]
    ids = record_in(worker, inputs(households))
    with casework.engine.begin() as connection:
        _drop_guards(connection)
        connection.execute(
            text("UPDATE consent SET form = 'written' WHERE id = :id"), {"id": ids[1]}
        )
    with Session(casework.engine) as db:
        problems = [b.problem for b in verify(db)]
    assert problems == [f"consent {ids[1]} was changed"]


def test_each_consent_of_a_batch_is_announced_after_commit(
    casework: Casework, worker: CaseSession
) -> None:
    seen: list[ConsentChanged] = []

    class Listener:
        from wijkteamkit import hookimpl

        @hookimpl
        def wijkteamkit_consent_changed(self, event: ConsentChanged) -> None:
            seen.append(event)

    casework.loaded.plugins.manager.register(Listener())
    households = [assessed(worker) for _ in range(2)]
    ids = record_in(worker, inputs(households))
    assert [(e.consent, e.change, e.household) for e in seen] == [
        (ids[0], "given", households[0]),
        (ids[1], "given", households[1]),
        (ids[2], "given", households[0]),
    ]


def test_another_teams_household_refuses_the_batch_and_only_the_refusal_is_kept(
    casework: Casework, worker: CaseSession
) -> None:
    ours, theirs = assessed(worker), assessed(worker)
    served_by_another_team(casework, theirs)
    before = counts(casework)
    with pytest.raises(AccessDenied, match=r"\[team\] item 1: household \d+ is another team's"):
        record_in(worker, [consent(ours), consent(theirs)])
    assert counts(casework) == {**before, "audit_entry": before["audit_entry"] + 1}
    assert actions(casework)[-1] == ("access.refused", "team")
    assert rows(casework, ours)["case"] == "assessed"
    with pytest.raises(AccessDenied, match=r"\[team\] household \d+ is another team's"):
        record_in(other_team(casework), [consent(ours)])
    record_in(worker, [consent(ours)])  # its own team may
    assert chain_intact(casework)


@pytest.mark.parametrize(
    ("fields", "rule", "message"),
    [
        ({"scope": frozenset({"geluk"})}, "life-domain", r"item 1: consent scope names unknown"),
        ({"recipients": {"Straße"}}, "folded-text", r"item 1: the consent recipient"),
        ({"valid_from": assessment().held_at.replace(year=2017)}, "date", r"item 1: valid_from"),
    ],
)
def test_a_bad_item_is_named_and_nothing_written(
    casework: Casework, worker: CaseSession, fields: dict[str, Any], rule: str, message: str
) -> None:
    household = assessed(worker)
    before = counts(casework)
    with pytest.raises(RuleViolation, match=message) as refused:
        record_in(worker, [consent(household), consent(household, **fields)])
    assert refused.value.rule == rule
    assert counts(casework) == before


def test_a_household_not_assessed_yet_is_an_illegal_step(
    casework: Casework, worker: CaseSession
) -> None:
    ready, (early, _) = assessed(worker), received(worker)
    before = counts(casework)
    with pytest.raises(IllegalTransition, match=r"item 1: case of household \d+: cannot go"):
        record_in(worker, [consent(ready), consent(early)])
    assert counts(casework) == before
    record_in(worker, [consent(ready)])


def _drop_guards(connection: Any) -> None:
    """Remove the append-only triggers on ``consent``, as its owner could."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE consent DISABLE TRIGGER USER"))
        return
    names = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'consent'")
    ).scalars()
    for name in list(names):
        connection.execute(text(f"DROP TRIGGER {name}"))
