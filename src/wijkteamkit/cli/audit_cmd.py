"""``wijkteamkit audit``: the tamper-evident audit log and its signed checkpoints.

Exit codes: 0 intact, 1 broken (an edited, removed, inserted, reordered or truncated entry or
record, or a bad checkpoint), 2 cannot run (no database, bad key, missing folder...).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import ExitCode, Format, database_option, fail, plural, print_json
from .db_cmd import DatabaseOption, FormatOption

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ..store.audit import Break
    from ..store.checkpoint import BadFile

CBS_CODE = re.compile(r"GM[0-9]{4}")

audit_app = typer.Typer(
    help="The append-only, hash-chained audit log and its signed checkpoints.",
    no_args_is_help=True,
)


def _open(database: str | None) -> Engine:
    from ..store.database import database_url, open_existing

    return open_existing(database_option(database) or database_url())


def _checkpoint_failure(exc: Exception) -> None:
    fail(str(exc), ExitCode.CANNOT_RUN, "checkpoint")


@audit_app.command("keygen")
def keygen(
    out: Annotated[
        Path, typer.Option("--out", help="The private key file to write (KEYFILE.pub too).")
    ],
    output: FormatOption = Format.TEXT,
) -> None:
    """Make an Ed25519 key pair for signing checkpoints: KEYFILE (mode 0600) and KEYFILE.pub.

    Never overwrites a file. Keep KEYFILE off the database host.
    """
    from ..store.checkpoint import CheckpointError, generate_key

    try:
        private, public = generate_key(out)
    except CheckpointError as exc:
        _checkpoint_failure(exc)
    if output is Format.JSON:
        print_json({"ok": True, "private_key": str(private), "public_key": str(public)})
    else:
        typer.echo(f"private key: {private} (keep it off the database host)")
        typer.echo(f"public key:  {public}")


@audit_app.command("checkpoint")
def checkpoint(
    key: Annotated[Path, typer.Option("--key", help="The private key file (audit keygen).")],
    out: Annotated[
        Path, typer.Option("--out", help="The checkpoint folder (append-only storage).")
    ],
    database: DatabaseOption = None,
    output: FormatOption = Format.TEXT,
) -> None:
    """Sign the head of every municipality's audit chain into a new file in the folder.

    Refuses (exit 1) to sign a chain that does not verify, or that contradicts an earlier
    checkpoint in the folder; exit 2 when it cannot run.
    """
    from sqlmodel import Session

    from ..store import audit, checkpoint, tenancy
    from ..store.checkpoint import CheckpointError

    try:
        private = checkpoint.load_private_key(key)
        earlier, bad = checkpoint.read(out, private.public_key())
    except CheckpointError as exc:
        _checkpoint_failure(exc)
    engine = _open(database)
    try:
        with Session(engine) as db:
            tenancy.require_every_municipality(db, "audit checkpoint")
            breaks = audit.verify(db) + checkpoint.compare(db, earlier)
            heads = checkpoint.current_heads(db)
    finally:
        engine.dispose()
    if breaks or bad:
        if output is Format.TEXT:
            _report(output, breaks, bad, 0, {})
        fail(
            f"the audit log does not verify ({plural(len(breaks) + len(bad), 'problem')}); not signing "
            "it; run `wijkteamkit audit verify` for the details",
            ExitCode.FINDINGS,
            "audit",
        )
    if not heads:
        fail(
            "the audit log is empty; there is nothing to checkpoint yet",
            ExitCode.CANNOT_RUN,
            "checkpoint",
        )
    try:
        path = checkpoint.write(out, private, heads)
    except CheckpointError as exc:
        _checkpoint_failure(exc)
    if output is Format.JSON:
        print_json(
            {
                "ok": True,
                "file": str(path),
                "heads": [
                    {"municipality": h.municipality, "seq": h.seq, "hash": h.hash, "at": h.at}
                    for h in heads
                ],
            }
        )
    else:
        for h in heads:
            typer.echo(f"{h.municipality} entry {h.seq} {h.hash}")
        typer.echo(f"checkpoint written: {path}")


@audit_app.command("verify")
def verify(
    database: DatabaseOption = None,
    municipality: Annotated[
        str | None, typer.Option(help="Only this CBS code's chain.", show_default=False)
    ] = None,
    checkpoints: Annotated[
        Path | None,
        typer.Option(help="Also check against the signed checkpoints in this folder."),
    ] = None,
    public_key: Annotated[
        Path | None, typer.Option(help="The public key (KEYFILE.pub) the checkpoints verify with.")
    ] = None,
    output: FormatOption = Format.TEXT,
) -> None:
    """Recompute every audit chain and check every consent, withdrawal and disclosure against
    the entry that recorded it; with --checkpoints, also against the signed checkpoints.

    Exit 0 when intact, 1 when anything was edited, removed, inserted, reordered or truncated
    (or a checkpoint does not verify), 2 when it cannot run.
    """
    from sqlmodel import Session

    from ..store import audit, checkpoint, tenancy
    from ..store.checkpoint import CheckpointError

    if (checkpoints is None) != (public_key is None):
        fail("--checkpoints and --public-key go together; give both or neither")
    code = municipality.strip().upper() if municipality is not None else None
    if code is not None and not CBS_CODE.fullmatch(code):
        fail(
            f"--municipality {municipality!r:.40} is not a CBS code; give one such as GM0268, "
            "or leave it out"
        )
    signed: list[checkpoint.Checkpoint] = []
    bad: list[BadFile] = []
    if checkpoints is not None and public_key is not None:
        try:
            signed, bad = checkpoint.read(checkpoints, checkpoint.load_public_key(public_key))
        except CheckpointError as exc:
            _checkpoint_failure(exc)
        if not signed and not bad:
            fail(
                f"no checkpoint files in {checkpoints}; make one with `wijkteamkit audit "
                "checkpoint`, or leave --checkpoints out",
                ExitCode.CANNOT_RUN,
                "checkpoint",
            )
    engine = _open(database)
    try:
        with Session(engine) as db:
            if code is None:
                tenancy.require_every_municipality(db, "audit verify")
            else:
                tenancy.bind(db, code)
            known = code is None or audit.has_chain(db, code)
            breaks = audit.verify(db, code) + checkpoint.compare(db, signed, code)
            entries = audit.count(db, code)
    finally:
        engine.dispose()
    anchors = checkpoint.anchored(signed)
    if code is not None:
        anchors = {m: s for m, s in anchors.items() if m == code}
    if not known and not breaks:
        fail(
            f"there is no audit chain for {code} in this database; check the CBS code",
            ExitCode.CANNOT_RUN,
            "unknown-municipality",
        )
    _report(output, breaks, bad, entries, anchors)
    if breaks or bad:
        raise typer.Exit(ExitCode.FINDINGS)


def _report(
    output: Format, breaks: list[Break], bad: list[BadFile], entries: int, anchors: dict[str, int]
) -> None:
    if output is Format.JSON:
        document: dict[str, Any] = {
            "ok": not breaks and not bad,
            "entries": entries,
            "breaks": [
                {"municipality": b.municipality, "seq": b.seq, "problem": b.problem} for b in breaks
            ],
            "bad_checkpoints": [{"file": f.file, "problem": f.problem} for f in bad],
            "anchored": anchors,
        }
        print_json(document)
        return
    for b in breaks:
        where = f" entry {b.seq}" if b.seq else ""
        typer.echo(f"BROKEN {b.municipality}{where}: {b.problem}")
    for f in bad:
        typer.echo(f"BAD CHECKPOINT {f.file}: {f.problem}")
    if not breaks and not bad:
        anchored = "".join(f"; {m} anchored up to entry {s}" for m, s in sorted(anchors.items()))
        typer.echo(f"audit chain intact: {plural(entries, 'entry', 'entries')} checked{anchored}")
