"""Server-side prepared statements for the hottest SQL, on psycopg2 (which, unlike psycopg 3, never prepares).

PostgreSQL parses and plans every statement it receives as text. On the load test's mix that was more of the
server's CPU than running the statements: the notice detail's query took 1.5 ms to plan and 0.3 ms to run, the
inbox's 0.9 ms and 0.2 ms (pg_stat_statements with track_planning, bench/LOAD_REPORT.md). A statement that the
application runs again and again with other values is therefore PREPAREd once per database connection and then
run as `EXECUTE name(values)`: PostgreSQL parses it once and, as the connection runs with
plan_cache_mode=force_generic_plan (linkage/settings.py), plans it once for any values. It is what psycopg 3 does on
its own with prepare_threshold; here only the statements that ask for it take part (`execute`), never an arbitrary
query, and a query whose best plan depends on the value (a column where one value is most of the rows) must not ask
(`PreparedQuery(server_prepared=False)`, as the public search by credit code does).

- The values are still sent by psycopg2 as literals, now as EXECUTE's arguments. Each parameter's type is declared
  from the value's Python type as psycopg2 would type its literal: a string or None is `unknown`, resolved by
  PostgreSQL from where it stands, exactly as a quoted literal is; a value of a type not in `_TYPES` (a float,
  bytes, a list of anything but integers) is not prepared at all and the statement runs as text.
- A statement PostgreSQL refuses to prepare runs as text from then on, in every connection of the process.
- PREPARE is not transactional: a rolled-back transaction keeps it. Inside a transaction it runs under a savepoint,
  so a refusal cannot abort the caller's transaction. It goes through psycopg2's own cursor: it is the connection's
  housekeeping, not one of the request's queries (assertNumQueries counts the EXECUTE, as it counted the SELECT).
- Each connection keeps its own list; a new connection (CONN_MAX_AGE, a dropped connection replaced) starts empty.
- Behind a pooler in transaction mode (PgBouncer's `pool_mode = transaction`) statements do not follow the
  client: set DATABASE_SERVER_PREPARED=false there (OPERATIONS.md).
"""

import datetime
import decimal
import itertools
import re

import psycopg2
import psycopg2.extras
from django.conf import settings

_TYPES = (  # in this order: bool is an int, datetime a date
    (bool, "boolean"),
    (int, "bigint"),
    (decimal.Decimal, "numeric"),
    (str, "unknown"),
    (psycopg2.extras.Json, "unknown"),  # a JSONField's value: a quoted literal, typed by its column
    (psycopg2.extras.Inet, "inet"),  # a GenericIPAddressField's value: '…'::inet
    (datetime.datetime, None),  # timestamptz or timestamp, by tzinfo
    (datetime.date, "date"),
)
_PLACEHOLDER = re.compile(r"%[s%]")
MAX_PER_CONNECTION = 200  # distinct statements per connection; beyond, statements run as text

_names = {}  # (sql, types) -> statement name, for the process
_refused = set()  # (sql, types) PostgreSQL would not prepare
_numbers = itertools.count(1)


def _type(value):
    if value is None:
        return "unknown"
    if isinstance(value, list):  # psycopg2 sends a list as ARRAY[…] (a tuple is a row: not prepared)
        if value and all(isinstance(item, int) and not isinstance(item, bool) for item in value):
            return "bigint[]"
        return None
    for python_type, sql_type in _TYPES:
        if isinstance(value, python_type):
            if python_type is datetime.datetime:
                return "timestamptz" if value.tzinfo is not None else "timestamp"
            return sql_type
    return None


def enabled(connection):
    return connection.vendor == "postgresql" and settings.DATABASE_SERVER_PREPARED


def _prepared_on(connection):
    """The names prepared on this connection's current database session."""
    raw = connection.connection
    state = getattr(connection, "_linkage_statements", None)
    if state is None or state[0] is not raw:
        state = connection._linkage_statements = (raw, set())
    return state[1]


def _prepare(connection, name, sql, types):
    numbers = itertools.count(1)
    text = _PLACEHOLDER.sub(lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", sql)
    declared = f" ({', '.join(types)})" if types else ""
    raw = connection.connection
    in_transaction = not raw.autocommit
    with raw.cursor() as cursor:
        if in_transaction:
            cursor.execute("SAVEPOINT linkage_prepare")
        try:
            cursor.execute(f"PREPARE {name}{declared} AS {text}")
        except psycopg2.Error:
            if in_transaction:
                cursor.execute("ROLLBACK TO SAVEPOINT linkage_prepare")
                cursor.execute("RELEASE SAVEPOINT linkage_prepare")
            return False
        if in_transaction:
            cursor.execute("RELEASE SAVEPOINT linkage_prepare")
    return True


def statement(connection, sql, params):
    """What to send for `sql` with `params` on `connection` (a Django connection): `EXECUTE name(%s, …)`
    once the statement is prepared on it, or `sql` itself where it cannot be."""
    if not enabled(connection):
        return sql
    types = tuple(_type(value) for value in params)
    key = (sql, types)
    if None in types or key in _refused:
        return sql
    connection.ensure_connection()
    name = _names.get(key)
    if name is None:
        name = _names.setdefault(key, f"linkage_{next(_numbers)}")
    prepared = _prepared_on(connection)
    if name not in prepared:
        if len(prepared) >= MAX_PER_CONNECTION:
            return sql
        if not _prepare(connection, name, sql, types):
            _refused.add(key)
            return sql
        prepared.add(name)
    return f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"


def execute(cursor, sql, params=()):
    """`cursor.execute(sql, params)` (a Django cursor) through the connection's prepared statement for `sql`."""
    params = list(params)
    cursor.execute(statement(cursor.db, sql, params), params)


def source(executed):
    """The SQL behind `EXECUTE linkage_N(…)` as a query log shows it (for tests and debugging); other SQL as it is."""
    if executed.startswith("EXECUTE linkage_"):
        name = executed.removeprefix("EXECUTE ").split("(", 1)[0]
        for (sql, _), known in list(_names.items()):
            if known == name:
                return sql
    return executed
