"""Tenant isolation in the database: PostgreSQL row-level security, tested as the engine's role.

The deployment is built from the SQL in docs/database.md (an owner that migrates, an engine role
that is NOSUPERUSER NOBYPASSRLS and not the owner); two municipalities share one database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from case_helpers import T0, Clock, actor, assessment, consent
from rls_harness import REQUIRE_POSTGRES_ENV, doc_sql, postgres_admin_url
from sample_town import ON, SRC, SampleTown
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, select

from wijkteamkit import Municipality, Signal
from wijkteamkit.domain import IndicationIn
from wijkteamkit.domain.case import HouseholdIn, PersonIn, PlanIn
from wijkteamkit.domain.requests import RequestIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import CaseworkError, NotFound
from wijkteamkit.store import audit, tenancy
from wijkteamkit.store.database import DatabaseError, connect, open_database, upgrade
from wijkteamkit.store.tables import AuditHeadRow, HouseholdRow
from wijkteamkit.testing import PluginHarness

OTHER = "GM0002"
SIGNAL = Signal(reporter="gp", received_at=T0, summary="zorgen over schulden")
HOUSEHOLD = HouseholdIn(
    postcode="1234 AB", members=(PersonIn(role="head", birth_date=date(1970, 5, 1)),)
)
PLAN = PlanIn(
    goals=[{"domain": "financien", "goal": "Schulden op orde"}],
    actions=[
        {
            "description": "Budgetcursus in de wijk",
            "domain": "financien",
            "actor": "self",
            "rung": "algemene_voorziening",
            "provision": "schoonmaak",
        },
        {
            "description": "Schuldhulp door een organisatie buiten het team",
            "domain": "financien",
            "actor": "professional",
            "organisation": "Schuldhulp Elders",
        },
    ],
)

TENANT_TABLES = sorted(
    name for name, table in SQLModel.metadata.tables.items() if "municipality" in table.columns
)


@contextmanager
def _bound(session: CaseSession) -> Iterator[Session]:
    """A database session in one of ``session``'s engine transactions (tenant bound)."""
    with session.context.transaction("test") as tx:
        yield tx.db


