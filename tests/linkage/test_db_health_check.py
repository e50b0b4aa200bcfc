"""The database connection's health check: Django's stock PostgreSQL backend with CONN_HEALTH_CHECKS replaces a kept
connection the server ended (restart, failover, pg_terminate_backend) before a request's first query uses it."""

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def _terminate(pid):
    database = settings.DATABASES["default"]
    other = psycopg2.connect(dbname=connection.settings_dict["NAME"], user=database.get("USER") or "postgres",
                             host=database.get("HOST") or "127.0.0.1", port=database.get("PORT") or 5432,
                             password=database.get("PASSWORD") or None)
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()


def test_the_stock_backend_checks_kept_connections():
    assert connection.settings_dict["ENGINE"] == "django.db.backends.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]


def test_a_connection_the_server_ended_is_not_usable_and_is_replaced():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    _terminate(pid)
    assert not connection.is_usable()
    # What Django does at the start of a request's first query: check, close the dead connection, open a new one.
    connection.health_check_done = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_closed_connection_is_not_usable():
    connection.ensure_connection()
    connection.connection.close()
    assert not connection.is_usable()
    connection.close()
