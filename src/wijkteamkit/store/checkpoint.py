"""Signed checkpoints: the head of each municipality's audit chain, signed with Ed25519.

A checkpoint file anchors the chain outside the database: whoever can rewrite the database
(and recompute every hash) cannot make the entry at a checkpointed position match the signed
hash without the private key. :func:`write` makes one file per checkpoint and never overwrites
one; :func:`read` checks every file's signature; :func:`compare` reports every checkpointed
position whose entry is missing or differs. Keep the private key off the database host and the
checkpoint folder on append-only storage elsewhere (docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlmodel import Session

from . import audit

FORMAT = "wijkteamkit-checkpoint/1"
SUFFIX = ".json"
MAX_FILE = 10_000_000
"""A checkpoint file is small; anything larger is not one (and is not read into memory)."""


class CheckpointError(Exception):
    """Checkpoints cannot be made or checked: a missing or unreadable key, a missing folder,
    a key file that would be overwritten. One line, saying what to do."""


@dataclass(frozen=True)
class Head:
    """One municipality's chain head as signed: its last entry's position, hash and time."""

    municipality: str
    seq: int
    hash: str
    at: str


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint file whose signature verified."""

    file: str
    made_at: str
    heads: tuple[Head, ...]


@dataclass(frozen=True)
class BadFile:
    """A file in the checkpoint folder that is not a checkpoint signed by the given key."""

    file: str
    problem: str


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: names the key in each checkpoint it signs."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _create(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to a new file ``path`` (never an existing one), synced to disk."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def generate_key(out: Path) -> tuple[Path, Path]:
    """Make an Ed25519 key pair: the private key at ``out`` (mode 0600), the public key at
    ``out.pub``. Refuses to overwrite either."""
    public = out.with_name(out.name + ".pub")
    for path in (out, public):
        if path.exists() or path.is_symlink():
            raise CheckpointError(
                f"{path} already exists; choose another --out (keys are never overwritten)"
            )
    if not out.parent.is_dir():
        raise CheckpointError(f"folder {out.parent} does not exist; create it first")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        _create(out, private_pem, 0o600)
        os.chmod(out, 0o600)  # whatever the umask
        try:
            _create(public, public_pem, 0o644)
        except OSError:
            out.unlink()
            raise
    except FileExistsError:
        raise CheckpointError(f"{out} or {public} already exists; choose another --out") from None
    except OSError as exc:
        raise CheckpointError(f"cannot write the key to {out}: {exc.strerror}") from None
    return out, public


def _read_key_file(path: Path, what: str) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE:
            raise CheckpointError(f"{path} is not a {what} key file (too large)")
        return path.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(
            f"no {what} key at {path}; make one with `wijkteamkit audit keygen`"
        ) from None
    except OSError as exc:
        raise CheckpointError(f"cannot read the {what} key {path}: {exc.strerror}") from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in ``path`` (PEM, as `audit keygen` writes it)."""
    data = _read_key_file(path, "private")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(
            f"{path} is not an unencrypted Ed25519 private key; use the file `audit keygen` wrote"
        )
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The Ed25519 public key in ``path`` (PEM, the ``.pub`` file `audit keygen` writes)."""
    data = _read_key_file(path, "public")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(
            f"{path} is not an Ed25519 public key; use the .pub file `audit keygen` wrote"
        )
    return key


def _folder(directory: Path) -> None:
    if not directory.is_dir():
        raise CheckpointError(
            f"checkpoint folder {directory} does not exist or is not a folder; create it "
            "(on append-only storage away from the database host)"
        )


def current_heads(session: Session, municipality: str | None = None) -> list[Head]:
    """The last entry of each municipality's chain in the database."""
    return [
        Head(e.municipality, e.seq, e.hash, audit.utc(e.at).isoformat())
        for e in audit.heads(session)
        if municipality is None or e.municipality == municipality
    ]