def _run_as(dsn: str, statements: list[str], names: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in statements:
            for documented, actual in names.items():
                statement = statement.replace(documented, actual)
            conn.execute(statement)


@dataclass
class Deployment:
    """A database set up as docs/database.md says, migrated by the owner."""

    owner_url: str
    engine_url: str
    engine_role: str


def _url(admin: Any, user: str, database: str) -> str:
    rendered: str = admin.set(username=user, password=None, database=database).render_as_string(
        hide_password=False
    )
    return rendered


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    """Roles and database made with the SQL of docs/database.md, then migrated by the owner.

    Shared by the module's tests (each adds its own households; none assumes an empty
    database); the downgrade test, last, leaves it at head again."""
    import psycopg

    admin = make_url(postgres_admin_url())
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        psycopg.connect(dsn, connect_timeout=3).close()
    except psycopg.OperationalError:
        if os.environ.get(REQUIRE_POSTGRES_ENV):
            pytest.fail(f"PostgreSQL is required ({REQUIRE_POSTGRES_ENV}) but unreachable")
        pytest.skip(f"PostgreSQL not reachable at {postgres_admin_url()}")
    suffix = uuid.uuid4().hex[:10]
    database, owner, engine = (f"wtk_{kind}_{suffix}" for kind in ("rls", "owner", "engine"))
    names = {
        "wijkteamkit_owner": owner,
        "wijkteamkit_engine": engine,
        "DATABASE wijkteamkit": f"DATABASE {database}",
    }
    owner_url = _url(admin, owner, database)
    owner_dsn = make_url(owner_url).set(drivername="postgresql").render_as_string()
    try:
        _run_as(dsn, doc_sql("sql-superuser"), names)
        _run_as(owner_dsn, doc_sql("sql-database"), names)
        open_database(owner_url).dispose()  # `wijkteamkit db upgrade` as the owner
        _run_as(owner_dsn, doc_sql("sql-after-upgrade"), names)
        yield Deployment(owner_url, _url(admin, engine, database), engine)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            for role in (engine, owner):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def _town(code: str) -> Any:
    harness = PluginHarness()
    if code == "GM0001":
        harness.register(SampleTown())
    else:
        harness.register(
            SampleTown(
                municipality=Municipality(
                    code=code, name="Andere Stad", reference_date=ON, source=SRC
                )
            )
        )
    return harness.load()


@pytest.fixture
def engine(deployment: Deployment) -> Iterator[Engine]:
    """One engine, connected as the engine role, shared by both municipalities (one pool)."""
    engine = open_database(deployment.engine_url)
    yield engine
    engine.dispose()


@pytest.fixture
def towns(engine: Engine) -> tuple[CaseSession, CaseSession]:
    clock = Clock()
    here = Casework(engine, _town("GM0001"), clock).as_actor(actor())
    there = Casework(engine, _town(OTHER), clock).as_actor(actor(municipality=OTHER))
    return here, there


def _ref() -> str:
    return uuid.uuid4().hex


_2014 = date(2014, 3, 1)
"""The start of an AWBZ indication: the indication table's row."""


def _case(worker: CaseSession) -> int:
    """A household with a row in every tenant table: signal and its reference, assessment,
    escalation proposal, consents, a withdrawal, a disclosure, a direct grant, an indication,
    a Wmo request, an answer to a requested plan action, audit entries."""
    referenced = SIGNAL.model_copy(update={"source": "huisarts", "external_reference": _ref()})
    household, signal = worker.receive_signal(referenced, HOUSEHOLD)  # no BSN: always a new one
    worker.triage(signal, integral=True)
    worker.record_assessment(household, assessment())
    worker.record_consent(consent(household))
    plan = worker.draft_plan(household, PLAN, case_director="Anna")
    worker.finalise_plan(plan, expected_version=1)
    elsewhere = worker.actor.model_copy(update={"id": "Sam", "organisation": "Schuldhulp Elders"})
    worker.casework.as_actor(elsewhere).respond_to_action(plan, 1, "accepted")
    worker.record_consent(consent(household, recipients={"regieteam"}))
    with _bound(worker) as db:  # bound: the newest consent is this municipality's
        latest = db.execute(text("SELECT max(id) FROM consent")).scalar_one()
    worker.withdraw_consent(latest)
    worker.disclose(household, "regieteam", "casework", ["financien"])
    worker.grant_direct_provision(household, "schoonmaak")
    worker.record_indication(
        IndicationIn(household=household, provision="begeleiding", law="awbz", valid_from=_2014)
    )
    worker.report_request(
        RequestIn(household=household, provision="begeleiding", reported_on=T0.date())
    )
    return household


def _assert_refused_by_policy(error: CaseworkError) -> None:
    """The engine translated the error (no SQL in its message); the cause was the policy."""
    cause = error.__context__
    assert isinstance(cause, DBAPIError)
    assert "violates row-level security policy" in str(cause.orig)
    assert "GM0002" not in str(error) and "INSERT" not in str(error)


def _municipalities(db: Session | Connection, table: str) -> set[str]:
    return {row[0] for row in db.execute(text(f"SELECT municipality FROM {table}"))}


# --- the schema -------------------------------------------------------------------------------


def test_every_table_with_a_municipality_is_forced_under_row_level_security(
    deployment: Deployment,
) -> None:
    """A table that gains a municipality column but no policy fails here."""
    owner = connect(deployment.owner_url)
    with owner.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
                " array(SELECT polname FROM pg_policy WHERE polrelid = c.oid ORDER BY 1)"
                " FROM pg_class c WHERE c.relname = ANY(:names) AND c.relkind = 'r'"
            ),
            {"names": TENANT_TABLES},
        ).all()
        policies = conn.execute(
            text(
                "SELECT tablename, policyname, permissive, roles, cmd, qual, with_check"
                " FROM pg_policies WHERE tablename = ANY(:names)"
            ),
            {"names": TENANT_TABLES},
        ).all()
    owner.dispose()
    assert {r[0] for r in rows} == set(TENANT_TABLES)
    for name, enabled, forced, names in rows:
        assert (name, enabled, forced) == (name, True, True)
        assert names == ["tenant_isolation", "tenant_maintenance"], name
    owner_role = make_url(deployment.owner_url).username
    for table, policy, permissive, roles, command, using, check in policies:
        assert (permissive, command) == ("PERMISSIVE", "ALL"), (table, policy)
        if policy == "tenant_isolation":
            assert list(roles) == ["public"], table
            for expression in (using, check):  # the bound code, never '' or unset
                assert "NULLIF(current_setting('wijkteamkit.municipality'" in expression, table
        else:
            assert list(roles) == [owner_role], table
            assert (using, check) == ("true", "true"), table


