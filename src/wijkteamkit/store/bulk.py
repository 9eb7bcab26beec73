"""Writing many rows at once, for the bulk paths: ids reserved up front, one ``executemany``.

SQLAlchemy's ``connection.execute(insert(table), rows)`` builds and converts the parameters of
every row through its compiler, which costs more than the database's own insert. :func:`insert_many`
compiles the statement once and converts each value with its column type's own bind processor
(the conversion SQLAlchemy would apply), then hands the rows to the driver's ``executemany``.
:func:`reserve_ids` gives the ids the rows will carry, so no ``RETURNING`` is needed;
:func:`insert_new` does both for rows that are new records.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text


def reserve_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """``count`` new ids of ``table``'s integer primary key ``id``, for rows of this transaction.

    PostgreSQL: from the column's sequence, like a default would. SQLite: the ids after the
    highest, as SQLite itself assigns them; only under the write lock every engine transaction
    holds (``BEGIN IMMEDIATE``), so no one else takes them meanwhile.
    """
    if count <= 0:
        return []
    if connection.dialect.name == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        )
        return [
            int(i) for i in connection.execute(query, {"table": table.name, "n": count}).scalars()
        ]
    highest = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(int(highest) + 1, int(highest) + 1 + count))


def insert_many(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows`` (each with a value for every one of ``columns``) with one executemany."""
    if not rows:
        return
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    names = list(compiled.positiontup or columns) if compiled.positional else list(columns)
    processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    converted = [(i, p) for i, p in enumerate(processors) if p is not None]
    take = itemgetter(*names)
    parameters: list[Any] = []
    for row in rows:
        values = list(take(row)) if len(names) > 1 else [take(row)]
        for i, process in converted:
            values[i] = process(values[i])
        parameters.append(
            tuple(values) if compiled.positional else dict(zip(names, values, strict=True))
        )
    connection.exec_driver_sql(compiled.string, parameters)


def insert_new(
    connection: Connection, table: Table, rows: Sequence[MutableMapping[str, Any]]
) -> list[int]:
    """Give each of ``rows`` (new records, alike in their columns) a reserved ``id`` and insert
    them with one executemany; their ids, in order."""
    ids = reserve_ids(connection, table, len(rows))
    for row, row_id in zip(rows, ids, strict=True):
        row["id"] = row_id
    if rows:
        insert_many(connection, table, list(rows[0]), rows)
    return ids
