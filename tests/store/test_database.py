"""Opening databases: open_existing never creates one and refuses, in one line, whatever is not
a wijkteamkit database at this version; the audit and db commands exit as docs/cli.md says."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from tamper import populate
from typer.testing import CliRunner

from wijkteamkit.cli.app import app
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.store.database import DatabaseError, open_database, open_existing


def _sqlite(path: Path) -> str:
    return f"sqlite:///{path}"


def _migrated(path: Path) -> str:
    url = _sqlite(path)
    open_database(url).dispose()
    return url


def _refused(url: str, message: str) -> str:
    with pytest.raises(DatabaseError, match=message) as caught:
        open_existing(url).dispose()
    text_ = str(caught.value)
    assert "\n" not in text_
    return text_


def test_a_missing_file_is_refused_and_not_created(tmp_path: Path) -> None:
    _refused(_sqlite(tmp_path / "none.db"), "no database at")
    _refused(_sqlite(tmp_path / "folder" / "none.db"), "no database at")
    assert list(tmp_path.iterdir()) == []


def test_a_path_under_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    _refused(_sqlite(tmp_path / "file" / "cases.db"), "no database at")
    with pytest.raises(DatabaseError, match="part of its folder path is a file"):
        open_database(_sqlite(tmp_path / "file" / "sub" / "cases.db"))


def test_not_sqlite_truncated_foreign_empty_and_in_memory(tmp_path: Path) -> None:
    (tmp_path / "text.db").write_text("hello, I am not a database\n" * 10)
    _refused(_sqlite(tmp_path / "text.db"), "is not an SQLite database")
    (tmp_path / "folder.db").mkdir()
    _refused(_sqlite(tmp_path / "folder.db"), "is a folder")
    foreign = sqlite3.connect(tmp_path / "foreign.db")
    foreign.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    foreign.commit()
    foreign.close()
    _refused(_sqlite(tmp_path / "foreign.db"), "not a wijkteamkit database")
    with pytest.raises(DatabaseError, match="not a wijkteamkit database"):
        open_database(_sqlite(tmp_path / "foreign.db"))  # db upgrade does not adopt it either
    (tmp_path / "empty.db").write_bytes(b"")
    _refused(_sqlite(tmp_path / "empty.db"), "no wijkteamkit schema yet")
    _refused("sqlite://", "in-memory")
    _refused("sqlite:///:memory:", "in-memory")


def test_a_truncated_database_is_refused(tmp_path: Path) -> None:
    url = _migrated(tmp_path / "cases.db")
    data = (tmp_path / "cases.db").read_bytes()
    for wal in tmp_path.glob("cases.db-*"):
        wal.unlink()
    (tmp_path / "cases.db").write_bytes(data[: len(data) // 3])
    _refused(url, "damaged|not an SQLite|cannot")


def test_an_unknown_revision_is_refused(tmp_path: Path) -> None:
    url = _migrated(tmp_path / "cases.db")
    connection = sqlite3.connect(tmp_path / "cases.db")
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    message = _refused(url, "at revision 9999, which this version of wijkteamkit does not know")
    assert "upgrade wijkteamkit" in message
    with pytest.raises(DatabaseError, match="does not know"):
        open_database(url)


def test_a_current_database_opens(database_url: str) -> None:
    open_database(database_url).dispose()
    engine = open_existing(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_entry")).scalar() == 0
    engine.dispose()


def test_a_missing_postgresql_database_is_refused(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    missing = database_url.rsplit("/", 1)[0] + "/wtk_no_such_database"
    message = _refused(missing, "no database at")
    assert "postgres" in message  # names the server, without a password


def run(*args: Any) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_verify_refuses_what_it_cannot_open(tmp_path: Path) -> None:
    (tmp_path / "text.db").write_text("not sqlite")
    (tmp_path / "file").write_text("x")
    for url in (
        _sqlite(tmp_path / "none.db"),
        _sqlite(tmp_path / "text.db"),
        _sqlite(tmp_path / "file" / "cases.db"),
        "not a url",
        "mysql://localhost/x",
    ):
        code, out, err = run("audit", "verify", "--database", url)
        assert code == 2, url
        assert out == ""
        assert err.startswith("wijkteamkit: error: ") and err.count("\n") == 1, err
        code, out, _ = run("audit", "verify", "--database", url, "--format", "json")
        assert code == 2
        assert json.loads(out)["error"]["exit"] == 2
    assert not (tmp_path / "none.db").exists()
    code, _, err = run("audit", "verify", "--database", "")
    assert code == 2 and "--database is empty" in err


def test_cli_verify_an_unknown_municipality_is_not_intact(
    casework: Casework, worker: CaseSession
) -> None:
    populate(worker)
    url = casework.engine.url.render_as_string(hide_password=False)
    code, out, _ = run("audit", "verify", "--database", url)
    assert (code, out.split(":")[0]) == (0, "audit chain intact")
    code, out, err = run("audit", "verify", "--database", url, "--municipality", "GM9999")
    assert code == 2 and "no audit chain for GM9999" in err and "intact" not in out
    code, out, _ = run("audit", "verify", "--database", url, "--municipality", "gm0001")
    assert code == 0 and "intact" in out
    for bad in (" ", "GM02680", "GM\x00268", "x" * 10_000, "0268"):
        code, out, err = run("audit", "verify", "--database", url, "--municipality", bad)
        assert code == 2 and "is not a CBS code" in err and out == "", bad
        assert len(err) < 200


def test_cli_db_upgrade_creates_and_is_idempotent(tmp_path: Path) -> None:
    url = _sqlite(tmp_path / "new" / "cases.db")
    code, out, _ = run("db", "upgrade", "--database", url, "--format", "json")
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, _ = run("db", "upgrade", "--database", url)
    assert code == 0 and "(head)" in out
    (tmp_path / "file").write_text("x")
    code, _, err = run("db", "upgrade", "--database", _sqlite(tmp_path / "file" / "x" / "c.db"))
    assert code == 2 and "folder path is a file" in err
    code, out, _ = run("audit", "verify", "--database", url, "--format", "json")
    assert code == 0 and json.loads(out) == {
        "ok": True,
        "entries": 0,
        "breaks": [],
        "bad_checkpoints": [],
        "anchored": {},
    }


def test_cli_keygen_checkpoint_and_verify(
    casework: Casework, worker: CaseSession, tmp_path: Path
) -> None:
    populate(worker)
    url = casework.engine.url.render_as_string(hide_password=False)
    key, folder = tmp_path / "k", tmp_path / "cp"
    assert run("audit", "keygen", "--out", key)[0] == 0
    code, _, err = run("audit", "keygen", "--out", key)
    assert code == 2 and "already exists" in err
    code, _, err = run("audit", "checkpoint", "--database", url, "--key", key, "--out", folder)
    assert code == 2 and "does not exist" in err
    folder.mkdir()
    code, out, err = run("audit", "verify", "--database", url, "--checkpoints", folder,
                         "--public-key", f"{key}.pub")  # fmt: skip
    assert code == 2 and "no checkpoint files" in err
    code, out, _ = run(
        "audit", "checkpoint", "--database", url, "--key", key, "--out", folder, "--format", "json"
    )
    assert code == 0, out
    assert json.loads(out)["heads"][0]["municipality"] == "GM0001"
    verify = ("audit", "verify", "--database", url, "--checkpoints", folder)
    code, out, _ = run(*verify, "--public-key", f"{key}.pub")
    assert code == 0 and "GM0001 anchored up to entry" in out
    code, _, err = run(*verify)
    assert code == 2 and "go together" in err
    code, _, err = run(*verify, "--public-key", key)  # the private key is not a public key
    assert code == 2 and "not an Ed25519 public key" in err
    code, _, err = run(*verify, "--public-key", tmp_path / "none.pub")
    assert code == 2 and "no public key" in err
    # a chain rewritten whole, hashes recomputed: the chain alone says intact, verify does not
    from sqlmodel import Session
    from tamper import PROTECTED, drop_guards, rewrite_chain

    with casework.engine.connect() as connection, connection.begin():
        for table in PROTECTED:
            drop_guards(connection, table)
        with Session(bind=connection) as db:
            rewrite_chain(db, "edit", 1)
    assert run("audit", "verify", "--database", url)[0] == 0
    code, out, _ = run(*verify, "--public-key", f"{key}.pub", "--format", "json")
    assert code == 1
    (problem,) = json.loads(out)["breaks"]
    assert "rewritten" in problem["problem"]
    code, out, err = run("audit", "checkpoint", "--database", url, "--key", key, "--out", folder)
    assert code == 1 and "not signing" in err  # a rewritten chain is never signed
    assert len(list(folder.iterdir())) == 1


def test_a_read_only_postgresql_database_is_a_clear_error(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (tests run as root, so a read-only SQLite file is not)")
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(database_url).database
    admin = make_url(database_url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    with pytest.raises(DatabaseError, match="read-only here") as caught:
        open_database(database_url)
    assert "\n" not in str(caught.value)


def test_database_errors_never_carry_sql_or_parameters() -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import IntegrityError, OperationalError

    from wijkteamkit.store.database import _translate

    engine = create_engine("sqlite://")
    secret = {"name": "Jan Jansen", "bsn": "111222333", "summary": "geweld thuis"}
    statement = "INSERT INTO person (name, bsn) VALUES (:name, :bsn)"
    for error, expected in (
        (IntegrityError(statement, secret, Exception("UNIQUE constraint failed: x.y")), "cannot"),
        (
            OperationalError(statement, secret, Exception("attempt to write a readonly database")),
            "read-only",
        ),
        (OperationalError(statement, secret, Exception("file is not a database")), "not an SQLite"),
        (
            OperationalError(statement, secret, Exception("database disk image is malformed\nx")),
            "damaged",
        ),
    ):
        message = str(_translate(engine, error))
        assert expected in message
        assert "\n" not in message
        for value in (*secret.values(), "INSERT", "VALUES"):
            assert value not in message


def test_cli_checkpoint_of_an_empty_log_and_a_vanished_chain(tmp_path: Path) -> None:
    url = _migrated(tmp_path / "cases.db")
    key, folder = tmp_path / "k", tmp_path / "cp"
    folder.mkdir()
    assert run("audit", "keygen", "--out", key)[0] == 0
    code, _, err = run("audit", "checkpoint", "--database", url, "--key", key, "--out", folder)
    assert code == 2 and "nothing to checkpoint" in err
    assert list(folder.iterdir()) == []
    # a chain that was checkpointed and then removed whole, head and all
    from datetime import UTC, datetime

    from case_helpers import actor
    from sqlmodel import Session

    from wijkteamkit.store import audit

    engine = open_existing(url)
    with Session(engine) as db:
        audit.append(db, actor(), "access.read", datetime(2016, 3, 1, tzinfo=UTC))
        db.commit()
    assert run("audit", "checkpoint", "--database", url, "--key", key, "--out", folder)[0] == 0
    with engine.begin() as connection:
        for statement in (
            "DROP TRIGGER audit_entry_no_delete",
            "DROP TRIGGER audit_head_no_delete",
            "DELETE FROM audit_entry",
            "DELETE FROM audit_head",
        ):
            connection.execute(text(statement))
    engine.dispose()
    verify = ("audit", "verify", "--database", url, "--municipality", "GM0001")
    code, _, err = run(*verify)
    assert code == 2 and "no audit chain for GM0001" in err
    code, out, _ = run(*verify, "--checkpoints", folder, "--public-key", f"{key}.pub")
    assert code == 1 and "BROKEN GM0001 entry 1: is missing" in out


def test_a_corrupted_page_is_refused(tmp_path: Path) -> None:
    """Bytes overwritten in the middle of the file (not a truncation) fail the integrity check."""
    url = _migrated(tmp_path / "cases.db")
    checkpointed = sqlite3.connect(tmp_path / "cases.db")
    checkpointed.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    checkpointed.close()
    data = bytearray((tmp_path / "cases.db").read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[2 * page : 3 * page] = b"\xa5" * page
    (tmp_path / "cases.db").write_bytes(bytes(data))
    _refused(url, "is damaged")


def test_an_empty_database_url_in_the_environment_is_refused_not_read_as_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wijkteamkit.store.database import DEFAULT_URL, database_url

    assert database_url({}) == DEFAULT_URL
    assert database_url({"WIJKTEAMKIT_DATABASE_URL": "sqlite:///x.db"}) == "sqlite:///x.db"
    for blank in ("", "   "):
        with pytest.raises(DatabaseError, match="set but empty"):
            database_url({"WIJKTEAMKIT_DATABASE_URL": blank})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIJKTEAMKIT_DATABASE_URL", "")
    for command in (["db", "upgrade"], ["audit", "verify"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        assert "set but empty" in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # no ./wijkteamkit.db was made