def test_the_engine_role_is_no_superuser_no_bypass_and_not_the_owner(
    deployment: Deployment, engine: Engine
) -> None:
    with engine.connect() as conn:
        superuser, bypass = conn.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
        owners = set(
            conn.execute(
                text("SELECT tableowner FROM pg_tables WHERE tablename = ANY(:names)"),
                {"names": TENANT_TABLES},
            ).scalars()
        )
    assert (superuser, bypass) == (False, False)
    assert deployment.engine_role not in owners
    assert len(owners) == 1


def test_sqlite_is_untouched_and_binding_is_a_no_op(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path}/cases.db")
    worker = Casework(engine, _town("GM0001"), Clock()).as_actor(actor())
    household = _case(worker)
    with Session(engine) as db:
        tenancy.bind(db, OTHER)
        assert tenancy.sees_every_municipality(db)
        tenancy.require_every_municipality(db, "audit verify")
        assert db.get(HouseholdRow, household) is not None  # no policies on SQLite
    with engine.connect() as conn:
        tenancy.bind_connection(conn, OTHER)
        assert conn.execute(text("SELECT count(*) FROM household")).scalar_one() == 1
    engine.dispose()


# --- reads, writes and no binding as the engine role ------------------------------------------


def test_a_raw_select_in_an_engine_transaction_sees_only_its_own_municipality(
    towns: tuple[CaseSession, CaseSession],
) -> None:
    here, there = towns
    mine, theirs = _case(here), _case(there)
    for worker, code, own, foreign in (
        (here, "GM0001", mine, theirs),
        (there, OTHER, theirs, mine),
    ):
        with _bound(worker) as db:
            for table in TENANT_TABLES:
                assert _municipalities(db, table) == {code}, table
            # a lookup by primary key that forgets the municipality filter
            assert db.get(HouseholdRow, foreign) is None
            assert db.get(HouseholdRow, own) is not None
            heads = db.exec(select(AuditHeadRow)).all()
            assert [h.municipality for h in heads] == [code]


def test_writes_to_another_municipality_are_refused_or_touch_nothing(
    towns: tuple[CaseSession, CaseSession],
) -> None:
    here, there = towns
    mine, theirs = _case(here), _case(there)
    insert = text(
        "INSERT INTO household (municipality, postcode, case_state, created_at)"
        " VALUES (:code, '1234AB', 'signal', now())"
    )
    with pytest.raises(CaseworkError) as refused, _bound(here) as db:
        db.execute(insert, {"code": OTHER})
    _assert_refused_by_policy(refused.value)
    with pytest.raises(CaseworkError) as refused, _bound(here) as db:
        db.execute(
            text("UPDATE household SET municipality = :code WHERE id = :id"),
            {"code": OTHER, "id": mine},
        )
    _assert_refused_by_policy(refused.value)
    with _bound(here) as db:
        for statement in (
            "UPDATE household SET postcode = '9999ZZ' WHERE id = :id",
            "DELETE FROM person WHERE household_id = :id",
            "DELETE FROM household WHERE id = :id",
        ):
            assert db.execute(text(statement), {"id": theirs}).rowcount == 0  # type: ignore[attr-defined]
    with _bound(there) as db:
        row = db.get(HouseholdRow, theirs)
        assert row is not None and row.postcode != "9999ZZ"
        assert _municipalities(db, "person") == {OTHER}


