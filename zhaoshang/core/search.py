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
from django.db.models import BooleanField, F, Func, Q, Subquery, Value
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
class LinkedNames:
    """A table of derived text, one row per owner: the names of the rows a link table ties it
    to (a project's investors' names), joined by line feeds, kept by triggers on the link table,
    the named table and the owner table, in the writing transaction. A `SearchIndex` over it
    finds the owners by a linked row's name in one lookup, where going through the link table
    would look up each named row found (50,000 enterprises holding 轴承, for 5,000 projects).

    The line feed between two names makes a pair no query without one can match (the search
    index marks it), so a name is found in the joined text exactly when some name holds it."""

    table: str  # (id = the owner's id, names)
    owner_table: str
    link_table: str
    owner_column: str  # in the link table
    target_column: str  # in the link table
    named_table: str
    name_column: str

    def _aggregate(self, vendor: str) -> str:
        if vendor == "sqlite":
            return f"group_concat(n.{self.name_column}, char(10))"
        return f"string_agg(n.{self.name_column}, E'\\n')"

    def _names_sql(self, vendor: str, owner: str) -> str:
        return (
            f"SELECT {self._aggregate(vendor)} AS names FROM {self.link_table} AS l "
            f"JOIN {self.named_table} AS n ON n.id = l.{self.target_column} "
            f"WHERE l.{self.owner_column} = {owner}"
        )

    def _refresh(self, vendor: str, owner: str) -> str:
        # An upsert, not a delete and an insert: two transactions refreshing one owner at once
        # would both insert its row, and the second would fail on the primary key.
        return (
            f"DELETE FROM {self.table} "
            f"WHERE id = {owner} AND ({self._names_sql(vendor, owner)}) IS NULL; "
            f"INSERT INTO {self.table}(id, names) SELECT {owner}, names "
            f"FROM ({self._names_sql(vendor, owner)}) AS joined WHERE names IS NOT NULL "
            "ON CONFLICT (id) DO UPDATE SET names = excluded.names;"
        )

    def _renamed(self, vendor: str) -> str:
        return (
            f"UPDATE {self.table} SET names = ({self._names_sql(vendor, self.table + '.id')}) "
            f"WHERE id IN (SELECT {self.owner_column} FROM {self.link_table} "
            f"WHERE {self.target_column} = new.id);"
        )

    def install_sql(self, vendor: str) -> list[str]:
        """The triggers (idempotent); the table itself is a model's."""
        name, link = self.table, self.link_table
        if vendor == "sqlite":
            owner_new, owner_old = f"new.{self.owner_column}", f"old.{self.owner_column}"
            return [
                f"CREATE TRIGGER IF NOT EXISTS {name}_link_insert AFTER INSERT ON {link} "
                f"BEGIN {self._refresh(vendor, owner_new)} END",
                f"CREATE TRIGGER IF NOT EXISTS {name}_link_delete AFTER DELETE ON {link} "
                f"BEGIN {self._refresh(vendor, owner_old)} END",
                f"CREATE TRIGGER IF NOT EXISTS {name}_link_update AFTER UPDATE ON {link} "
                f"BEGIN {self._refresh(vendor, owner_old)} {self._refresh(vendor, owner_new)} END",
                f"CREATE TRIGGER IF NOT EXISTS {name}_renamed "
                f"AFTER UPDATE OF {self.name_column} ON {self.named_table} "
                f"WHEN old.{self.name_column} IS NOT new.{self.name_column} "
                f"BEGIN {self._renamed(vendor)} END",
                f"CREATE TRIGGER IF NOT EXISTS {name}_owner_delete AFTER DELETE ON {self.owner_table} "
                f"BEGIN DELETE FROM {name} WHERE id = old.id; END",
            ]
        if vendor != "postgresql":
            return []
        column = self.name_column
        return [
            f"""CREATE OR REPLACE FUNCTION {name}_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {self._refresh(vendor, "OLD." + self.owner_column)} END IF;
  IF TG_OP <> 'DELETE' THEN {self._refresh(vendor, "NEW." + self.owner_column)} END IF;
  RETURN NULL;
END $$""",
            f"""CREATE OR REPLACE FUNCTION {name}_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {self._renamed(vendor)}
  RETURN NULL;
END $$""",
            f"""CREATE OR REPLACE FUNCTION {name}_owner_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {name} WHERE id = OLD.id;
  RETURN NULL;
END $$""",
            f"DROP TRIGGER IF EXISTS {name}_link ON {link}",
            f"CREATE TRIGGER {name}_link AFTER INSERT OR UPDATE OR DELETE ON {link} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}_link()",
            f"DROP TRIGGER IF EXISTS {name}_renamed ON {self.named_table}",
            f"CREATE TRIGGER {name}_renamed AFTER UPDATE OF {column} ON {self.named_table} "
            f"FOR EACH ROW WHEN (OLD.{column} IS DISTINCT FROM NEW.{column}) "
            f"EXECUTE FUNCTION {name}_renamed()",
            f"DROP TRIGGER IF EXISTS {name}_owner_delete ON {self.owner_table}",
            f"CREATE TRIGGER {name}_owner_delete AFTER DELETE ON {self.owner_table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}_owner_delete()",
        ]

    def drop_sql(self, vendor: str) -> list[str]:
        name = self.table
        if vendor == "sqlite":
            return [
                f"DROP TRIGGER IF EXISTS {name}_{event}"
                for event in (
                    "link_insert",
                    "link_delete",
                    "link_update",
                    "renamed",
                    "owner_delete",
                )
            ]
        if vendor != "postgresql":
            return []
        return [
            f"DROP TRIGGER IF EXISTS {name}_link ON {self.link_table}",
            f"DROP TRIGGER IF EXISTS {name}_renamed ON {self.named_table}",
            f"DROP TRIGGER IF EXISTS {name}_owner_delete ON {self.owner_table}",
            *(f"DROP FUNCTION IF EXISTS {name}_{f}()" for f in ("link", "renamed", "owner_delete")),
        ]

    def fill_sql(self, vendor: str) -> list[str]:
        """Statements refilling the table from the links (its search index follows)."""
        if vendor not in ("sqlite", "postgresql"):
            return []
        return [
            f"DELETE FROM {self.table}",
            f"INSERT INTO {self.table}(id, names) "
            f"SELECT l.{self.owner_column}, {self._aggregate(vendor)} "
            f"FROM {self.link_table} AS l JOIN {self.named_table} AS n "
            f"ON n.id = l.{self.target_column} GROUP BY l.{self.owner_column}",
        ]


