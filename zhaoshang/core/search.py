"""Keyword search through an index, with exactly the results of a `LIKE '%…%'` scan.

The lists' keyword filter matches any substring, ignoring case (`icontains`): 轴承 finds
深沟球轴承座, and so must 承座 and 球轴. A word segmenter cannot promise that — jieba cuts
深沟球轴承座 into 深沟 / 轴承 / 球轴承 / 座, so an index of its words misses 承座 — so the index
holds every pair of adjacent characters of the searched columns instead (the usual way of
indexing Chinese text for substring search). A query of n ≥ 2 characters can only be found in
a row holding all of its n − 1 pairs; the index yields those rows, and the scan's own condition,
applied to them alone, decides. The results are the scan's by construction; the index only
spares reading the rest of the table.

* SQLite: a contentless FTS5 table `<table>_search` (`ascii` tokenizer: every non-ASCII
  character is part of a term), kept by triggers on the table in the writing transaction, so
  services, bulk loads and imports alike keep it. Its terms come from `sqlite_terms`,
  registered as the SQL function `zs_search_terms` on every connection (`register_functions`).
  A query is the FTS5 phrase of its pairs (adjacent, in order); a single character is a
  prefix query, every column's text ending with an end mark so its last character has a pair.
* PostgreSQL: a GIN index on the expression `zs_search_terms(upper(column) …)`, an SQL function
  returning the distinct pairs, kept by PostgreSQL itself (a `COPY` included). A query is the
  rows whose pairs contain the query's (`@>`), computed by the same function. A single
  character has no pair: the scan serves it.

Where the index's rows are exactly the scan's (`SearchIndex.exact`), the filters use its ids
without reading the rows again: the `LIKE` would only cost, and PostgreSQL's low estimate for
`LIKE '%…%'` made it scan the whole table rather than start from the index.

Django rebuilds a SQLite table to alter a column, which drops its triggers: after such a
migration, `manage.py rebuild_search_index` (which installs what is missing, then refills).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL

FUNCTION = "zs_search_terms"
END = "\ue000"  # after each column's text; ASCII punctuation maps to \ue001–\ue07f

# SQLite's LIKE folds ASCII letters only; the FTS5 `ascii` tokenizer splits terms at ASCII
# characters other than letters and digits, so those are moved to the private use area.
_SQLITE_CHARS = {
    code: chr(code).lower() if chr(code).isalnum() else chr(0xE000 + code) for code in range(128)
}

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(value, i, 2)), '{{}}'::text[])
  FROM generate_series(1, length(value) - 1) AS i
$$;
"""
PG_FUNCTION_DROP = f"DROP FUNCTION IF EXISTS {FUNCTION}(text);"


def sqlite_terms(*values: str | None) -> str:
    """The index terms of some column values: each pair of adjacent characters (ASCII letters
    folded to lower case), then the last character with the end mark, space-separated."""
    terms: list[str] = []
    for value in values:
        if not value:
            continue
        chars = value.translate(_SQLITE_CHARS) + END
        terms.extend(chars[i : i + 2] for i in range(len(chars) - 1))
    return " ".join(terms)


def sqlite_query(text: str) -> str:
    """The FTS5 query of the rows that may contain `text`: the phrase of its pairs; for one
    character, the pairs it begins."""
    chars = text.translate(_SQLITE_CHARS)
    if len(chars) == 1:
        return f'"{chars}" *'
    return '"' + " ".join(chars[i : i + 2] for i in range(len(chars) - 1)) + '"'


def register_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: the SQLite triggers call `zs_search_terms`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, -1, sqlite_terms, deterministic=True)