def test_without_a_binding_nothing_is_visible_and_nothing_can_be_written(
    towns: tuple[CaseSession, CaseSession], engine: Engine
) -> None:
    here, there = towns
    _case(here), _case(there)
    with Session(engine) as db:  # never bound
        for table in TENANT_TABLES:
            assert _municipalities(db, table) == set(), table
    with engine.connect() as conn:
        # bound once and ended: PostgreSQL then reports the setting as '' rather than NULL
        with conn.begin():
            tenancy.bind_connection(conn, "GM0001")
            assert _municipalities(conn, "household") == {"GM0001"}
        with conn.begin():
            setting = conn.execute(
                text("SELECT current_setting('wijkteamkit.municipality', true)")
            ).scalar_one()
            assert setting == ""
            assert _municipalities(conn, "household") == set()
        for code in ("", "GM0001"):
            with pytest.raises(DBAPIError, match="row-level security"), conn.begin():
                conn.execute(
                    text(
                        "INSERT INTO household (municipality, postcode, case_state, created_at)"
                        " VALUES (:code, '1234AB', 'signal', now())"
                    ),
                    {"code": code},
                )


def test_the_binding_holds_after_a_commit_inside_an_operation(
    towns: tuple[CaseSession, CaseSession],
) -> None:
    """An operation that commits part-way (an audited refusal) is still bound afterwards."""
    here, there = towns
    mine, _ = _case(here), _case(there)
    with _bound(here) as db:
        db.commit()
        assert _municipalities(db, "household") == {"GM0001"}
        db.rollback()
        assert db.get(HouseholdRow, mine) is not None


def test_binding_again_replaces_the_binding_now_and_after_commit(
    towns: tuple[CaseSession, CaseSession], engine: Engine
) -> None:
    _case(towns[0]), _case(towns[1])
    with Session(engine) as db:
        tenancy.bind(db, "GM0001")
        assert _municipalities(db, "household") == {"GM0001"}
        tenancy.bind(db, OTHER)  # in the middle of a transaction: at once
        assert _municipalities(db, "household") == {OTHER}
        db.commit()
        assert _municipalities(db, "household") == {OTHER}
    with Session(engine) as db:  # a new session starts unbound
        assert _municipalities(db, "household") == set()


def test_the_engine_role_cannot_lift_the_policies_or_truncate(
    towns: tuple[CaseSession, CaseSession], engine: Engine
) -> None:
    _case(towns[0])
    for statement in (
        "ALTER TABLE household DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE household NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY tenant_isolation ON household",
        "TRUNCATE audit_entry",
        "UPDATE alembic_version SET version_num = '0001'",
        "CREATE POLICY everything ON household USING (true)",
        "SET row_security = off; SELECT count(*) FROM household",
    ):
        with engine.connect() as conn, pytest.raises(DBAPIError), conn.begin():
            conn.execute(text(statement))


def test_the_owner_too_is_bound_without_its_maintenance_policy(
    deployment: Deployment, towns: tuple[CaseSession, CaseSession]
) -> None:
    """FORCE ROW LEVEL SECURITY: the owner sees everything only through tenant_maintenance."""
    _case(towns[0]), _case(towns[1])
    owner = connect(deployment.owner_url)
    with owner.connect() as conn, conn.begin() as transaction:
        assert _municipalities(conn, "household") == {"GM0001", OTHER}
        conn.execute(text("DROP POLICY tenant_maintenance ON household"))
        assert _municipalities(conn, "household") == set()
        tenancy.bind_connection(conn, "GM0001")
        assert _municipalities(conn, "household") == {"GM0001"}
        transaction.rollback()
    owner.dispose()