@dataclass(frozen=True)
class SearchIndex:
    """The keyword index over some text columns of one table (primary key `id`)."""

    table: str
    columns: tuple[str, ...]
    source: LinkedNames | None = None  # the table's rows are derived: kept by its triggers

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
        text of two characters (a pair spanning two columns holds their line feed). Over joined
        names, a text holding a line feed may span two names: never exact."""
        if self.source is not None and "\n" in text:
            return False  # the line feed joining two names: the text may span them
        if connection.vendor == "postgresql":
            return len(text) == 2 and "\n" not in text
        return (
            connection.vendor == "sqlite"
            and bool(text)
            and not any("\ue000" <= char <= "\ue07f" for char in text)
        )

    def count(self, text: str) -> int | None:
        """The number of rows holding `text`, from the index alone, where the index finds
        exactly those rows and counts them without reading the table (SQLite: FTS5 reads its
        list of rows); None otherwise (PostgreSQL's GIN index yields row addresses, which only
        a visit of each row turns into a count)."""
        candidates = self.candidates(text)
        if connection.vendor != "sqlite" or candidates is None or not self.exact(text):
            return None
        return count(candidates)

    def union(self, other: SearchIndex, text: str) -> RawSQL | None:
        """SQL selecting the ids either index finds for `text` (one list for an `__in`), when
        both find exactly the matching rows; None otherwise."""
        mine, theirs = self.candidates(text), other.candidates(text)
        if mine is None or theirs is None or not (self.exact(text) and other.exact(text)):
            return None
        return RawSQL(f"{mine.sql} UNION {theirs.sql}", (*mine.params, *theirs.params))

    def condition(self, text: str) -> Q | None:
        """The condition, on this index's table, of the rows the index finds for `text`
        (`candidates`): SQLite, their ids; PostgreSQL, the indexed expression itself (one
        bitmap scan of the table, where `id IN (…)` joins the table to itself)."""
        if connection.vendor == "postgresql" and len(text) >= 2:
            return Q(PairsContain(*self.columns, text=text))
        candidates = self.candidates(text)
        return None if candidates is None else Q(pk__in=candidates)

    def either(self, other: SearchIndex, text: str, *, other_rows: Any) -> Q | None:
        """The condition, on this index's table, of the rows either index finds for `text`
        (`other_rows`: the manager of the other index's table, whose ids are this table's),
        where both find exactly the matching rows; None otherwise.

        SQLite: the ids of both FTS tables, in one list. PostgreSQL: this table's indexed
        expression itself, or its id among the other table's (an array computed first), so
        that one bitmap over both indexes reads each row once; an `IN (…)` of either would
        make PostgreSQL hash the ids and read the whole table."""
        if connection.vendor != "postgresql":
            both = self.union(other, text)
            return None if both is None else Q(pk__in=both)
        if not (len(text) >= 2 and self.exact(text) and other.exact(text)):
            return None
        found = other_rows.filter(PairsContain(*other.columns, text=text)).values("id")
        return Q(PairsContain(*self.columns, text=text)) | Q(IdAmong(F("pk"), Subquery(found)))

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


class PairsContain(Func):
    """PostgreSQL: whether the columns (joined as the index joins them) hold every pair of
    `text`: the GIN index's own expression, so that the index serves it."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, *columns: str, text: str) -> None:
        super().__init__(*(F(column) for column in columns), Value(text))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        *columns, text = self.get_source_expressions()
        parts, params = [], []
        for column in columns:
            sql, column_params = compiler.compile(column)
            parts.append(f"upper(coalesce({sql}, ''))")
            params.extend(column_params)
        text_sql, text_params = compiler.compile(text)
        joined = " || E'\\n' || ".join(parts)
        return f"{FUNCTION}({joined}) @> {FUNCTION}(upper({text_sql}))", [*params, *text_params]


