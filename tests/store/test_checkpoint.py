"""Signed checkpoints: a rewrite at or before the last checkpoint is caught, even one that
recomputes every hash; the key files and checkpoint files are handled safely."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlmodel import Session
from tamper import (
    PROTECTED,
    attack,
    chain_breaks,
    drop_guards,
    populate,
    rewrite_chain,
    undone,
)

from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.store import checkpoint
from wijkteamkit.store.checkpoint import CheckpointError


def _checkpointed(casework: Casework, folder: Path) -> checkpoint.Ed25519PublicKey:
    private, _public = checkpoint.generate_key(folder / "key")
    key = checkpoint.load_private_key(private)
    (folder / "cp").mkdir()
    with Session(casework.engine) as db:
        checkpoint.write(folder / "cp", key, checkpoint.current_heads(db))
    return checkpoint.load_public_key(folder / "key.pub")


def _signed_breaks(db: Session, folder: Path, key: checkpoint.Ed25519PublicKey) -> list[str]:
    good, bad = checkpoint.read(folder / "cp", key)
    assert bad == []
    return [b.problem for b in checkpoint.compare(db, good)]


@pytest.mark.parametrize("change", ["edit", "reorder", "insert", "truncate"])
def test_a_rewrite_with_recomputed_hashes_is_caught_only_by_the_checkpoint(
    casework: Casework, worker: CaseSession, tmp_path: Path, change: str
) -> None:
    populate(worker)
    key = _checkpointed(casework, tmp_path)
    with Session(casework.engine) as db:
        assert _signed_breaks(db, tmp_path, key) == []
    with Session(casework.engine) as db:
        (head,) = checkpoint.current_heads(db)
    last = head.seq - 1 if change == "reorder" else head.seq
    for at in (1, head.seq // 2, last):  # the first entry, one in the middle, the signed one
        with undone(casework.engine) as db:
            for table in PROTECTED:
                drop_guards(db.connection(), table)
            rewrite_chain(db, change, at)
            if change != "truncate":  # a truncation also orphans the records it recorded
                assert chain_breaks(db) == [], "the rewrite should fool the chain alone"
            problems = _signed_breaks(db, tmp_path, key)
            assert len(problems) == 1, (change, at)
            assert "rewritten" in problems[0] or "truncated" in problems[0]


def test_every_tampering_path_before_the_checkpoint_is_caught(
    casework: Casework, worker: CaseSession, tmp_path: Path
) -> None:
    """With the guards dropped, every path on every table is caught: by the chain, by the
    record check, or (for the audit log itself) by the checkpoint."""
    populate(worker)
    key = _checkpointed(casework, tmp_path)
    dialect = casework.engine.dialect.name
    paths = ["UPDATE", "DELETE", "UPSERT", "TRUNCATE" if dialect == "postgresql" else "REPLACE"]
    for table in PROTECTED:
        for path in paths:
            with undone(casework.engine) as db:
                for guarded in PROTECTED:
                    drop_guards(db.connection(), guarded)
                attack(db.connection(), table, path)
                found = chain_breaks(db)
                signed = _signed_breaks(db, tmp_path, key)
            assert found or signed, f"{path} on {table}"
            if table == "audit_entry" and path == "TRUNCATE":
                assert signed, "a truncated log must contradict the checkpoint"


def test_an_append_after_the_checkpoint_is_not_a_break(
    casework: Casework, worker: CaseSession, tmp_path: Path
) -> None:
    household = populate(worker)
    key = _checkpointed(casework, tmp_path)
    worker.disclose(household, "regieteam", "casework", ["financien"])
    with Session(casework.engine) as db:
        assert _signed_breaks(db, tmp_path, key) == []
        assert chain_breaks(db) == []


def test_a_forged_or_garbled_checkpoint_is_reported(
    casework: Casework, worker: CaseSession, tmp_path: Path
) -> None:
    populate(worker)
    key = _checkpointed(casework, tmp_path)
    (original,) = (tmp_path / "cp").iterdir()
    document = json.loads(original.read_text())
    document["payload"]["heads"][0]["seq"] = 1  # moved back, signature kept
    (tmp_path / "cp" / "forged.json").write_text(json.dumps(document))
    (tmp_path / "cp" / "garbage.json").write_text("{not json")
    other = checkpoint.load_private_key(checkpoint.generate_key(tmp_path / "other")[0])
    with Session(casework.engine) as db:
        checkpoint.write(tmp_path / "cp", other, checkpoint.current_heads(db))
    good, bad = checkpoint.read(tmp_path / "cp", key)
    assert [c.file for c in good] == [original.name]
    assert sorted(b.problem for b in bad) == [
        "has a signature that does not verify with the given public key",
        "has a signature that does not verify with the given public key",
        "is not a readable checkpoint file",
    ]


def test_keys_are_never_overwritten_and_the_private_key_is_private(tmp_path: Path) -> None:
    private, public = checkpoint.generate_key(tmp_path / "k")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert public.name == "k.pub"
    before = private.read_bytes()
    with pytest.raises(CheckpointError, match="already exists"):
        checkpoint.generate_key(tmp_path / "k")
    (tmp_path / "p.pub").write_text("taken")
    with pytest.raises(CheckpointError, match="already exists"):
        checkpoint.generate_key(tmp_path / "p")
    assert not (tmp_path / "p").exists()
    assert private.read_bytes() == before
    with pytest.raises(CheckpointError, match="does not exist"):
        checkpoint.generate_key(tmp_path / "missing" / "k")


def test_bad_keys_and_folders_are_clear_errors(tmp_path: Path) -> None:
    private, public = checkpoint.generate_key(tmp_path / "k")
    (tmp_path / "junk").write_text("-----BEGIN PRIVATE KEY-----\nxx\n")
    for path, loader, message in (
        (tmp_path / "none", checkpoint.load_private_key, "no private key"),
        (tmp_path / "junk", checkpoint.load_private_key, "not an unencrypted Ed25519"),
        (public, checkpoint.load_private_key, "not an unencrypted Ed25519"),
        (private, checkpoint.load_public_key, "not an Ed25519 public key"),
        (tmp_path / "none.pub", checkpoint.load_public_key, "no public key"),
    ):
        with pytest.raises(CheckpointError, match=message):
            loader(path)  # type: ignore[operator]
    key = checkpoint.load_public_key(public)
    with pytest.raises(CheckpointError, match="does not exist"):
        checkpoint.read(tmp_path / "nowhere", key)
    with pytest.raises(CheckpointError, match="not a folder"):
        checkpoint.read(private, key)


def test_checkpoint_files_are_never_overwritten(
    casework: Casework, worker: CaseSession, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    populate(worker)
    private = checkpoint.load_private_key(checkpoint.generate_key(tmp_path / "k")[0])
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(casework.engine) as db:
        heads = checkpoint.current_heads(db)
    folder = tmp_path / "cp"
    folder.mkdir()
    first = checkpoint.write(folder, private, heads, now)
    second = checkpoint.write(folder, private, heads, now)
    assert first != second
    assert first.read_bytes() == second.read_bytes()
    (folder / "notes.txt").write_text("not a checkpoint")
    (folder / "lost+found").mkdir()
    good, bad = checkpoint.read(folder, checkpoint.load_public_key(tmp_path / "k.pub"))
    assert sorted(c.file for c in good) == sorted([first.name, second.name])
    assert [b.file for b in bad] == ["notes.txt"]


def test_each_municipality_is_anchored_on_its_own(
    casework: Casework, worker: CaseSession, tmp_path: Path
) -> None:
    """Two chains in one database: removing the second one whole is caught by the checkpoint
    (the chain check alone cannot see a chain that is gone, head and all)."""
    from datetime import UTC, datetime

    from case_helpers import actor
    from sqlalchemy import text

    from wijkteamkit.store import audit

    populate(worker)
    other = actor(municipality="GM0002", team="team-oost")
    with Session(casework.engine) as db:
        for _ in range(3):
            audit.append(db, other, "access.read", datetime(2016, 3, 1, tzinfo=UTC))
        db.commit()
    key = _checkpointed(casework, tmp_path)
    good, _bad = checkpoint.read(tmp_path / "cp", key)
    assert checkpoint.anchored(good) == {"GM0001": good[0].heads[0].seq, "GM0002": 3}
    with undone(casework.engine) as db:
        for table in PROTECTED:
            drop_guards(db.connection(), table)
        db.connection().execute(text("DELETE FROM audit_entry WHERE municipality = 'GM0002'"))
        db.connection().execute(text("DELETE FROM audit_head WHERE municipality = 'GM0002'"))
        assert chain_breaks(db) == []
        assert [(b.municipality, b.seq) for b in checkpoint.compare(db, good)] == [("GM0002", 3)]
        assert checkpoint.compare(db, good, "GM0001") == []