def test_a_crafted_municipality_code_binds_to_nothing(
    towns: tuple[CaseSession, CaseSession], engine: Engine
) -> None:
    _case(towns[0]), _case(towns[1])
    for code in ("GM0001' OR '1'='1", "GM0001'); SELECT set_config('x', 'y', false); --", "%", ""):
        with Session(engine) as db:
            tenancy.bind(db, code)
            for table in TENANT_TABLES:
                assert _municipalities(db, table) == set(), (code, table)


def test_a_pooled_connection_carries_no_binding_into_the_next_transaction(
    deployment: Deployment,
) -> None:
    """One pooled connection serves both municipalities in turn, a failed operation included."""
    single = create_engine(deployment.engine_url, pool_size=1, max_overflow=0)
    clock = Clock()
    here = Casework(single, _town("GM0001"), clock).as_actor(actor())
    there = Casework(single, _town(OTHER), clock).as_actor(actor(municipality=OTHER))
    mine = _case(here)
    with pytest.raises(NotFound):
        there.read_case(mine)  # fails, and rolls back, on the same connection
    _case(there)
    with pytest.raises(CaseworkError), _bound(here) as db:
        db.execute(text("SELECT 1/0"))
    with Session(single) as db:
        assert _municipalities(db, "household") == set()
    with _bound(there) as db:
        assert _municipalities(db, "household") == {OTHER}
    with _bound(here) as db:
        assert _municipalities(db, "household") == {"GM0001"}
    single.dispose()


def test_two_municipalities_at_the_same_moment_each_see_their_own(
    towns: tuple[CaseSession, CaseSession],
) -> None:
    """Both transactions are open at once (a barrier), on two connections of one pool."""
    here, there = towns
    _case(here), _case(there)
    barrier = threading.Barrier(2, timeout=30)
    seen: dict[str, list[set[str]]] = {}

    def look(worker: CaseSession) -> None:
        with _bound(worker) as db:
            first = _municipalities(db, "audit_entry")
            barrier.wait()
            seen[worker.actor.municipality] = [first, _municipalities(db, "audit_entry")]

    threads = [threading.Thread(target=look, args=(w,)) for w in (here, there)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"GM0001": [{"GM0001"}] * 2, OTHER: [{OTHER}] * 2}


# --- two municipalities through the engine -----------------------------------------------------


def test_two_municipalities_in_one_database_stay_apart(
    towns: tuple[CaseSession, CaseSession],
) -> None:
    here, there = towns
    mine = [_case(here) for _ in range(2)]
    theirs = [_case(there) for _ in range(3)]
    for household in theirs:
        with pytest.raises(NotFound):
            here.read_case(household)
    for household in mine:
        with pytest.raises(NotFound):
            there.read_case(household)
        assert here.read_case(household) is not None
    with _bound(here) as db:
        visible = {h.id for h in db.exec(select(HouseholdRow)).all()}
        assert visible >= set(mine) and not visible & set(theirs)
        assert audit.verify(db, "GM0001") == []
        assert audit.count(db) == audit.count(db, "GM0001") > 0
    with _bound(there) as db:
        visible = {h.id for h in db.exec(select(HouseholdRow)).all()}
        assert visible >= set(theirs) and not visible & set(mine)
        assert audit.count(db) == audit.count(db, OTHER) > 0


def _census(url: str) -> dict[tuple[str, str], int]:
    """Rows per table and municipality, and rows pointing at another municipality's household,
    as the owner sees them (every municipality)."""
    owner = connect(url)
    counts: dict[tuple[str, str], int] = {}
    with owner.connect() as conn:
        for table in TENANT_TABLES:
            query = f"SELECT municipality, count(*) FROM {table} GROUP BY municipality"
            counts.update({(table, m): n for m, n in conn.execute(text(query))})
            if "household_id" in SQLModel.metadata.tables[table].columns:
                crossed = conn.execute(
                    text(
                        f"SELECT count(*) FROM {table} t JOIN household h"
                        " ON h.id = t.household_id WHERE h.municipality <> t.municipality"
                    )
                ).scalar_one()
                counts[(table, "crossed")] = crossed
    owner.dispose()
    return counts