@dataclass(frozen=True)
class SearchIndex:
    """The keyword index over some text columns of one table (primary key `id`)."""

    table: str
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.table}_search"

    def _pg_expression(self) -> str:
        # Separated by a line feed so that no pair spans two columns a query could match.
        parts = " || E'\\n' || ".join(f"upper(coalesce({c}, ''))" for c in self.columns)
        return f"{FUNCTION}({parts})"

    def _sqlite_terms(self, row: str) -> str:
        return f"{FUNCTION}({', '.join(f'{row}{column}' for column in self.columns)})"

    def candidates(self, text: str) -> RawSQL | None:
        """SQL selecting the ids of the rows whose columns may contain `text` (ignoring case):
        every row that does, and maybe a few more. None when the index cannot narrow it."""
        if not text:
            return None
        if connection.vendor == "sqlite":
            return RawSQL(
                f"SELECT rowid FROM {self.name} WHERE {self.name} MATCH %s", [sqlite_query(text)]
            )
        if connection.vendor == "postgresql" and len(text) >= 2:
            return RawSQL(
                f"SELECT id FROM {self.table} "
                f"WHERE {self._pg_expression()} @> {FUNCTION}(upper(%s))",
                [text],
            )
        return None

    def exact(self, text: str) -> bool:
        """Whether `candidates(text)` are exactly the rows where some column contains `text` as
        `icontains` decides, so that no `LIKE` need check them. On SQLite they are: the phrase
        of adjacent pairs is the substring, ASCII folded as LIKE folds it, no phrase can span
        two columns (it would hold an end mark), and a single character is the prefix of the
        pairs it begins — unless the text holds one of the private-use characters the terms
        use for marks. On PostgreSQL the pairs are a set, which is the substring only for a
        text of two characters (a pair spanning two columns holds their line feed)."""
        if connection.vendor == "postgresql":
            return len(text) == 2 and "\n" not in text
        return (
            connection.vendor == "sqlite"
            and bool(text)
            and not any("\ue000" <= char <= "\ue07f" for char in text)
        )

    def install_sql(self, vendor: str) -> list[str]:
        """Statements creating the index (idempotent); SQLite's triggers included."""
        if vendor == "postgresql":
            return [
                f"CREATE INDEX IF NOT EXISTS {self.name} ON {self.table} "
                f"USING gin (({self._pg_expression()}))"
            ]
        if vendor != "sqlite":
            return []
        columns = ", ".join(self.columns)
        insert = (
            f"INSERT INTO {self.name}(rowid, terms) VALUES (new.id, {self._sqlite_terms('new.')});"
        )
        delete = (
            f"INSERT INTO {self.name}({self.name}, rowid, terms) "
            f"VALUES ('delete', old.id, {self._sqlite_terms('old.')});"
        )
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.name} "
            "USING fts5(terms, content='', tokenize='ascii')",
            f"CREATE TRIGGER IF NOT EXISTS {self.name}_insert AFTER INSERT ON {self.table} "
            f"BEGIN {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {self.name}_delete AFTER DELETE ON {self.table} "
            f"BEGIN {delete} END",
            f"CREATE TRIGGER IF NOT EXISTS {self.name}_update AFTER UPDATE OF {columns} "
            f"ON {self.table} BEGIN {delete} {insert} END",
        ]

    def drop_sql(self, vendor: str) -> list[str]:
        if vendor == "postgresql":
            return [f"DROP INDEX IF EXISTS {self.name}"]
        if vendor != "sqlite":
            return []
        return [
            *(
                f"DROP TRIGGER IF EXISTS {self.name}_{event}"
                for event in ("insert", "delete", "update")
            ),
            f"DROP TABLE IF EXISTS {self.name}",
        ]

    def fill_sql(self, vendor: str) -> list[str]:
        """Statements refilling the index from the table (after `install_sql`)."""
        if vendor == "postgresql":
            return [f"REINDEX INDEX {self.name}"]
        if vendor != "sqlite":
            return []
        return [
            f"INSERT INTO {self.name}({self.name}) VALUES ('delete-all')",
            f"INSERT INTO {self.name}(rowid, terms) "
            f"SELECT id, {self._sqlite_terms('')} FROM {self.table}",
        ]


# The indexes `rebuild_search_index` knows: each app registers its own (in its models module).
INDEXES: dict[str, SearchIndex] = {}


def register(index: SearchIndex) -> SearchIndex:
    INDEXES[index.table] = index
    return index


def execute(statements: Sequence[str], schema_editor: Any = None) -> None:
    """Run statements through a migration's schema editor, or on the default connection."""
    if schema_editor is not None:
        for sql in statements:
            schema_editor.execute(sql, params=None)
        return
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(index: SearchIndex, schema_editor: Any) -> None:
    """Migration step: create the index and fill it from the rows already there."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
    execute(index.install_sql(vendor), schema_editor)
    if vendor == "sqlite":
        execute(index.fill_sql(vendor)[1:], schema_editor)


def uninstall(index: SearchIndex, schema_editor: Any) -> None:
    execute(index.drop_sql(schema_editor.connection.vendor), schema_editor)


def rebuild(index: SearchIndex) -> None:
    """Install what is missing (the function, the table, the triggers), then refill."""
    vendor = connection.vendor
    # Deferred foreign-key checks pending in the transaction would refuse CREATE INDEX and REINDEX.
    statements = ["SET CONSTRAINTS ALL IMMEDIATE", PG_FUNCTION] if vendor == "postgresql" else []
    execute([*statements, *index.install_sql(vendor), *index.fill_sql(vendor)])
