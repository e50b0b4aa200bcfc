"""Server-side prepared statements (linkage.statements): prepared once per connection, the same answers as the
statement sent as text, refusals that fall back without harming the caller's transaction, and the off switch."""

import datetime
import decimal
from zoneinfo import ZoneInfo

import psycopg2.extras
import pytest
from django.db import connection, transaction

from linkage import statements

pytestmark = pytest.mark.django_db


def _prepared_here():
    """{name: SQL} of the statements prepared on this connection's database session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'linkage_%%'")
        return dict(cursor.fetchall())


def _run(sql, params, *, prepare):
    with connection.cursor() as cursor:
        if prepare:
            statements.execute(cursor, sql, params)
        else:
            cursor.execute(sql, params)
        return cursor.fetchall()


VALUES = [
    "被执行人", "it's 100% \\ _", "", None, True, False, 0, -7, 2**40, decimal.Decimal("150000.25"),
    datetime.datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")), datetime.datetime(2026, 1, 1, 8, 0),
    datetime.date(2026, 2, 28), [3, 1, 2], psycopg2.extras.Json({"a": [1, "二"]}), psycopg2.extras.Inet("10.1.2.3"),
]


@pytest.mark.parametrize("value", VALUES, ids=[repr(value)[:30] for value in VALUES])
def test_a_value_comes_back_as_it_does_from_the_statement_sent_as_text(value):
    sql = "SELECT %s, 'a%%b'"  # a literal % is written %% for psycopg2; PREPARE takes it as one %
    assert _run(sql, [value], prepare=True) == _run(sql, [value], prepare=False)


def test_prepared_once_per_connection_and_counted_as_one_query(django_assert_num_queries):
    sql = "SELECT count(*) FROM members_organisation WHERE id > %s AND code LIKE %s"
    with django_assert_num_queries(1) as captured:  # PREPARE is the connection's housekeeping, not a query
        first = _run(sql, [0, "%"], prepare=True)
    assert captured.captured_queries[0]["sql"].startswith("EXECUTE linkage_")
    name = captured.captured_queries[0]["sql"].split("(")[0].removeprefix("EXECUTE ")
    assert "id > $1 AND code LIKE $2" in _prepared_here()[name]
    before = len(_prepared_here())
    with django_assert_num_queries(1):
        again = _run(sql, [0, "%"], prepare=True)
    assert again == first == _run(sql, [0, "%"], prepare=False)
    assert len(_prepared_here()) == before  # run again with the statement already there


def test_other_types_are_another_statement():
    sql = "SELECT %s IS NULL"
    assert _run(sql, [None], prepare=True) == [(True,)]
    assert _run(sql, [5], prepare=True) == [(False,)]
    assert statements.statement(connection, sql, [None]) != statements.statement(connection, sql, [5])


def test_a_statement_postgresql_will_not_prepare_runs_as_text_and_leaves_the_transaction_usable():
    with transaction.atomic():
        assert _run("SHOW timezone", [], prepare=True)  # SHOW cannot be prepared
        assert _run("SELECT %s + 1", [1], prepare=True) == [(2,)]  # the transaction was not aborted
    assert statements.statement(connection, "SHOW timezone", []) == "SHOW timezone"  # remembered as refused


def test_a_value_psycopg2_sends_untyped_is_not_prepared():
    assert statements.statement(connection, "SELECT %s", [1.5]) == "SELECT %s"  # a float: numeric or double?
    assert statements.statement(connection, "SELECT %s", [["a"]]) == "SELECT %s"
    assert statements.statement(connection, "SELECT %s", [[]]) == "SELECT %s"
    assert _run("SELECT %s", [1.5], prepare=True) == [(1.5,)]


def test_a_rolled_back_transaction_keeps_the_statement():
    sql = "SELECT %s::int * 3"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert _run(sql, [2], prepare=True) == [(6,)]
        raise RuntimeError("roll back")
    assert _run(sql, [4], prepare=True) == [(12,)]


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    sql = "SELECT %s::int + 40"
    assert _run(sql, [2], prepare=True) == [(42,)]
    connection.close()
    assert _prepared_here() == {}
    assert _run(sql, [2], prepare=True) == [(42,)]
    assert len(_prepared_here()) == 1


def test_switched_off_the_sql_goes_as_text(settings, django_assert_num_queries):
    settings.DATABASE_SERVER_PREPARED = False
    with django_assert_num_queries(1) as captured:
        assert _run("SELECT %s + 2", [1], prepare=True) == [(3,)]
    assert captured.captured_queries[0]["sql"] == "SELECT 1 + 2"


def test_generic_plans_for_prepared_statements_only():
    """The session plans prepared statements once (force_generic_plan); the ORM's own queries are text, planned
    for their values each time, as PostgreSQL always does."""
    assert _run("SHOW plan_cache_mode", [], prepare=False) == [("force_generic_plan",)]


def test_source_names_the_sql_behind_an_execute():
    sql = "SELECT %s::int - 1"
    executed = statements.statement(connection, sql, [1])
    assert executed.startswith("EXECUTE linkage_") and statements.source(executed) == sql
    assert statements.source("SELECT 1") == "SELECT 1"