def test_no_engine_write_reaches_another_municipality_by_id(
    deployment: Deployment, towns: tuple[CaseSession, CaseSession]
) -> None:
    """Every write that takes an id, given the other municipality's: not found, nothing written,
    and no row of one municipality ever points at a household of the other."""
    here, there = towns
    theirs = _case(there)
    with _bound(there) as db:
        their_consent = db.execute(text("SELECT max(id) FROM consent")).scalar_one()
        their_plan = db.execute(text("SELECT max(id) FROM plan")).scalar_one()
        their_escalation = db.execute(text("SELECT max(id) FROM escalation")).scalar_one()
    before = _census(deployment.owner_url)
    leader = here.casework.as_actor(actor("team_leader", "lars"))
    attempts = [
        lambda: here.receive_signal(SIGNAL, theirs),
        lambda: here.record_assessment(theirs, assessment()),
        lambda: here.record_consent(consent(theirs)),
        lambda: here.withdraw_consent(their_consent),
        lambda: here.disclose(theirs, "regieteam", "casework", ["financien"]),
        lambda: here.draft_plan(theirs, PLAN, case_director="Anna"),
        lambda: here.finalise_plan(their_plan, expected_version=1),
        lambda: here.close_case(theirs),
        lambda: leader.reject_escalation(their_escalation, "not ours"),
        lambda: leader.confirm_escalation(their_escalation, "M. de Vries", "Regieteam"),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    after = _census(deployment.owner_url)
    assert {k: v for k, v in after.items() if k[1] != "GM0001"} == {
        k: v for k, v in before.items() if k[1] != "GM0001"
    }
    assert all(n == 0 for (_, kind), n in after.items() if kind == "crossed")


# --- maintenance ---------------------------------------------------------------------------------


def test_the_owner_sees_every_municipality_and_the_engine_role_is_refused_maintenance(
    deployment: Deployment, towns: tuple[CaseSession, CaseSession], engine: Engine
) -> None:
    here, there = towns
    _case(here), _case(there)
    owner = connect(deployment.owner_url)
    with Session(owner) as db:
        assert tenancy.sees_every_municipality(db)
        tenancy.require_every_municipality(db, "audit verify")
        assert _municipalities(db, "household") == {"GM0001", OTHER}
        assert audit.verify(db) == []
        assert {h.municipality for h in db.exec(select(AuditHeadRow)).all()} == {"GM0001", OTHER}
    upgrade(owner)  # the owner can migrate again (a no-op at head)
    owner.dispose()
    with Session(engine) as db:
        assert not tenancy.sees_every_municipality(db)
        with pytest.raises(DatabaseError, match=r"^audit verify needs every municipality") as info:
            tenancy.require_every_municipality(db, "audit verify")
        assert "\n" not in str(info.value)
        tenancy.bind(db, OTHER)
        assert not tenancy.sees_every_municipality(db)  # bound to one is still not every one
        assert _municipalities(db, "audit_head") == {OTHER}


def test_a_maintenance_role_is_recognised_through_membership_or_bypass(
    deployment: Deployment,
) -> None:
    """A role that inherits the owner's policy, or has BYPASSRLS, counts as maintenance."""
    import psycopg

    admin = make_url(postgres_admin_url())
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    database = make_url(deployment.owner_url).database
    owner_role = make_url(deployment.owner_url).username
    suffix = uuid.uuid4().hex[:10]
    member, bypass = f"wtk_member_{suffix}", f"wtk_bypass_{suffix}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{member}" LOGIN IN ROLE "{owner_role}"')
        conn.execute(f'CREATE ROLE "{bypass}" LOGIN BYPASSRLS')
        conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO "{bypass}"')
    try:
        for role in (member, bypass):
            engine = create_engine(_url(admin, role, str(database)))
            with Session(engine) as db:
                assert tenancy.sees_every_municipality(db), role
            engine.dispose()
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            for role in (member, bypass):
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


# --- the audit commands under row-level security -------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wijkteamkit", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_audit_verify_runs_as_the_owner_and_refuses_the_engine_role_over_everything(
    deployment: Deployment, towns: tuple[CaseSession, CaseSession]
) -> None:
    """The engine role would see no rows and call an empty log intact: it is refused instead,
    unless it names its municipality, whose chain it can see."""
    here, there = towns
    _case(here), _case(there)
    with _bound(here) as db:
        own = audit.count(db, "GM0001")
    refused = _cli("audit", "verify", "--database", deployment.engine_url)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    message = (refused.stdout + refused.stderr).strip()
    assert "row-level security" in message and "schema owner" in message
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    bound = _cli(
        "audit", "verify", "--database", deployment.engine_url, "--municipality", "GM0001",
        "--format", "json",
    )  # fmt: skip
    assert bound.returncode == 0, bound.stdout + bound.stderr
    assert json.loads(bound.stdout)["entries"] == own
    owner = _cli("audit", "verify", "--database", deployment.owner_url, "--format", "json")
    assert owner.returncode == 0, owner.stdout + owner.stderr
    assert json.loads(owner.stdout)["entries"] > own


