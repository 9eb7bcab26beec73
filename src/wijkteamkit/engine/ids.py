"""Whether a record id can exist at all, so that an absurd one is "not found", not a database error."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import BigInteger, inspect
from sqlmodel import Session, SQLModel

_INT32 = 2**31 - 1
_INT64 = 2**63 - 1


def in_range(db: Session, table: type[SQLModel], key: object) -> bool:
    """Whether ``key`` is a positive integer the table's primary key column can hold.

    PostgreSQL's ``integer`` holds 32 bits (psycopg casts the parameter, so a larger one is an
    error rather than no row); SQLite's and ``bigint`` hold 64. ``True`` is not an id.
    """
    if isinstance(key, bool) or not isinstance(key, int):
        return False
    column = inspect(table).primary_key[0]
    wide = isinstance(column.type, BigInteger) or db.get_bind().dialect.name == "sqlite"
    return 1 <= key <= (_INT64 if wide else _INT32)


def keys_in_range(db: Session, table: type[SQLModel], keys: Iterable[object]) -> list[int]:
    """The distinct ``keys`` that :func:`in_range` accepts, sorted (the bound computed once)."""
    column = inspect(table).primary_key[0]
    wide = isinstance(column.type, BigInteger) or db.get_bind().dialect.name == "sqlite"
    top = _INT64 if wide else _INT32
    return sorted(
        {k for k in keys if isinstance(k, int) and not isinstance(k, bool) and 1 <= k <= top}
    )