def write(
    directory: Path, key: Ed25519PrivateKey, heads: list[Head], now: datetime | None = None
) -> Path:
    """Sign ``heads`` and write them as a new checkpoint file in ``directory``."""
    _folder(directory)
    made = (now or datetime.now(UTC)).astimezone(UTC)
    payload = {
        "format": FORMAT,
        "made_at": made.isoformat(),
        "key": fingerprint(key.public_key()),
        "heads": [
            {"municipality": h.municipality, "seq": h.seq, "hash": h.hash, "at": h.at}
            for h in heads
        ],
    }
    signature = base64.b64encode(key.sign(_canonical(payload))).decode()
    data = json.dumps({"payload": payload, "signature": signature}, indent=2).encode() + b"\n"
    stem = f"checkpoint-{made:%Y%m%dT%H%M%S%fZ}"
    for attempt in range(1000):
        path = directory / f"{stem}{f'-{attempt}' if attempt else ''}{SUFFIX}"
        try:
            _create(path, data, 0o644)
        except FileExistsError:
            continue
        except OSError as exc:
            raise CheckpointError(
                f"cannot write a checkpoint in {directory}: {exc.strerror}"
            ) from None
        return path
    raise CheckpointError(f"cannot find a free checkpoint file name in {directory}")


def _parse(data: bytes, key: Ed25519PublicKey) -> tuple[str, tuple[Head, ...]]:
    """``(made_at, heads)`` of a checkpoint file's content; ``ValueError`` says what is wrong."""
    try:
        document = json.loads(data)
        payload = document["payload"]
        signature = base64.b64decode(document["signature"], validate=True)
        canonical = _canonical(payload)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError("is not a readable checkpoint file") from exc
    try:
        key.verify(signature, canonical)
    except InvalidSignature:
        raise ValueError("has a signature that does not verify with the given public key") from None
    try:
        if payload["format"] != FORMAT:
            raise ValueError
        heads = tuple(
            Head(str(h["municipality"]), int(h["seq"]), str(h["hash"]), str(h["at"]))
            for h in payload["heads"]
        )
        return str(payload["made_at"]), heads
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"is signed but not in the {FORMAT} format") from exc


def read(directory: Path, key: Ed25519PublicKey) -> tuple[list[Checkpoint], list[BadFile]]:
    """Every checkpoint file in ``directory`` whose signature verifies, and every file that is
    not one (a bad signature, garbage, a file too large), by file name. Folders are skipped."""
    _folder(directory)
    good: list[Checkpoint] = []
    bad: list[BadFile] = []
    try:
        files = sorted(p for p in directory.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        raise CheckpointError(
            f"cannot list the checkpoint folder {directory}: {exc.strerror}"
        ) from None
    for path in files:
        if path.is_dir():  # e.g. lost+found on a volume of its own
            continue
        if not path.is_file() or path.stat().st_size > MAX_FILE:
            bad.append(BadFile(path.name, "is not a checkpoint file"))
            continue
        try:
            made_at, heads = _parse(path.read_bytes(), key)
        except ValueError as exc:
            bad.append(BadFile(path.name, str(exc)))
            continue
        except OSError as exc:
            raise CheckpointError(f"cannot read checkpoint {path}: {exc.strerror}") from None
        good.append(Checkpoint(path.name, made_at, heads))
    return good, bad


def compare(
    session: Session, checkpoints: list[Checkpoint], municipality: str | None = None
) -> list[audit.Break]:
    """Every checkpointed position whose entry is missing or differs from the signed hash."""
    breaks: list[audit.Break] = []
    seen: set[tuple[str, int, str]] = set()
    for checkpoint in checkpoints:
        for head in checkpoint.heads:
            if municipality is not None and head.municipality != municipality:
                continue
            if (head.municipality, head.seq, head.hash) in seen:
                continue
            seen.add((head.municipality, head.seq, head.hash))
            try:
                entry = audit.entry_at(session, head.municipality, head.seq)
            except (ValueError, TypeError) as exc:
                problem = audit.UNREADABLE.format(type(exc).__name__)
                breaks.append(audit.Break(head.municipality, head.seq, problem))
                continue
            if entry is None:
                problem = f"is missing, though checkpoint {checkpoint.file} signed it (truncated)"
            elif entry.hash != head.hash:
                problem = f"differs from checkpoint {checkpoint.file} (rewritten at or before it)"
            else:
                continue
            breaks.append(audit.Break(head.municipality, head.seq, problem))
    breaks.sort(key=lambda b: (b.municipality, b.seq, b.problem))
    return breaks


def anchored(checkpoints: list[Checkpoint]) -> dict[str, int]:
    """The last checkpointed position of each municipality."""
    last: dict[str, int] = {}
    for checkpoint in checkpoints:
        for head in checkpoint.heads:
            last[head.municipality] = max(last.get(head.municipality, 0), head.seq)
    return last