def test_audit_checkpoints_are_signed_as_the_owner_never_as_the_engine_role(
    deployment: Deployment, towns: tuple[CaseSession, CaseSession], tmp_path: Path
) -> None:
    """A checkpoint signed by a role that sees nothing would anchor nothing: refused."""
    _case(towns[0]), _case(towns[1])
    key, folder = tmp_path / "key", tmp_path / "checkpoints"
    folder.mkdir()
    assert _cli("audit", "keygen", "--out", str(key)).returncode == 0
    sign = ("audit", "checkpoint", "--key", str(key), "--out", str(folder), "--database")
    refused = _cli(*sign, deployment.engine_url)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "row-level security" in refused.stdout + refused.stderr
    assert not any(folder.iterdir())
    signed = _cli(*sign, deployment.owner_url)
    assert signed.returncode == 0, signed.stdout + signed.stderr
    assert {"GM0001", OTHER} <= set(signed.stdout.split())


def test_the_demo_verifies_its_own_chain_as_the_engine_role(deployment: Deployment) -> None:
    """The demo's own reads bind to its municipality: run as the engine role, it still finds
    its escalations and checks the entries it wrote (not an empty, "intact" log)."""
    from wijkteamkit.demo import run_demo

    casework = Casework.open("nijmegen", deployment.engine_url)
    report = run_demo(casework, lambda _line: None)
    casework.engine.dispose()
    assert report.audit_intact
    assert report.audit_entries > 10


# --- migrating -------------------------------------------------------------------------------


def test_downgrade_lifts_and_upgrade_restores_the_policies(deployment: Deployment) -> None:
    """Last in the module: it leaves the shared database at head again."""
    from alembic import command

    from wijkteamkit.store.database import alembic_config

    owner = connect(deployment.owner_url)
    config = alembic_config()
    with owner.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    with owner.connect() as conn:
        forced = conn.execute(
            text("SELECT bool_or(relrowsecurity) FROM pg_class WHERE relname = ANY(:n)"),
            {"n": TENANT_TABLES},
        ).scalar_one()
        assert forced is False
    with pytest.raises(DatabaseError) as refused:  # the engine role may not migrate
        open_database(deployment.engine_url)
    message = str(refused.value)
    assert "must be owner" in message and "schema owner" in message and "\n" not in message
    upgrade(owner)
    with owner.connect() as conn:
        forced = conn.execute(
            text("SELECT bool_and(relforcerowsecurity) FROM pg_class WHERE relname = ANY(:n)"),
            {"n": TENANT_TABLES},
        ).scalar_one()
        assert forced is True
    owner.dispose()