class IdAmong(Func):
    """PostgreSQL: `id = ANY(ARRAY(subquery))`, the ids computed once before the scan, which
    an index (and a bitmap OR) can serve, unlike `IN (subquery)` within an OR."""

    output_field = BooleanField()
    conditional = True
    template = "%(expressions)s"
    arg_joiner = " = ANY(ARRAY"

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"({sql}))", params


def count(ids: RawSQL) -> int:
    """The number of ids some index SQL selects."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({ids.sql}) AS ids", ids.params)
        return cursor.fetchone()[0]


def walks(found: int, rows: int, page_size: int) -> bool:
    """Whether the first page of `found` matches among about `rows` rows is read faster by
    walking the rows in the page's order (an index), checking the keyword on each, than by
    looking up every match and sorting them. The walk reads about page_size × rows / found
    rows (the matches being spread over the order), the lookups `found` rows: walk when
    found² ≥ page_size × rows. A page of the 50,000 enterprises holding 轴承 of 10^6 then
    reads about 600 names in order instead of 50,000 rows; a word held by 30 reads those 30."""
    return found > 0 and found * found >= page_size * rows


def page_number(data: Any) -> int:
    """How far a query string's page (`?page=3`) reaches: 1 when absent or not a number, and
    as far as can be for `?page=last` (the paginator's name for the last page)."""
    value = str((data or {}).get("page") or "1")
    if value == "last":
        return 10**6
    return int(value) if value.isdigit() and 0 < int(value) < 10**6 else 1


def scope_checked(restricted: Any) -> Any:
    """`restricted` (a `.restrict()`ed queryset) with its scope checked on each row walked
    rather than used to find the rows, for a page read in its order (`walks`). On SQLite the
    scope's own indexes would otherwise drive the query — a unit's 10,000 projects read and
    sorted for a page of 50 — as SQLite takes an indexed equality for a handful of rows. The
    scope's ids are listed once, and `id + 0`, which no index serves, looks each row walked
    up in them."""
    if connection.vendor != "sqlite" or not restricted.query.where or restricted.query.is_empty():
        return restricted
    model = restricted.model
    scope = restricted.order_by().values("pk")
    return model._default_manager.alias(_scoped_id=F("pk") + 0).filter(_scoped_id__in=scope)


def rows(model: Any) -> int:
    """About how many rows a table holds, without counting them: its highest id."""
    return model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0


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
    """Migration step: create the index and fill it from the rows already there (a derived
    table first, before the index's triggers follow its writes)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
    if index.source is not None:
        execute([*index.source.install_sql(vendor), *index.source.fill_sql(vendor)], schema_editor)
    execute(index.install_sql(vendor), schema_editor)
    if vendor == "sqlite":
        execute(index.fill_sql(vendor)[1:], schema_editor)


def uninstall(index: SearchIndex, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    execute(index.drop_sql(vendor), schema_editor)
    if index.source is not None:
        execute(index.source.drop_sql(vendor), schema_editor)


def rebuild(index: SearchIndex) -> None:
    """Install what is missing (the function, the table, the triggers), then refill."""
    vendor = connection.vendor
    # Deferred foreign-key checks pending in the transaction would refuse CREATE INDEX and REINDEX.
    statements = ["SET CONSTRAINTS ALL IMMEDIATE", PG_FUNCTION] if vendor == "postgresql" else []
    statements += index.install_sql(vendor)
    if index.source is not None:
        # the derived table's triggers as the code has them now, its rows refilled through
        # the index's triggers, then the index refilled whole
        statements = [
            *index.source.drop_sql(vendor),
            *index.source.install_sql(vendor),
            *statements,
            *index.source.fill_sql(vendor),
        ]
    execute([*statements, *index.fill_sql(vendor)])
