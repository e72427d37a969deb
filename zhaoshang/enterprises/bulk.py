"""Fast bulk writes shared by the importer and the scale generator.

PostgreSQL gets `COPY … FROM STDIN` (binary-safe text rows through psycopg 3's `copy`); SQLite
gets `executemany` of a prepared INSERT. Both write whatever rows they are given inside the
caller's transaction: atomicity is the caller's business.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write `rows` into `table` as fast as the database allows; the number of rows written."""
    count = 0
    cols = ", ".join(quote(c) for c in columns)
    if is_postgres():
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
                    count += 1
        return count
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(table)} ({cols}) VALUES ({marks})"
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= 10_000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def next_ids(table: str, count: int) -> int:
    """Reserve `count` primary keys of `table` and return the first. On PostgreSQL the identity
    sequence moves past them so later ordinary inserts never collide. Meant for a bulk loader
    that runs alone (the scale generator), not for concurrent writers."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(table)}")
        first = cursor.fetchone()[0] + 1
        if is_postgres():
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last_value, is_called = cursor.fetchone()
            first = max(first, last_value + 1 if is_called else last_value)
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def reset_sequence(table: str) -> None:
    """After explicit ids: the next ordinary insert gets MAX(id) + 1 (PostgreSQL only)."""
    if not is_postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f"GREATEST(COALESCE((SELECT MAX(id) FROM {quote(table)}), 0), 1))",
            [table],
        )


@contextmanager
def indexes_rebuilt_after(table: str) -> Iterator[None]:
    """Load `table` without its secondary indexes, unique and foreign-key constraints, then
    create them again with the same names and definitions (PostgreSQL; in the caller's
    transaction, which holds the table exclusively until it ends).

    PostgreSQL's own advice for a bulk load ("Populating a Database"): building an index over
    10^6 new rows is several times cheaper than inserting each row into it, and a deferred
    foreign-key check is queued per inserted row, even one whose key is empty.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype, conname",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
            "AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute(f"ANALYZE {quote(table)}")


def row_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")
        return cursor.fetchone()[0]
